package io.geminibalance.relay;

import io.geminibalance.protocol.gemini.GeminiErrors;
import io.geminibalance.upstream.UpstreamResult;
import io.geminibalance.streaming.BodyRelay;
import io.geminibalance.streaming.ChunkTransformer;
import io.geminibalance.upstream.HeaderPolicy;
import io.geminibalance.upstream.RequestContext;
import io.vertx.core.AsyncResult;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpServerResponse;
import java.util.function.Consumer;

/** Writes final answers: the gateway's own errors and failures, and upstream answers passed on unchanged. */
public final class Responses {
  private Responses() {}

  /**
   * Ends a native upstream call the usual way: a gateway bug is a 500 naming only the request id
   * ({@link UnexpectedFailure}), a failed call its failure in Google's shape; a 2xx answer goes to
   * {@code answered}, which relays it.
   */
  static void whenAnswered(HttpServerResponse client, RequestContext ctx, AsyncResult<UpstreamResult> ar,
      Consumer<UpstreamResult.Answered> answered) {
    if (ar.failed()) {
      gemini(client, 500, UnexpectedFailure.logged(ctx, ar.cause()));
      return;
    }
    switch (ar.result()) {
      case UpstreamResult.Answered done -> answered.accept(done);
      case UpstreamResult.Failed failed -> geminiFailure(client, failed);
    }
  }

  /**
   * Passes an upstream answer on as it is (status, allow-listed headers, body streamed with
   * back-pressure); a client already gone resets the upstream request instead.
   */
  public static void unchanged(HttpServerResponse client, HttpClientResponse upstream, long idleTimeoutMillis) {
    if (client.ended() || client.closed()) {
      upstream.request().reset();
      return;
    }
    client.setStatusCode(upstream.statusCode());
    HeaderPolicy.copyDownstream(upstream.headers(), client.headers());
    long length = BodyRelay.declaredLength(upstream);
    if (length >= 0) {
      client.putHeader("content-length", Long.toString(length));
    } else {
      client.setChunked(true);
    }
    BodyRelay.relay(upstream, client, ChunkTransformer.IDENTITY, idleTimeoutMillis);
  }

  /** A gateway error in Google's shape. */
  public static void gemini(HttpServerResponse response, int status, String message) {
    if (response.ended() || response.closed()) {
      return;
    }
    response.setStatusCode(status)
        .putHeader("content-type", "application/json; charset=UTF-8")
        .end(GeminiErrors.body(status, message));
  }

  /** The final failure of a native call: Google's own error body when there is one. */
  public static void geminiFailure(HttpServerResponse response, UpstreamResult.Failed failed) {
    if (response.ended() || response.closed()) {
      return;
    }
    if (failed.retryAfterSeconds() > 0) {
      response.putHeader("retry-after", Long.toString(failed.retryAfterSeconds()));
    }
    if (failed.poolRefusal() && failed.status() == 503) {
      response.putHeader("x-should-retry", "false");
    }
    if (failed.upstreamBody() != null && failed.upstreamBody().length() > 0) {
      response.setStatusCode(failed.status())
          .putHeader("content-type", "application/json; charset=UTF-8")
          .end(failed.upstreamBody());
    } else {
      gemini(response, failed.status(), failed.message());
    }
  }
}
