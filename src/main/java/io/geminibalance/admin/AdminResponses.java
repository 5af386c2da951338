package io.geminibalance.admin;

import io.geminibalance.requestlog.SecretRedactor;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/**
 * Error answers of the admin API: {@code {"error":{"code","message","param"}}}. Messages go
 * through the secret redactor: they quote setting values and database errors.
 */
final class AdminResponses {
  private AdminResponses() {}

  static void error(RoutingContext rc, int status, String message, String param) {
    if (rc.response().ended()) {
      return;
    }
    JsonObject error = new JsonObject().put("code", status)
        .put("message", SecretRedactor.process().redact(message));
    if (param != null) {
      error.put("param", param);
    }
    rc.response().setStatusCode(status).putHeader("content-type", "application/json; charset=UTF-8")
        .end(new JsonObject().put("error", error).encode());
  }

  /**
   * Runs {@code then} with the stage's value on the request's event loop (stores complete on
   * database threads; the routing context belongs to its loop), or answers 500 with
   * "cannot {what}: cause".
   */
  static <T> void whenDone(RoutingContext rc, CompletionStage<T> stage, String what, Consumer<T> then) {
    Future.fromCompletionStage(stage, rc.vertx().getOrCreateContext()).onComplete((value, err) -> {
      if (err != null) {
        error(rc, 500, "cannot " + what + ": " + Failures.cause(err).getMessage(), null);
        return;
      }
      then.accept(value);
    });
  }
}
