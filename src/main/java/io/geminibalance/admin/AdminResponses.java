package io.geminibalance.admin;

import io.geminibalance.requestlog.SecretRedactor;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

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
}
