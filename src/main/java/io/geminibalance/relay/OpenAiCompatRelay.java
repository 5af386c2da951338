package io.geminibalance.relay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.geminibalance.protocol.gemini.GoogleQuery;
import io.geminibalance.protocol.gemini.ModelAliases;
import io.geminibalance.protocol.gemini.TokenUsage;
import io.geminibalance.protocol.gemini.UsageTail;
import io.geminibalance.protocol.openai.CompatPath;
import io.geminibalance.protocol.openai.ImagesRequestTranslator;
import io.geminibalance.protocol.openai.ModelName;
import io.geminibalance.protocol.openai.OpenAiErrors;
import io.geminibalance.protocol.openai.TranslationException;
import io.geminibalance.streaming.BodyRelay;
import io.geminibalance.streaming.ChunkTransformer;
import io.geminibalance.streaming.SseRelayTransformer;
import io.geminibalance.streaming.UsageTap;
import io.geminibalance.upstream.HeaderPolicy;
import io.geminibalance.upstream.KeyChoice;
import io.geminibalance.upstream.RequestContext;
import io.geminibalance.upstream.UpstreamCall;
import io.geminibalance.upstream.UpstreamCall.KeyPlacement;
import io.geminibalance.upstream.UpstreamExecutor;
import io.geminibalance.upstream.UpstreamResult;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.util.function.Supplier;

/**
 * {@code /openai/v1/...}: forwards to Google's own OpenAI-compatible API
 * ({@code {BASE_URL}/openai/...}) with a pool key as Bearer. Bodies pass through unchanged (but for
 * a {@code model} that is a MODEL_ALIASES alias), with the same key leasing and retries as every
 * other surface.
 */
public final class OpenAiCompatRelay {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String IMAGES = "images/generations";

  private final UpstreamExecutor executor;
  /** Google's OpenAI layer takes a cache too ({@code extra_body.google.cached_content}): affinity applies. */
  private final ResourceRelay resources;
  /** Imagen's pool (PAID_KEY's when set), for {@code images/generations}. */
  private final Supplier<UpstreamExecutor> imagen;
  /** CREATE_IMAGE_MODEL: what OpenAI's image model names become; null leaves the body alone. */
  private final Supplier<String> createImageModel;
  private final Supplier<ModelAliases> aliases;

  public OpenAiCompatRelay(UpstreamExecutor executor) {
    this(executor, null);
  }

  public OpenAiCompatRelay(UpstreamExecutor executor, ResourceRelay resources) {
    this(executor, resources, () -> executor, () -> null, () -> ModelAliases.NONE);
  }

  /**
   * @param imagen the executor of the pool Imagen is sent from, asked per request
   * @param createImageModel CREATE_IMAGE_MODEL, asked per request
   * @param aliases MODEL_ALIASES in force: a body's {@code model} may be an alias
   */
  public OpenAiCompatRelay(UpstreamExecutor executor, ResourceRelay resources, Supplier<UpstreamExecutor> imagen,
      Supplier<String> createImageModel, Supplier<ModelAliases> aliases) {
    this.resources = resources;
    this.executor = executor;
    this.imagen = imagen;
    this.createImageModel = createImageModel;
    this.aliases = aliases;
  }

  /**
   * Forwards {@code path}, parsed from the request's path before its body was read (refusals never
   * get here), on an upstream path rebuilt from its parts.
   */
  public void handle(RoutingContext rc, CompatPath.Allowed path, RequestContext ctx) {
    rc.response().closeHandler(v -> ctx.clientClosed());
    switch (path) {
      case CompatPath.ModelList list -> {
        UpstreamCall call = call(rc, list.upstreamPath(), null, NativeGeminiRelay.MODEL_LIST_BUCKET, false);
        if (ctx.token() == null || ctx.token().models().isEmpty()) {
          forward(rc, ctx, executor, call, KeyChoice.ANY);
        } else {
          restrictedList(rc, ctx, call);
        }
      }
      case CompatPath.Model model -> {
        // Matched as a body's model on this surface is (an alias as its target), before any key is leased.
        String target = aliases.get().resolve(model.id());
        UpstreamResult.Failed refused = UpstreamExecutor.modelRefused(ctx, target);
        if (refused != null) {
          failure(rc.response(), refused);
          return;
        }
        // An alias is looked up as its target; the answer passes unchanged, naming Google's model, as
        // every answer of this surface and the native lookups do.
        String upstreamPath = new CompatPath.Model(target).upstreamPath();
        forward(rc, ctx, executor, call(rc, upstreamPath, null, NativeGeminiRelay.MODEL_LIST_BUCKET, false),
            KeyChoice.ANY);
      }
      case CompatPath.Post post -> post(rc, ctx, post);
    }
  }

