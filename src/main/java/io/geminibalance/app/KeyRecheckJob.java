package io.geminibalance.app;

import io.geminibalance.admin.KeyProbe;
import io.geminibalance.keypool.ApiKey;
import io.geminibalance.keypool.KeyOutcome;
import io.geminibalance.protocol.gemini.GoogleError;
import io.geminibalance.requestlog.SecretRedactor;
import io.geminibalance.upstream.Verdict;
import io.geminibalance.keypool.KeyPool;
import io.geminibalance.protocol.gemini.GeminiMethod;
import io.geminibalance.streaming.BodyRelay;
import io.geminibalance.upstream.OutcomeClassifier;
import io.geminibalance.upstream.UpstreamCall;
import io.geminibalance.upstream.UpstreamCall.KeyPlacement;
import io.geminibalance.upstream.UpstreamClient;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Re-tests disabled keys with a tiny generateContent on TEST_MODEL, a few at a time, and puts the
 * ones that answer back into service. Runs every CHECK_INTERVAL_HOURS.
 */
public final class KeyRecheckJob implements KeyProbe {
  private static final Logger LOG = LoggerFactory.getLogger(KeyRecheckJob.class);
  private static final int CONCURRENCY = 5;
  private static final int MAX_MESSAGE_CHARS = 300;
  private static final Buffer PROBE = Buffer.buffer(
      "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"hi\"}]}],"
          + "\"generationConfig\":{\"maxOutputTokens\":10}}");

  private final KeyPool pool;
  private final UpstreamClient client;
  private final Supplier<String> testModel;

  public KeyRecheckJob(KeyPool pool, UpstreamClient client, Supplier<String> testModel) {
    this.pool = pool;
    this.client = client;
    this.testModel = testModel;
  }

  /** Checks every disabled key; completes with the number restored. */
  public Future<Integer> run() {
    Deque<ApiKey> queue = new ArrayDeque<>(pool.snapshot().disabledKeys());
    if (queue.isEmpty()) {
      return Future.succeededFuture(0);
    }
    LOG.info("Re-checking {} disabled key(s) with {}", queue.size(), testModel.get());
    int[] restored = {0};
    List<Future<Void>> workers = new java.util.ArrayList<>();
    for (int i = 0; i < Math.min(CONCURRENCY, queue.size()); i++) {
      workers.add(drain(queue, restored));
    }
    return Future.join(workers).transform(ar -> {
      LOG.info("Key re-check done: {} key(s) restored", restored[0]);
      return Future.succeededFuture(restored[0]);
    });
  }

  private Future<Void> drain(Deque<ApiKey> queue, int[] restored) {
    ApiKey key = queue.poll();
    if (key == null) {
      return Future.succeededFuture();
    }
    return probe(key).transform(ar -> {
      if (ar.succeeded() && ar.result()) {
        pool.restore(key);
        restored[0]++;
      }
      return drain(queue, restored);
    });
  }

  /** True when the key answered 2xx. */
  public Future<Boolean> probe(ApiKey key) {
    return check(key).map(KeyProbe.Result::valid);
  }

  /**
   * What the key's answer to the probe means, classified like a client's request. Google's message
   * is redacted (some name the key) and cut short.
   */
  @Override
  public Future<KeyProbe.Result> check(ApiKey key) {
    String model = testModel.get();
    UpstreamCall call = new UpstreamCall(HttpMethod.POST, GeminiMethod.GENERATE_CONTENT.pathFor(model), "",
        MultiMap.caseInsensitiveMultiMap(), PROBE, model, false, KeyPlacement.GOOG_API_KEY_HEADER,
        "key-check");
    return client.send(call, key, request -> { }).compose(response -> {
      return BodyRelay.collect(response, client.settings().timeout().toMillis()).map(b -> {
        int status = response.statusCode();
        Verdict verdict = OutcomeClassifier.classify(status, b.getBytes());
        LOG.debug("Key {} re-check: {}", key, status);
        String message = verdict.success() ? "" : GoogleError.parse(b.getBytes()).message();
        return new KeyProbe.Result(model, status, verdict.keyOutcome(), shortRedacted(message, key));
      });
    }).recover(err -> Future.succeededFuture(new KeyProbe.Result(model, 0, KeyOutcome.NEUTRAL,
        shortRedacted("no answer from upstream: " + err.getMessage(), key))));
  }

  private static String shortRedacted(String message, ApiKey key) {
    if (message == null || message.isEmpty()) {
      return "";
    }
    String redacted = SecretRedactor.process().redact(message.replace(key.secret(), key.masked()));
    return redacted.length() <= MAX_MESSAGE_CHARS ? redacted : redacted.substring(0, MAX_MESSAGE_CHARS) + "...";
  }
}
