package io.geminibalance.admin;

import io.geminibalance.config.GatewayConfig;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.function.Supplier;

/**
 * {@code POST /api/admin-token/rotate}: replaces the generated admin token and answers the new one,
 * once (the response is not to be cached). When AUTH_TOKEN is set it stays the admin token, and the
 * answer says that the new generated token applies only once AUTH_TOKEN is removed.
 */
public final class AdminTokenApi {
  private final AdminTokens tokens;
  private final Supplier<GatewayConfig> current;

  public AdminTokenApi(AdminTokens tokens, Supplier<GatewayConfig> current) {
    this.tokens = tokens;
    this.current = current;
  }

  public void rotate(RoutingContext rc) {
    Future.fromCompletionStage(tokens.rotate(AdminCaller.of(rc)), rc.vertx().getOrCreateContext())
        .onComplete((token, err) -> {
          if (err != null) {
            Throwable cause = Failures.cause(err);
            AdminResponses.error(rc, 500, cause instanceof AuditLog.AuditFailed ? cause.getMessage()
                : "cannot rotate the admin token: " + cause.getMessage(), null);
            return;
          }
          boolean inForce = current.get().authToken() == null;
          rc.response().putHeader("cache-control", "no-store");
          rc.json(new JsonObject().put("adminToken", token).put("inForce", inForce).put("message", inForce
              ? "This is the admin token now; the previous one no longer works. It is shown only this once."
              : "AUTH_TOKEN is set and stays the admin token; this generated token applies once AUTH_TOKEN is"
                  + " removed. It is shown only this once."));
        });
  }
}