  private void post(RoutingContext rc, RequestContext ctx, CompatPath.Post post) {
    JsonNode body = parse(rc.body().buffer());
    if (body == null) {
      OpenAiResponses.error(rc.response(), 400, "Request body is not valid JSON.",
          "invalid_request_error", null, "invalid_json");
      return;
    }
    String requested;
    try {
      requested = ModelName.requiredIn(body);
    } catch (TranslationException e) {
      OpenAiFailures.send(rc.response(), OpenAiErrors.fromTranslation(e));
      return;
    }
    String resolved = aliases.get().resolve(requested);
    String model = ModelName.stripPrefix(resolved);
    Buffer sent = rc.body().buffer();
    if (!resolved.equals(requested)) {
      // An alias: Google's layer gets the model it stands for; only then is the body rewritten.
      ((ObjectNode) body).put("model", model);
      sent = OpenAiRelay.jsonBuffer(body, sent.length() + model.length());
    }
    boolean stream = body.path("stream").asBoolean(false);
    if (post.resource().equals(IMAGES)) {
      images(rc, ctx, post, (ObjectNode) body, sent, model);
      return;
    }
    // Its answers (chat, embeddings) carry OpenAI's usage: logged when they end, with it.
    UpstreamCall call = call(rc, post.upstreamPath(), sent, model, stream, true);
    if (resources == null || !ResourceRelay.namesResources(rc)) {
      forward(rc, ctx, executor, call, KeyChoice.ANY);
      return;
    }
    resources.affinityOf(rc, ctx, null).onComplete(decided -> {
      if (decided.failed()) {
        OpenAiResponses.error(rc.response().putHeader("retry-after", "5"), 503, "The gateway's resource records"
            + " are unavailable right now (database); retry shortly.", "server_error", null, "service_unavailable");
        return;
      }
      switch (decided.result()) {
        case Affinity.Refused refused -> OpenAiResponses.error(rc.response(), refused.status(), refused.message(),
            "invalid_request_error", null, refused.status() == 404 ? "resource_not_found" : "invalid_resource");
        case Affinity.Rotation rotation -> forward(rc, ctx, executor, call, KeyChoice.ANY);
        case Affinity.Pinned pinned -> forward(rc, ctx, resources.executor(pinned.pool()), call, pinned.choice());
      }
    });
  }

  /**
   * Imagen through Google's OpenAI layer: sent from Imagen's pool as on the other surfaces, and
   * OpenAI's image model names ({@code dall-e-3}, ...) become CREATE_IMAGE_MODEL, the one change
   * made to a body on this surface, since Google's layer knows only its own models.
   */
  private void images(RoutingContext rc, RequestContext ctx, CompatPath.Post post, ObjectNode body, Buffer sent,
      String model) {
    String imageModel = createImageModel.get();
    if (imageModel != null && ImagesRequestTranslator.isOpenAiModel(model)) {
      model = imageModel;
      sent = OpenAiRelay.jsonBuffer(body.deepCopy().put("model", imageModel));
    }
    forward(rc, ctx, imagen.get(), call(rc, post.upstreamPath(), sent, model, false, false), KeyChoice.ANY);
  }

  private static UpstreamCall call(RoutingContext rc, String upstreamPath, Buffer body, String model,
      boolean stream) {
    return call(rc, upstreamPath, body, model, stream, false);
  }

  private static UpstreamCall call(RoutingContext rc, String upstreamPath, Buffer body, String model,
      boolean stream, boolean readsUsage) {
    return new UpstreamCall(rc.request().method(), upstreamPath,
        GoogleQuery.withoutCredentials(rc.request().query()), rc.request().headers(),
        body, model, stream, KeyPlacement.BEARER,
        stream ? "openai-compatiable-stream" : "openai-compatiable-non-stream", readsUsage);
  }

  private void forward(RoutingContext rc, RequestContext ctx, UpstreamExecutor via, UpstreamCall call,
      KeyChoice keys) {
    via.execute(call, ctx, keys).onComplete(ar -> {
      HttpServerResponse client = rc.response();
      if (ar.failed()) {
        OpenAiResponses.error(client, 500, UnexpectedFailure.logged(ctx, ar.cause()), "server_error",
            null, "internal");
        return;
      }
      switch (ar.result()) {
        case UpstreamResult.Answered answered -> relayAnswer(client, answered, call.stream(),
            via.bodyIdleTimeoutMillis(), via.streamKeepaliveMillis(),
            call.readsUsage() ? new UsageTap(UsageTail.openAiCompat()) : null);
        case UpstreamResult.Failed failed -> failure(client, failed);
      }
    });
  }

