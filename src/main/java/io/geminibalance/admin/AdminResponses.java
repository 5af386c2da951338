package io.geminibalance.admin;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** Error answers of the admin API: {@code {"error":{"code","message","param"}}}. */
final class AdminResponses {
  private AdminResponses() {}

  static void error(RoutingContext rc, int status, String message, String param) {
    if (rc.response().ended()) {
      return;
    }
    JsonObject error = new JsonObject().put("code", status).put("message", message);
    if (param != null) {
      error.put("param", param);
    }
    rc.response().setStatusCode(status).putHeader("content-type", "application/json; charset=UTF-8")
        .end(new JsonObject().put("error", error).encode());
  }
}
