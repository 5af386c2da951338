package io.geminibalance.relay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.geminibalance.config.ConfigException;
import io.geminibalance.config.GatewayConfig;
import io.geminibalance.protocol.anthropic.AnswerContext;
import io.geminibalance.protocol.anthropic.AnthropicErrors;
import io.geminibalance.protocol.anthropic.AnthropicRequestException;
import io.geminibalance.protocol.anthropic.MessageResponseTranslator;
import io.geminibalance.protocol.anthropic.MessageStreamTranslator;
import io.geminibalance.protocol.anthropic.MessagesRequestTranslator;
import io.geminibalance.protocol.anthropic.ModelMap;
import io.geminibalance.protocol.anthropic.TranslatedMessages;
import io.geminibalance.protocol.gemini.GeminiMethod;
import io.geminibalance.protocol.gemini.TokenUsage;
import io.geminibalance.protocol.openai.MalformedUpstreamException;
import io.geminibalance.streaming.BodyRelay;
import io.geminibalance.upstream.RequestContext;
import io.geminibalance.upstream.UpstreamCall;
import io.geminibalance.upstream.UpstreamCall.KeyPlacement;
import io.geminibalance.upstream.UpstreamExecutor;
import io.geminibalance.upstream.UpstreamResult;
import io.vertx.core.AsyncResult;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * Anthropic's Messages API ({@code /v1/messages}, {@code /v1/messages/count_tokens}, also under
 * {@code /anthropic}): requests translated to Gemini by {@code protocol.anthropic}, sent over the
 * same key pool, retries and request log as every surface ({@link UpstreamExecutor}), answers
 * translated back. This class only sequences it.
 */
public final class AnthropicRelay {
  /** Tool use ids come from here (they carry signatures and are echoed back; no guessing them). */
  private static final SecureRandom RANDOM = new SecureRandom();

  /** What the client asked for. */
  public enum Endpoint { MESSAGES, COUNT_TOKENS }

  private final UpstreamExecutor executor;
  private final MediaFetcher media;
  private final Supplier<GatewayConfig> config;
  private volatile Cached cached;

  public AnthropicRelay(UpstreamExecutor executor, MediaFetcher media, Supplier<GatewayConfig> config) {
    this.executor = executor;
    this.media = media;
    this.config = config;
  }

  /**
   * ANTHROPIC_MODEL_MAP as rules.
   *
   * @throws ConfigException naming the setting when it is not a map of glob to model
   */
  public static ModelMap modelMap(GatewayConfig config) {
    try {
      return ModelMap.parse(config.values().jsonMap("ANTHROPIC_MODEL_MAP"));
    } catch (IllegalArgumentException e) {
      throw new ConfigException("ANTHROPIC_MODEL_MAP", "ANTHROPIC_MODEL_MAP: " + e.getMessage());
    }
  }

  private record Cached(GatewayConfig config, MessagesRequestTranslator translator, ImageLimits images) {}

  /** Rebuilt only when the configuration object changes, not per request. */
  private Cached cached() {
    GatewayConfig current = config.get();
    Cached now = this.cached;
    if (now == null || now.config() != current) {
      now = new Cached(current, new MessagesRequestTranslator(modelMap(current), OpenAiOptions.aliases(current)), ImageLimits.from(current));
      this.cached = now;
    }
    return now;
  }

  public void handle(RoutingContext rc, Endpoint endpoint, RequestContext ctx) {
    rc.response().closeHandler(v -> ctx.clientClosed());
    JsonNode body = parse(rc);
    if (body == null) {
      return;
    }
    Cached current = cached();
    TranslatedMessages translated;
    try {
      translated = endpoint == Endpoint.MESSAGES ? current.translator().messages(body)
          : current.translator().countTokens(body);
    } catch (AnthropicRequestException e) {
      AnthropicResponses.send(rc.response(), AnthropicErrors.of(e));
      return;
    }
    List<String> urls = translated.mediaUrls();
    MediaDownloads.Refusal tooMany = MediaDownloads.tooMany(urls, current.images());
    if (tooMany != null) {
      AnthropicResponses.error(rc.response(), tooMany.status(), "messages: " + tooMany.message());
      return;
    }
    ImageBudget.Request budget = media.requestBudget(current.images());
    MediaDownloads.fetchAll(media, translated.body(), urls, budget).onComplete(ar -> {
      if (ar.failed()) {
        budget.release();
        MediaDownloads.Refusal refusal = MediaDownloads.refusal(ar.cause());
        if (refusal.retryAfterSeconds() > 0) {
          rc.response().putHeader("retry-after", Long.toString(refusal.retryAfterSeconds()));
        }
        AnthropicResponses.error(rc.response(), refusal.status(),
            (refusal.status() < 500 ? "messages: " : "") + refusal.message());
        return;
      }
      send(rc, ctx, endpoint, translated, ar.result(), budget);
    });
  }