  /**
   * The model list of a token restricted to some models: read whole and given only those, as on
   * the other surfaces' lists ({@link ModelListFilter}).
   */
  private void restrictedList(RoutingContext rc, RequestContext ctx, UpstreamCall call) {
    executor.execute(call, ctx).onComplete(ar -> {
      HttpServerResponse client = rc.response();
      if (ar.failed()) {
        OpenAiResponses.error(client, 500, UnexpectedFailure.logged(ctx, ar.cause()), "server_error", null,
            "internal");
        return;
      }
      switch (ar.result()) {
        case UpstreamResult.Answered answered -> answered.wholeBody(executor.bodyIdleTimeoutMillis())
            .onComplete(body -> {
              if (body.failed()) {
                OpenAiResponses.error(client, 502, "upstream model list broke: " + body.cause().getMessage(),
                    "server_error", null, "internal");
                return;
              }
              if (client.ended() || client.closed()) {
                return;
              }
              client.setStatusCode(answered.response().statusCode())
                  .putHeader("content-type", "application/json; charset=UTF-8")
                  .end(Buffer.buffer(ModelListFilter.filterOpenAi(body.result().getBytes(), ctx.token().models(),
                      aliases.get())));
            });
        case UpstreamResult.Failed failed -> failure(client, failed);
      }
    });
  }

  /** With a {@code tap}, the attempt is logged when the answer ends, with the usage in its last bytes. */
  private static void relayAnswer(HttpServerResponse client, UpstreamResult.Answered answered, boolean stream,
      long idleTimeoutMillis, long keepaliveMillis, UsageTap tap) {
    HttpClientResponse upstream = answered.response();
    if (client.closed() || client.ended()) {
      upstream.request().reset();
      AnswerUsage.report(answered.log(), client, TokenUsage.NONE);
      return;
    }
    client.setStatusCode(upstream.statusCode());
    HeaderPolicy.copyDownstream(upstream.headers(), client.headers());
    client.setChunked(true);
    if (stream) {
      client.putHeader("cache-control", "no-cache");
    }
    Future<Void> relayed = BodyRelay.relay(upstream, client,
        stream ? new SseRelayTransformer(OpenAiCompatRelay::streamError) : ChunkTransformer.IDENTITY,
        idleTimeoutMillis, keepaliveMillis, null, null, tap);
    if (tap != null) {
      relayed.onComplete(ar -> AnswerUsage.report(answered.log(), client, tap.usage()));
    }
  }

  private static String streamError(int status, String message) {
    return OpenAiResponses.cutEvent(status, message);
  }

  /** Google's OpenAI layer answers errors in OpenAI's shape already; pass them on unchanged. */
  private static void failure(HttpServerResponse client, UpstreamResult.Failed failed) {
    if (client.ended() || client.closed()) {
      return; // answered already (a token cut before the answer), or nobody left to tell
    }
    if (failed.retryAfterSeconds() > 0) {
      client.putHeader("retry-after", Long.toString(failed.retryAfterSeconds()));
    }
    if (failed.upstreamBody() != null && failed.upstreamBody().length() > 0) {
      client.setStatusCode(failed.status()).putHeader("content-type", "application/json; charset=UTF-8")
          .end(failed.upstreamBody());
      return;
    }
    if (failed.poolRefusal() && failed.status() == 503) {
      client.putHeader("x-should-retry", "false");
    }
    String type = switch (failed.status()) {
      // The gateway's own 403: a managed token's model not allowed.
      case 403 -> "permission_error";
      case 429 -> "rate_limit_error";
      default -> "server_error";
    };
    String code = switch (failed.status()) {
      case 403 -> "permission_denied";
      case 429 -> "rate_limit_exceeded";
      case 503 -> "service_unavailable";
      case 504 -> "deadline_exceeded";
      default -> "internal";
    };
    OpenAiResponses.error(client, failed.status(), failed.message(), type, null, code);
  }

  private static JsonNode parse(Buffer body) {
    if (body == null || body.length() == 0) {
      return null;
    }
    try {
      JsonNode node = JSON.readTree(body.getBytes());
      return node != null && node.isObject() ? node : null;
    } catch (IOException e) {
      return null;
    }
  }
}
