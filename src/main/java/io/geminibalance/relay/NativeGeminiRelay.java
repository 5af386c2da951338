package io.geminibalance.relay;

import io.geminibalance.protocol.gemini.GeminiMethod;
import io.geminibalance.protocol.gemini.GoogleQuery;
import io.geminibalance.protocol.gemini.ModelAliases;
import io.geminibalance.protocol.gemini.NativePath;
import io.geminibalance.storage.ResourceRecord;
import io.geminibalance.streaming.BodyRelay;
import io.geminibalance.streaming.ChunkTransformer;
import io.geminibalance.streaming.SseRelayTransformer;
import io.geminibalance.protocol.gemini.GeminiTextSlicer;
import io.geminibalance.protocol.gemini.TokenUsage;
import io.geminibalance.streaming.StreamOptimizer;
import io.geminibalance.streaming.StreamOptions;
import io.geminibalance.streaming.UsageTap;
import io.geminibalance.upstream.AnswerCheck;
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
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The native Gemini surface: a lossless pass-through. Bodies go both ways unchanged; only the
 * credential is swapped for a pool key and FILTERED_MODELS leave the model list.
 */
public final class NativeGeminiRelay {
  /** The pool bucket for model-list calls, which no generation quota covers. */
  public static final String MODEL_LIST_BUCKET = io.geminibalance.keypool.RateLimits.UNMETERED;

  /** Unary answers up to this size are written in one piece (typical answers are a few KiB). */
  private static final long WHOLE_BODY_MAX_BYTES = 256 * 1024;

  private final UpstreamExecutor executor;
  /** Serves the model list and metadata: the generation pool's own, or Gemini's for Vertex Express. */
  private final UpstreamExecutor modelExecutor;
  private final Supplier<List<String>> filteredModels;
  /** The operation names of the log rows, by method: gemini-balance's for the native surface. */
  private final Map<GeminiMethod, String> operations;
  private final String modelListOperation;
  private final String modelOperation;
  /** Why the generation pool cannot serve at all (no key configured), or null when it can. */
  private final Supplier<String> unavailable;
  /** Stateful resources and the affinity of requests naming them; null on a surface without resources. */
  private final ResourceRelay resources;
  /** The pool Imagen and Veo are sent from: {@link ResourceRecord#PAID_POOL} while PAID_KEY is set. */
  private final Supplier<String> mediaPool;
  /** MODEL_ALIASES in force: a model in the path may be an alias. */
  private final Supplier<ModelAliases> aliases;
  /** Fake streaming and the stream optimizer as set now. */
  private final Supplier<StreamOptions> streamOptions;

  /**
   * The native Gemini surface.
   *
   * @param mediaPool the pool of {@code predict} and {@code predictLongRunning} (PAID_KEY's, or the
   *     default one), asked per request
   */
  public NativeGeminiRelay(UpstreamExecutor executor, Supplier<List<String>> filteredModels,
      ResourceRelay resources, Supplier<String> mediaPool, Supplier<ModelAliases> aliases,
      Supplier<StreamOptions> streamOptions) {
    this(executor, executor, filteredModels, "gemini", () -> null, resources, mediaPool, aliases, streamOptions);
  }

  private NativeGeminiRelay(UpstreamExecutor executor, UpstreamExecutor modelExecutor,
      Supplier<List<String>> filteredModels, String surface, Supplier<String> unavailable,
      ResourceRelay resources, Supplier<String> mediaPool, Supplier<ModelAliases> aliases,
      Supplier<StreamOptions> streamOptions) {
    this.streamOptions = streamOptions;
    this.executor = executor;
    this.aliases = aliases;
    this.modelExecutor = modelExecutor;
    this.filteredModels = filteredModels;
    this.unavailable = unavailable;
    this.resources = resources;
    this.mediaPool = mediaPool;
    Map<GeminiMethod, String> names = new EnumMap<>(GeminiMethod.class);
    for (GeminiMethod method : GeminiMethod.values()) {
      names.put(method, surface + "-" + operation(method));
    }
    this.operations = names;
    this.modelListOperation = surface + "-models";
    this.modelOperation = surface + "-model";
  }

  /**
   * The Vertex AI Express surface: model methods go through {@code vertex} (its own pool and base
   * URL), logged as {@code vertex-express-...}; the model list and metadata come from the Gemini
   * API through {@code gemini}, since express mode lists no models. {@code unavailable} says why
   * the Vertex pool cannot serve (answered 503 before anything goes upstream), or null.
   */
  public static NativeGeminiRelay vertexExpress(UpstreamExecutor vertex, UpstreamExecutor gemini,
      Supplier<List<String>> filteredModels, Supplier<String> unavailable, Supplier<ModelAliases> aliases,
      Supplier<StreamOptions> streamOptions) {
    return new NativeGeminiRelay(vertex, gemini, filteredModels, "vertex-express", unavailable, null,
        () -> ResourceRecord.GEMINI_POOL, aliases, streamOptions);
  }