  private void send(RoutingContext rc, RequestContext ctx, Endpoint endpoint, TranslatedMessages translated,
      MediaDownloads.Fetched fetched, ImageBudget.Request budget) {
    String model = translated.upstreamModel();
    boolean stream = translated.stream();
    boolean counting = endpoint == Endpoint.COUNT_TOKENS;
    ObjectNode upstreamBody = counting
        ? MessagesRequestTranslator.countTokensBody(fetched.body(), model) : fetched.body();
    GeminiMethod method = counting ? GeminiMethod.COUNT_TOKENS
        : stream ? GeminiMethod.STREAM_GENERATE_CONTENT : GeminiMethod.GENERATE_CONTENT;
    UpstreamCall call = new UpstreamCall(HttpMethod.POST, method.pathFor(model), stream ? "alt=sse" : "",
        OpenAiRelay.forwardedHeaders(rc),
        OpenAiRelay.jsonBuffer(upstreamBody, OpenAiRelay.expectedBytes(rc, fetched.mediaBytes())),
        model, stream, KeyPlacement.GOOG_API_KEY_HEADER,
        counting ? "anthropic-count-tokens" : stream ? "anthropic-messages-stream" : "anthropic-messages",
        !counting);
    long idleMillis = config.get().timeout().toMillis();
    executor.execute(call, ctx).onComplete(ar -> {
      budget.release(); // Google has the body (or never will): its images no longer count
      HttpServerResponse client = rc.response();
      if (ar.failed()) {
        AnthropicResponses.error(client, 500, UnexpectedFailure.logged(ctx, ar.cause()));
        return;
      }
      switch (ar.result()) {
        case UpstreamResult.Failed failed -> AnthropicResponses.failure(client, failed, translated.requestedModel());
        case UpstreamResult.Answered answered -> {
          AnswerContext context = new AnswerContext(messageId(), translated.requestedModel(), RANDOM);
          if (counting) {
            BodyRelay.collect(answered.response(), idleMillis).onComplete(b -> countAnswer(client, b));
          } else if (stream) {
            stream(client, answered, new MessageStreamTranslator(context), idleMillis);
          } else {
            BodyRelay.collect(answered.response(), idleMillis).onComplete(b -> whole(client, answered, b, context));
          }
        }
      }
    });
  }

  /** The attempt is logged here, once the answer is read, with its usage (none when it broke). */
  private static void whole(HttpServerResponse client, UpstreamResult.Answered answered, AsyncResult<Buffer> ar,
      AnswerContext context) {
    JsonNode gemini = null;
    try {
      gemini = answer(client, ar);
      if (gemini == null) {
        return;
      }
      ObjectNode message;
      try {
        message = MessageResponseTranslator.toMessage(gemini, context);
      } catch (MalformedUpstreamException e) {
        AnthropicResponses.error(client, 502, "upstream answer was malformed: " + e.getMessage());
        return;
      }
      client.putHeader("content-type", "application/json; charset=UTF-8").end(OpenAiRelay.jsonBuffer(message));
    } finally {
      AnswerUsage.report(answered.log(), client, TokenUsage.fromAnswer(gemini));
    }
  }

  private static void countAnswer(HttpServerResponse client, AsyncResult<Buffer> ar) {
    JsonNode gemini = answer(client, ar);
    if (gemini == null) {
      return;
    }
    JsonNode total = gemini.get("totalTokens");
    if (total == null || !total.canConvertToLong()) {
      AnthropicResponses.error(client, 502, "upstream countTokens answer has no totalTokens");
      return;
    }
    client.putHeader("content-type", "application/json; charset=UTF-8")
        .end(OpenAiRelay.JSON.createObjectNode().put("input_tokens", total.asLong()).toString());
  }

  /** Google's answer as JSON, or null after answering the client: 504 when it stalled, 502 when it broke. */
  private static JsonNode answer(HttpServerResponse client, AsyncResult<Buffer> ar) {
    if (ar.failed()) {
      boolean stalled = ar.cause() instanceof TimeoutException;
      AnthropicResponses.error(client, stalled ? 504 : 502,
          (stalled ? "upstream answer stalled: " : "upstream answer broke: ") + ar.cause().getMessage());
      return null;
    }
    try {
      JsonNode gemini = OpenAiRelay.readJson(ar.result());
      if (gemini != null) {
        return gemini;
      }
    } catch (IOException e) {
      // answered below
    }
    AnthropicResponses.error(client, 502, "upstream answer was not JSON");
    return null;
  }

  /**
   * Headers, then the stream; BodyRelay's idle watchdog ends a stream that goes silent with an
   * error event, and writes a ping after STREAM_KEEPALIVE_SECONDS of quiet. The attempt is logged
   * however the stream ends, with the usage of the last event that reported one.
   */
  private void stream(HttpServerResponse client, UpstreamResult.Answered answered,
      MessageStreamTranslator translator, long idleMillis) {
    client.setStatusCode(200).setChunked(true)
        .putHeader("content-type", "text/event-stream; charset=UTF-8")
        .putHeader("cache-control", "no-cache")
        .putHeader("x-accel-buffering", "no");
    AnthropicStreamTransformer transformer = new AnthropicStreamTransformer(translator);
    client.write(transformer.opening());
    BodyRelay.relay(answered.response(), client, transformer, idleMillis,
        executor.streamKeepaliveMillis()).onComplete(ar -> AnswerUsage.report(answered.log(), client,
            transformer.usage()));
  }

  /** The JSON object body, or null after answering 400. */
  private static JsonNode parse(RoutingContext rc) {
    Buffer buffer = rc.body().buffer();
    try {
      JsonNode node = buffer == null || buffer.length() == 0 ? null : OpenAiRelay.readJson(buffer);
      if (node != null && node.isObject()) {
        return node;
      }
    } catch (IOException e) {
      // answered below
    }
    AnthropicResponses.error(rc.response(), 400, "The request body is not a valid JSON object.");
    return null;
  }

  /** A message id: it names an answer and guards nothing, so the thread's own generator serves. */
  private static String messageId() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    return "msg_" + HexFormat.of().toHexDigits(random.nextLong()) + HexFormat.of().toHexDigits(random.nextInt());
  }
}
