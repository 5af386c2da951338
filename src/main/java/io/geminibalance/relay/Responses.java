package io.geminibalance.relay;

import io.geminibalance.protocol.gemini.GeminiErrors;
import io.geminibalance.upstream.UpstreamResult;
import io.vertx.core.http.HttpServerResponse;

/** Writes final answers that are not relayed bodies: the gateway's own errors and failures. */
public final class Responses {
  private Responses() {}

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