  /**
   * Relays {@code path}, parsed from the request's path before its body was read (refusals never
   * get here). The upstream path is rebuilt from its parts.
   */
  public void handle(RoutingContext rc, NativePath.Allowed parsed, RequestContext ctx) {
    HttpServerRequest request = rc.request();
    rc.response().closeHandler(v -> ctx.clientClosed());
    NativePath.Allowed path = aliased(parsed);
    switch (path) {
      case NativePath.ModelList list ->
          relayModelList(rc, call(rc, list.upstreamPath(), MODEL_LIST_BUCKET, false, modelListOperation), ctx);
      case NativePath.Model model -> {
        // Checked on the model after MODEL_ALIASES, as a generation call on it would be.
        UpstreamResult.Failed refused = UpstreamExecutor.modelRefused(ctx, model.model());
        if (refused != null) {
          Responses.geminiFailure(rc.response(), refused);
          return;
        }
        relay(rc, modelExecutor, call(rc, model.upstreamPath(), MODEL_LIST_BUCKET, false, modelOperation), ctx,
            false, KeyChoice.ANY, StreamPlan.REAL);
      }
      case NativePath.ModelMethod modelMethod when modelMethod.method().createsResource() && resources != null ->
          resources.createByModel(rc, modelMethod.upstreamPath(), modelMethod.model(), ctx,
              operations.get(modelMethod.method()), poolOf(modelMethod.method()));
      case NativePath.ModelMethod modelMethod -> {
        String refusal = unavailable.get();
        if (refusal != null) {
          rc.response().putHeader("x-should-retry", "false");
          Responses.gemini(rc.response(), 503, refusal);
          return;
        }
        boolean stream = modelMethod.method().streaming();
        boolean sse = stream && QueryStrings.wantsSse(request.query());
        StreamPlan plan = modelMethod.method() == GeminiMethod.STREAM_GENERATE_CONTENT
            ? StreamPlan.of(streamOptions.get(), sse) : StreamPlan.REAL;
        UpstreamCall call = switch (plan) {
          case StreamPlan.Real real -> call(rc, modelMethod.upstreamPath(), modelMethod.model(), stream,
              operations.get(modelMethod.method()), readsUsage(modelMethod.method()));
          // Logged under the stream's operation name: the client asked for a stream.
          case StreamPlan.Fake fake -> fakeStreamCall(rc, modelMethod.model(), operations.get(modelMethod.method()));
        };
        if (resources == null) {
          relay(rc, executor, call, ctx, sse, KeyChoice.ANY, plan);
          return;
        }
        String inPool = poolOf(modelMethod.method());
        if (!ResourceRelay.namesResources(rc)) {
          relay(rc, resources.executor(inPool), call, ctx, sse, KeyChoice.ANY, plan);
          return;
        }
        // A file, cache or file search store in the body: only the key that created it can use it.
        resources.affinityOf(rc, ctx, null).onComplete(decided -> {
          if (decided.failed()) {
            ResourceRelay.storeDown(rc, ctx, decided.cause());
            return;
          }
          resources.apply(rc, decided.result(), inPool, (via, keys) -> relay(rc, via, call, ctx, sse, keys, plan));
        });
      }
      case NativePath.Resource resource when resources != null -> resources.handle(rc, resource, ctx);
      case NativePath.Resource resource -> Responses.gemini(rc.response(), 404,
          "Unknown path on this surface: " + resource.path());
    }
  }

  /**
   * {@code path} with its model resolved through MODEL_ALIASES (the path is rebuilt from the
   * target; the body, and so the answer, pass unchanged). Nothing is allocated without aliases.
   */
  private NativePath.Allowed aliased(NativePath.Allowed path) {
    ModelAliases current = aliases.get();
    if (current.isEmpty()) {
      return path;
    }
    return switch (path) {
      case NativePath.ModelMethod method when !current.resolve(method.model()).equals(method.model()) ->
          new NativePath.ModelMethod(current.resolve(method.model()), method.method());
      case NativePath.Model model when !current.resolve(model.model()).equals(model.model()) ->
          new NativePath.Model(current.resolve(model.model()));
      default -> path;
    };
  }

  /** Imagen and Veo go to the media pool (PAID_KEY's when set); everything else to the surface's own. */
  private String poolOf(GeminiMethod method) {
    return switch (method) {
      case PREDICT, PREDICT_LONG_RUNNING -> mediaPool.get();
      default -> ResourceRecord.GEMINI_POOL;
    };
  }

