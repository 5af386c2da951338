package io.geminibalance.relay;

import io.geminibalance.keypool.RateLimits;
import io.geminibalance.protocol.gemini.PathSegments;
import io.geminibalance.protocol.gemini.ResourceKind;
import io.geminibalance.storage.ResourceRecord;
import io.geminibalance.streaming.BodyRelay;
import io.geminibalance.upstream.KeyChoice;
import io.geminibalance.upstream.RequestContext;
import io.geminibalance.upstream.UpstreamCall;
import io.geminibalance.upstream.UpstreamCall.KeyPlacement;
import io.geminibalance.upstream.UpstreamExecutor;
import io.geminibalance.upstream.UpstreamResult;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes expired resources (FILES_CLEANUP_ENABLED): at Google with the key that created each,
 * then their records. A resource whose key left the pool can only be forgotten. One run at a
 * time, in batches, one deletion after another, so a backlog never floods the pool.
 */
public final class ResourceCleanup {
  private static final Logger LOG = LoggerFactory.getLogger(ResourceCleanup.class);
  static final int BATCH = 100;
  /**
   * How long the record of a batch, an operation or an interaction is kept when Google gives no
   * expiry: their records would otherwise pile up for ever. Those are only forgotten, never
   * deleted at Google (see {@link #forgottenOnly}).
   */
  public static final long RECORD_KEPT_MILLIS = Duration.ofDays(30).toMillis();

  /**
   * Kinds whose expired records are forgotten without a deletion at Google: Google ends these
   * itself (a finished batch, an operation, an interaction), and a user's batch must not vanish
   * because the gateway's record of it aged.
   */
  public static boolean forgottenOnly(ResourceKind kind) {
    return switch (kind) {
      case BATCH, OPERATION, INTERACTION -> true;
      case FILE, CACHED_CONTENT, FILE_SEARCH_STORE -> false;
    };
  }

  /** Runs stop after this many batches; the next run carries on. */
  static final int MAX_BATCHES = 50;

  private final java.util.function.Function<String, UpstreamExecutor> executors;
  private final ResourceRegistry registry;
  private final java.util.function.BiPredicate<String, String> keyInPool;
  private final LongSupplier clock;
  private final BooleanSupplier enabled;
  private final AtomicBoolean running = new AtomicBoolean();

  /**
   * @param executors the executor of each pool, by its name (null: a pool no longer served)
   * @param keyInPool whether a pool (first argument) holds the key with a fingerprint (second)
   */
  public ResourceCleanup(java.util.function.Function<String, UpstreamExecutor> executors, ResourceRegistry registry,
      java.util.function.BiPredicate<String, String> keyInPool, LongSupplier clockMillis, BooleanSupplier enabled) {
    this.executors = executors;
    this.registry = registry;
    this.keyInPool = keyInPool;
    this.clock = clockMillis;
    this.enabled = enabled;
  }

  /** One run; completes with how many records were removed (0 when disabled or already running). */
  public Future<Integer> run() {
    if (!enabled.getAsBoolean() || !running.compareAndSet(false, true)) {
      return Future.succeededFuture(0);
    }
    return batches(0, 0).onComplete(ar -> {
      running.set(false);
      if (ar.failed()) {
        LOG.warn("Expired resources could not be cleaned: {}", ar.cause().toString());
      } else if (ar.result() > 0) {
        LOG.info("Cleaned {} expired resource(s)", ar.result());
      }
    });
  }

  private Future<Integer> batches(int batch, int removed) {
    if (batch >= MAX_BATCHES) {
      return Future.succeededFuture(removed);
    }
    return registry.expired(clock.getAsLong(), BATCH).compose(records -> records.isEmpty()
        ? Future.succeededFuture(removed)
        : each(records, 0, 0).compose(done -> done == 0 ? Future.succeededFuture(removed)
            : batches(batch + 1, removed + done)));
  }

  private Future<Integer> each(List<ResourceRecord> records, int index, int removed) {
    if (index == records.size()) {
      return Future.succeededFuture(removed);
    }
    ResourceRecord record = records.get(index);
    return deleteAtGoogle(record)
        .compose(gone -> gone ? registry.forget(record.name()) : Future.succeededFuture(false))
        .compose(forgot -> each(records, index + 1, removed + (forgot ? 1 : 0)));
  }

  /**
   * Whether the resource is gone at Google: deleted now, already dropped (404), or out of reach for
   * good (its key left the pool). A refusal for now (the key cooling or disabled, Google down)
   * keeps the record for the next run.
   */
  private Future<Boolean> deleteAtGoogle(ResourceRecord record) {
    UpstreamExecutor executor = executors.apply(record.pool());
    if (forgottenOnly(record.kind()) || executor == null
        || !keyInPool.test(record.pool(), record.keyFingerprint())) {
      return Future.succeededFuture(true);
    }
    StringBuilder path = new StringBuilder();
    for (String segment : record.name().split("/")) {
      path.append('/').append(PathSegments.encode(segment));
    }
    UpstreamCall call = new UpstreamCall(HttpMethod.DELETE, path.toString(), "", MultiMap.caseInsensitiveMultiMap(),
        Buffer.buffer(), RateLimits.UNMETERED, false, KeyPlacement.GOOG_API_KEY_HEADER,
        "gemini-" + record.kind().collection() + "-cleanup");
    RequestContext ctx = new RequestContext(null, clock.getAsLong());
    return executor.execute(call, ctx, new KeyChoice.Pinned(record.keyFingerprint(), record.name()))
        .compose(result -> switch (result) {
          case UpstreamResult.Answered answered ->
              BodyRelay.collect(answered.response(), executor.bodyIdleTimeoutMillis()).map(body -> true);
          case UpstreamResult.Failed failed -> {
            if (failed.status() != 404) {
              LOG.debug("{} could not be deleted at Google now ({} {}); kept for the next run", record.name(),
                  failed.status(), failed.message());
            }
            yield Future.succeededFuture(failed.status() == 404 && !failed.poolRefusal());
          }
        })
        .recover(failure -> {
          LOG.debug("{} could not be deleted at Google now ({}); kept for the next run", record.name(),
              failure.toString());
          return Future.succeededFuture(false);
        });
  }
}
