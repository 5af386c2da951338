package io.geminibalance.relay;

import io.geminibalance.protocol.anthropic.AnthropicErrors;
import io.geminibalance.protocol.anthropic.AnthropicErrors.AnthropicError;
import io.geminibalance.upstream.UpstreamResult;
import io.vertx.core.http.HttpServerResponse;

/** Errors on the Anthropic surface, in Anthropic's shape and status. */
public final class AnthropicResponses {
  private AnthropicResponses() {}

  /** The body of a gateway error of {@code status}. */
  public static String errorBody(int status, String message) {
    return AnthropicErrors.of(status, message).body().toString();
  }

  public static void error(HttpServerResponse response, int status, String message) {
    send(response, AnthropicErrors.of(status, message));
  }

  static void send(HttpServerResponse response, AnthropicError error) {
    if (response.ended() || response.closed()) {
      return;
    }
    error.retryAfterSeconds().ifPresent(s -> response.putHeader("retry-after", Long.toString(s)));
    response.setStatusCode(error.status()).putHeader("content-type", "application/json; charset=UTF-8")
        .end(error.body().toString());
  }

  /** The final failure of a call: Google's error (a 404 names the model), or the gateway's refusal. */
  static void failure(HttpServerResponse response, UpstreamResult.Failed failed, String requestedModel) {
    if (response.ended() || response.closed()) {
      return;
    }
    boolean fromGoogle = failed.upstreamBody() != null && failed.upstreamBody().length() > 0;
    AnthropicError error = fromGoogle
        ? AnthropicErrors.fromUpstream(failed.status(), failed.upstreamBody().getBytes())
        : AnthropicErrors.of(failed.status(), failed.message());
    if (fromGoogle && failed.status() == 404) {
      error = AnthropicErrors.of(404, "model: " + requestedModel + " is not available: "
          + error.body().path("error").path("message").asText());
    }
    FailureHeaders.put(response, failed, error.retryAfterSeconds());
    response.setStatusCode(error.status()).putHeader("content-type", "application/json; charset=UTF-8")
        .end(error.body().toString());
  }
}