  private static UpstreamCall call(RoutingContext rc, String upstreamPath, String model, boolean stream,
      String operation) {
    return call(rc, upstreamPath, model, stream, operation, false);
  }

  /** {@code readsUsage}: the attempt is logged when the answer ends, with its usage (generation only). */
  private static UpstreamCall call(RoutingContext rc, String upstreamPath, String model, boolean stream,
      String operation, boolean readsUsage) {
    Buffer body = rc.request().method() == HttpMethod.POST ? rc.body().buffer() : null;
    return new UpstreamCall(rc.request().method(), upstreamPath,
        GoogleQuery.withoutCredentials(rc.request().query()), rc.request().headers(), body == null ? Buffer.buffer() : body,
        model, stream, KeyPlacement.GOOG_API_KEY_HEADER, operation, readsUsage);
  }

  /**
   * The methods whose answers carry {@code usageMetadata}: their attempts are logged once the
   * answer has ended. Embeddings, token counts and media report none and are logged at once.
   */
  private static boolean readsUsage(GeminiMethod method) {
    return method == GeminiMethod.GENERATE_CONTENT || method == GeminiMethod.STREAM_GENERATE_CONTENT;
  }

  /**
   * The non-streamed call behind a fake stream: {@code generateContent} with the same body. The
   * client's query is left out: it only said how to stream ({@code alt=sse}).
   */
  private static UpstreamCall fakeStreamCall(RoutingContext rc, String model, String operation) {
    return new UpstreamCall(HttpMethod.POST, GeminiMethod.GENERATE_CONTENT.pathFor(model), "",
        rc.request().headers(), rc.body().buffer() == null ? Buffer.buffer() : rc.body().buffer(), model, false,
        KeyPlacement.GOOG_API_KEY_HEADER, operation, true);
  }

  /** gemini-balance's error-type names without their surface ({@code gemini-chat-stream}). */
  private static String operation(GeminiMethod method) {
    return switch (method) {
      case GENERATE_CONTENT -> "chat-non-stream";
      case STREAM_GENERATE_CONTENT -> "chat-stream";
      case COUNT_TOKENS -> "count-tokens";
      case EMBED_CONTENT -> "embed-single";
      case BATCH_EMBED_CONTENTS -> "embed-batch";
      case PREDICT -> "predict";
      case PREDICT_LONG_RUNNING -> "predict-long-running";
      case BATCH_GENERATE_CONTENT -> "batch-create";
      case ASYNC_BATCH_EMBED_CONTENT -> "batch-embed-create";
    };
  }

  private void relay(RoutingContext rc, UpstreamExecutor via, UpstreamCall call, RequestContext ctx,
      boolean sse, KeyChoice keys, StreamPlan plan) {
    switch (plan) {
      case StreamPlan.Real real -> {
        UsageTap tap = usageTap(call, ctx);
        via.execute(call, ctx, keys, answerCheck(call)).onComplete(ar ->
            Responses.whenAnswered(rc.response(), ctx, ar, answered -> relayAnswer(rc.response(), answered,
                call.stream(), sse, via.bodyIdleTimeoutMillis(), via.streamKeepaliveMillis(),
                sse ? optimizer() : null, tap, ctx)));
      }
      case StreamPlan.Fake fake -> FakeStream.serve(rc.vertx(), rc.response(), via, call, ctx, keys, fake,
          new SseRelayTransformer(), optimizer(), GEMINI_SURFACE);
    }
  }

  /**
   * Where a generation call's usage is read, or null. A unary answer is read to its end even when
   * the client leaves during it: Google bills it whole and its usage comes last. A stream's
   * upstream is closed when the client leaves (each event carries the usage so far).
   */
  private static UsageTap usageTap(UpstreamCall call, RequestContext ctx) {
    if (!call.readsUsage()) {
      return null;
    }
    return call.stream() ? UsageTap.gemini() : UsageTap.gemini().readsOnAfter(ctx.readsAnswerAfterClose());
  }

  /** The stream optimizer for native SSE events, or null while it is off. */
  private StreamOptimizer optimizer() {
    return StreamOptimizer.of(streamOptions.get().optimizer(), GeminiTextSlicer.INSTANCE);
  }

  /** A non-streamed generateContent answer is checked for emptiness (and retried when empty). */
  private static AnswerCheck answerCheck(UpstreamCall call) {
    return !call.stream() && call.path().endsWith(":" + GeminiMethod.GENERATE_CONTENT.wireName())
        ? AnswerCheck.EMPTY : AnswerCheck.NONE;
  }

  /** Errors before a fake stream has started, in Google's shape. */
  private static final FakeStream.Surface GEMINI_SURFACE = new FakeStream.Surface() {
    @Override
    public void failure(HttpServerResponse client, UpstreamResult.Failed failed) {
      Responses.geminiFailure(client, failed);
    }

    @Override
    public void error(HttpServerResponse client, int status, String message, String code) {
      Responses.gemini(client, status, message);
    }
  };

