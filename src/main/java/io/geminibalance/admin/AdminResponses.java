package io.geminibalance.admin;

import io.geminibalance.requestlog.SecretRedactor;
import io.geminibalance.storage.StorageTimeoutException;
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
   * database threads; the routing context belongs to its loop), or answers "cannot {what}: cause":
   * 503 with Retry-After when asking again later can help (a statement stopped at its time limit,
   * statistics busy with another computation), else 500.
   */
  static <T> void whenDone(RoutingContext rc, CompletionStage<T> stage, String what, Consumer<T> then) {
    Future.fromCompletionStage(stage, rc.vertx().getOrCreateContext()).onComplete((value, err) -> {
      if (err != null) {
        Throwable cause = Failures.cause(err);
        boolean later = cause instanceof StorageTimeoutException || cause instanceof SingleFlight.Busy;
        if (later) {
          rc.response().putHeader("retry-after", RETRY_AFTER_SECONDS);
        }
        error(rc, later ? 503 : 500, "cannot " + what + ": " + cause.getMessage()
            + (cause instanceof StorageTimeoutException ? " (the request log is too large for this question"
                + " now: try a shorter range, or later)" : ""), null);
        return;
      }
      then.accept(value);
    });
  }

  private static final String RETRY_AFTER_SECONDS = "5";
}
