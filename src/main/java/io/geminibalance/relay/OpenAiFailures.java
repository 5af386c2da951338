package io.geminibalance.relay;

import io.geminibalance.protocol.openai.OpenAiErrors;
import io.geminibalance.protocol.openai.OpenAiErrors.OpenAiError;
import io.geminibalance.upstream.UpstreamResult;
import io.vertx.core.http.HttpServerResponse;

/** Final failures on the translated OpenAI surface, in OpenAI's error shape and status. */
final class OpenAiFailures {
  private OpenAiFailures() {}

  static void send(HttpServerResponse response, UpstreamResult.Failed failed, String requestedModel) {
    if (response.ended() || response.closed()) {
      return;
    }
    OpenAiError error = failed.upstreamBody() != null && failed.upstreamBody().length() > 0
        ? OpenAiErrors.fromUpstream(failed.status(), failed.upstreamBody().getBytes())
        : OpenAiErrors.of(failed.status(), failed.message(), null, gatewayCode(failed.status()));
    if (failed.status() == 404 && failed.upstreamBody() != null) {
      error = OpenAiErrors.of(404, "The model '" + requestedModel + "' does not exist or is not available: "
          + error.body().path("error").path("message").asText(), "model", "model_not_found");
    }
    FailureHeaders.put(response, failed, error.retryAfterSeconds());
    response.setStatusCode(error.status()).putHeader("content-type", "application/json; charset=UTF-8")
        .end(error.body().toString());
  }

  static void send(HttpServerResponse response, OpenAiError error) {
    if (response.ended() || response.closed()) {
      return;
    }
    error.retryAfterSeconds().ifPresent(s -> response.putHeader("retry-after", Long.toString(s)));
    response.setStatusCode(error.status()).putHeader("content-type", "application/json; charset=UTF-8")
        .end(error.body().toString());
  }

  private static String gatewayCode(int status) {
    return switch (status) {
      // The gateway's own 403: a managed token's model not allowed.
      case 403 -> "permission_denied";
      case 429 -> "rate_limit_exceeded";
      case 503 -> "service_unavailable";
      case 504 -> "deadline_exceeded";
      case 499 -> "client_closed";
      default -> "internal";
    };
  }
}