  /**
   * Relays the answer unchanged; with a {@code tap} (a generation call, which reads usage) the
   * attempt is logged once the answer has ended, however it ends, with the usage read from the
   * last bytes that went by.
   */
  private static void relayAnswer(HttpServerResponse client, UpstreamResult.Answered answered,
      boolean stream, boolean sse, long idleTimeoutMillis, long keepaliveMillis, StreamOptimizer optimizer,
      UsageTap tap, RequestContext ctx) {
    HttpClientResponse upstream = answered.response();
    if (client.closed() || client.ended()) {
      // Gone before a byte of the answer was written: a unary body still to come is read to its
      // end for its usage (nothing written), any other is not read.
      if (answered.body() == null && tap != null && tap.readsOn()) {
        Future<Void> read = answered.head() != null
            ? BodyRelay.relay(answered.head(), upstream, client, ChunkTransformer.IDENTITY, idleTimeoutMillis, 0, tap)
            : BodyRelay.relay(upstream, client, ChunkTransformer.IDENTITY, idleTimeoutMillis, 0, null, null, tap);
        read.onComplete(ar -> AnswerUsage.report(answered.log(), client, tap.usage(), ctx));
        return;
      }
      if (answered.body() == null) {
        upstream.request().reset();
      }
      AnswerUsage.report(answered.log(), client,
          answered.body() == null ? TokenUsage.NONE : UsageTap.of(answered.body()), ctx);
      return;
    }
    client.setStatusCode(upstream.statusCode());
    HeaderPolicy.copyDownstream(upstream.headers(), client.headers());
    if (answered.body() != null) {
      // Read whole by the executor (to check it was not empty): written in one piece.
      client.headers().remove("content-length").remove("transfer-encoding");
      client.putHeader("content-length", Integer.toString(answered.body().length())).end(answered.body());
      answered.log().logged(tap == null ? TokenUsage.NONE : UsageTap.of(answered.body()));
      return;
    }
    Future<Void> relayed;
    if (answered.head() != null) {
      // Begun by the executor (a chunked answer too large to be empty): those bytes, then the rest.
      client.setChunked(true);
      relayed = BodyRelay.relay(answered.head(), upstream, client, ChunkTransformer.IDENTITY, idleTimeoutMillis,
          keepaliveMillis, tap);
    } else {
      relayed = relayBody(upstream, client, stream, sse, idleTimeoutMillis, keepaliveMillis, optimizer, tap);
    }
    if (tap != null) {
      relayed.onComplete(ar -> AnswerUsage.report(answered.log(), client, tap.usage(), ctx));
    }
  }

  private static Future<Void> relayBody(HttpClientResponse upstream, HttpServerResponse client, boolean stream,
      boolean sse, long idleTimeoutMillis, long keepaliveMillis, StreamOptimizer optimizer, UsageTap tap) {
    long length = stream ? -1 : BodyRelay.declaredLength(upstream);
    if (length >= 0) {
      client.putHeader("content-length", Long.toString(length));
    } else {
      client.setChunked(true);
    }
    if (stream) {
      client.putHeader("cache-control", "no-cache");
      client.putHeader("x-accel-buffering", "no");
    }
    // A body that goes silent for TIME_OUT ends like a broken one: an SSE error event, or a reset.
    if (length >= 0 && length <= WHOLE_BODY_MAX_BYTES) {
      return BodyRelay.relayWhole(upstream, client, length, idleTimeoutMillis, tap);
    }
    return BodyRelay.relay(upstream, client, sse ? new SseRelayTransformer() : ChunkTransformer.IDENTITY,
        idleTimeoutMillis, keepaliveMillis, optimizer, null, tap);
  }

  private void relayModelList(RoutingContext rc, UpstreamCall call, RequestContext ctx) {
    modelExecutor.execute(call, ctx).onComplete(ar -> Responses.whenAnswered(rc.response(), ctx, ar, answered -> {
      HttpClientResponse upstream = answered.response();
      BodyRelay.collect(upstream, modelExecutor.bodyIdleTimeoutMillis()).onComplete(body -> {
        if (body.failed()) {
          Responses.gemini(rc.response(), 502, "upstream model list broke: " + body.cause().getMessage());
          return;
        }
        byte[] filtered = ModelListFilter.filter(body.result().getBytes(), filteredModels.get(),
            ctx.token() == null ? List.of() : ctx.token().models(), aliases.get());
        rc.response().setStatusCode(upstream.statusCode())
            .putHeader("content-type", "application/json; charset=UTF-8")
            .end(Buffer.buffer(filtered));
      });
    }));
  }


}
