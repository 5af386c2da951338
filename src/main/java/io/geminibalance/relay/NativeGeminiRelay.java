package io.geminibalance.relay;

import io.geminibalance.protocol.gemini.GeminiRoute;
import io.geminibalance.protocol.gemini.GoogleQuery;
import io.geminibalance.streaming.BodyRelay;
import io.geminibalance.streaming.ChunkTransformer;
import io.geminibalance.streaming.SseRelayTransformer;
import io.geminibalance.upstream.HeaderPolicy;
import io.geminibalance.upstream.RequestContext;
import io.geminibalance.upstream.UpstreamCall;
import io.geminibalance.upstream.UpstreamCall.KeyPlacement;
import io.geminibalance.upstream.UpstreamExecutor;
import io.geminibalance.upstream.UpstreamResult;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
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
  private final Supplier<List<String>> filteredModels;

  public NativeGeminiRelay(UpstreamExecutor executor, Supplier<List<String>> filteredModels) {
    this.executor = executor;
    this.filteredModels = filteredModels;
  }

  /** Handles {@code resource}, the path after the version prefix (e.g. {@code models/x:countTokens}). */
  public void handle(RoutingContext rc, String resource, RequestContext ctx) {
    HttpServerRequest request = rc.request();
    rc.response().closeHandler(v -> ctx.clientClosed());
    String query = GoogleQuery.withoutCredentials(request.query());
    GeminiRoute route = request.method() == HttpMethod.POST ? GeminiRoute.parse(resource).orElse(null) : null;
    if (request.method() == HttpMethod.GET && resource.equals("models")) {
      relayModelList(rc, call(rc, resource, query, MODEL_LIST_BUCKET, false, "gemini-models"), ctx);
    } else if (request.method() == HttpMethod.GET && resource.startsWith("models/") && resource.indexOf(':') < 0) {
      relay(rc, call(rc, resource, query, MODEL_LIST_BUCKET, false, "gemini-model"), ctx, false);
    } else if (route != null) {
      boolean sse = route.streaming() && QueryStrings.wantsSse(request.query());
      relay(rc, call(rc, resource, query, route.model(), route.streaming(), operation(route)), ctx, sse);
    } else {
      Responses.gemini(rc.response(), 404, "Unknown native path: " + request.method() + " /" + resource);
    }
  }

  private static UpstreamCall call(RoutingContext rc, String resource, String query, String model,
      boolean stream, String operation) {
    Buffer body = rc.request().method() == HttpMethod.POST ? rc.body().buffer() : null;
    return new UpstreamCall(rc.request().method(), "/" + resource, query,
        rc.request().headers(), body == null ? Buffer.buffer() : body,
        model, stream, KeyPlacement.GOOG_API_KEY_HEADER, operation);
  }

  private static String operation(GeminiRoute route) {
    return switch (route.method()) {
      case "generateContent" -> "gemini-chat-non-stream";
      case "streamGenerateContent" -> "gemini-chat-stream";
      case "countTokens" -> "gemini-count-tokens";
      case "embedContent" -> "gemini-embed-single";
      case "batchEmbedContents" -> "gemini-embed-batch";
      default -> "gemini-" + route.method();
    };
  }

  private void relay(RoutingContext rc, UpstreamCall call, RequestContext ctx, boolean sse) {
    executor.execute(call, ctx).onComplete(ar -> {
      if (ar.failed()) {
        Responses.gemini(rc.response(), 500, "gateway error: " + ar.cause().getMessage());
      } else if (ar.result() instanceof UpstreamResult.Answered answered) {
        relayAnswer(rc.response(), answered.response(), call.stream(), sse, executor.bodyIdleTimeoutMillis());
      } else {
        Responses.geminiFailure(rc.response(), (UpstreamResult.Failed) ar.result());
      }
    });
  }

  private static void relayAnswer(HttpServerResponse client, HttpClientResponse upstream,
      boolean stream, boolean sse, long idleTimeoutMillis) {
    client.setStatusCode(upstream.statusCode());
    HeaderPolicy.copyDownstream(upstream.headers(), client.headers());
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
      BodyRelay.relayWhole(upstream, client, length, idleTimeoutMillis);
    } else {
      BodyRelay.relay(upstream, client, sse ? new SseRelayTransformer() : ChunkTransformer.IDENTITY,
          idleTimeoutMillis);
    }
  }

  private void relayModelList(RoutingContext rc, UpstreamCall call, RequestContext ctx) {
    executor.execute(call, ctx).onComplete(ar -> {
      if (ar.failed()) {
        Responses.gemini(rc.response(), 500, "gateway error: " + ar.cause().getMessage());
      } else if (ar.result() instanceof UpstreamResult.Answered answered) {
        HttpClientResponse upstream = answered.response();
        BodyRelay.collect(upstream, executor.bodyIdleTimeoutMillis()).onComplete(body -> {
          if (body.failed()) {
            Responses.gemini(rc.response(), 502, "upstream model list broke: " + body.cause().getMessage());
            return;
          }
          byte[] filtered = ModelListFilter.filter(body.result().getBytes(), filteredModels.get());
          rc.response().setStatusCode(upstream.statusCode())
              .putHeader("content-type", "application/json; charset=UTF-8")
              .end(Buffer.buffer(filtered));
        });
      } else {
        Responses.geminiFailure(rc.response(), (UpstreamResult.Failed) ar.result());
      }
    });
  }

}
