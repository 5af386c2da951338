package io.geminibalance.admin;

import io.geminibalance.auth.ClientToken;
import io.geminibalance.auth.TokenLimits;
import io.geminibalance.storage.ClientTokenStore;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Comparator;
import java.util.concurrent.CompletableFuture;

/**
 * {@code /api/tokens}: managed client tokens (the {@code /tokens} page). A token's value is in the
 * answer to its creation and to each rotation only, with {@code Cache-Control: no-store}; listings
 * show {@code sk-gb-...abcd}. There is no DELETE: a revoked token stays listed, so that its usage
 * keeps a name.
 */
public final class TokensApi {
  private final ClientTokens tokens;
  private final InstantSource clock;

  public TokensApi(ClientTokens tokens, InstantSource clock) {
    this.tokens = tokens;
    this.clock = clock;
  }

  /** {@code GET /api/tokens}: every token, revoked ones last, each group oldest first. */
  public void list(RoutingContext rc) {
    AdminResponses.whenDone(rc, tokens.list(), "list the tokens", all -> {
      Instant now = clock.instant();
      JsonArray items = new JsonArray();
      all.stream().sorted(Comparator.comparing((ClientToken t) -> t.revokedAt() != null))
          .forEach(t -> items.add(json(t, now)));
      rc.json(new JsonObject().put("tokens", items).put("total", all.size()));
    });
  }

  /** {@code GET /api/tokens/:id}. */
  public void get(RoutingContext rc) {
    answer(rc, tokens.find(rc.pathParam("id")), "read the token");
  }

  /** {@code POST /api/tokens}: 201 with the new token and its value, shown this once. */
  public void create(RoutingContext rc) {
    TokenEdit edit;
    try {
      edit = TokenEdit.parse(KeysApi.body(rc), clock.instant());
      if (edit.name() == null) {
        throw new BadRequest("name", "required: a name of 1.." + TokenEdit.MAX_NAME_CHARS + " characters");
      }
    } catch (BadRequest e) {
      AdminResponses.error(rc, 400, e.getMessage(), e.field());
      return;
    }
    issued(rc, tokens.create(AdminCaller.of(rc), edit), "create the token", 201);
  }

  /** {@code PATCH /api/tokens/:id}: the fields named change, the others stay. */
  public void update(RoutingContext rc) {
    TokenEdit edit;
    try {
      edit = TokenEdit.parse(KeysApi.body(rc), clock.instant());
      if (edit.empty()) {
        throw new BadRequest("body", "name at least one field to change (" + String.join(", ",
            TokenEdit.FIELDS.stream().sorted().toList()) + ")");
      }
    } catch (BadRequest e) {
      AdminResponses.error(rc, 400, e.getMessage(), e.field());
      return;
    }
    answer(rc, tokens.update(AdminCaller.of(rc), rc.pathParam("id"), edit), "change the token");
  }

  /** {@code POST /api/tokens/:id/rotate}: a new value (shown this once) for the same token. */
  public void rotate(RoutingContext rc) {
    issued(rc, tokens.rotate(AdminCaller.of(rc), rc.pathParam("id")), "rotate the token", 200);
  }

  /** {@code POST /api/tokens/:id/revoke}: refused from now on, kept listed. */
  public void revoke(RoutingContext rc) {
    answer(rc, tokens.revoke(AdminCaller.of(rc), rc.pathParam("id")), "revoke the token");
  }

  private void issued(RoutingContext rc, CompletableFuture<ClientTokens.Issued> stage, String what, int status) {
    Future.fromCompletionStage(stage, rc.vertx().getOrCreateContext()).onComplete((issued, err) -> {
      if (err != null) {
        failed(rc, err, what);
        return;
      }
      JsonObject body = json(issued.token(), clock.instant()).put("value", issued.value())
          .put("message", "Copy this token now: it is shown only this once.");
      rc.response().setStatusCode(status).putHeader("cache-control", "no-store");
      rc.json(body);
    });
  }

  private void answer(RoutingContext rc, CompletableFuture<ClientToken> stage, String what) {
    Future.fromCompletionStage(stage, rc.vertx().getOrCreateContext()).onComplete((token, err) -> {
      if (err != null) {
        failed(rc, err, what);
        return;
      }
      rc.json(json(token, clock.instant()));
    });
  }

  /** The service's refusals as 4xx (nothing changed); anything else as {@link AdminResponses#whenDone} would. */
  private static void failed(RoutingContext rc, Throwable err, String what) {
    Throwable cause = Failures.cause(err);
    switch (cause) {
      case BadRequest bad -> AdminResponses.error(rc, 400, bad.getMessage(), bad.field());
      case ClientTokens.UnknownToken unknown -> AdminResponses.error(rc, 404, unknown.getMessage(), "id");
      case ClientTokens.RevokedToken revoked -> AdminResponses.error(rc, 409, revoked.getMessage(), "id");
      case ClientTokenStore.NameTaken taken -> AdminResponses.error(rc, 409, taken.getMessage(), "name");
      case ClientTokens.TooMany many -> AdminResponses.error(rc, 409, many.getMessage(), null);
      case AuditLog.AuditFailed audit -> AdminResponses.error(rc, 500, audit.getMessage(), null);
      // A storage failure: 503 or 500 with the cause, as every admin endpoint answers it.
      default -> AdminResponses.whenDone(rc, CompletableFuture.failedFuture(cause), what, v -> {});
    }
  }

  /** A token as the API shows it: never the value, nor its hash. */
  static JsonObject json(ClientToken t, Instant now) {
    TokenLimits l = t.limits();
    JsonObject limits = new JsonObject().put("rpm", l.requestsPerMinute()).put("rpd", l.requestsPerDay())
        .put("tpm", l.tokensPerMinute()).put("tpd", l.tokensPerDay()).put("max_concurrent", l.maxConcurrent());
    return new JsonObject()
        .put("id", t.id())
        .put("name", t.name())
        .put("value_hint", ClientTokens.hint(t.last4()))
        .put("status", status(t, now))
        .put("models", new JsonArray(t.models()))
        .put("protocols", new JsonArray(t.protocolLabels()))
        .put("limits", limits)
        .put("expires_at", text(t.expiresAt()))
        .put("cidrs", new JsonArray(t.cidrs()))
        .put("enabled", t.enabled())
        .put("revoked_at", text(t.revokedAt()))
        .put("created_at", text(t.createdAt()))
        .put("updated_at", text(t.updatedAt()));
  }

  /** {@code active}, or why the token does not authenticate: {@code revoked}, {@code expired}, {@code disabled}. */
  static String status(ClientToken t, Instant now) {
    if (t.revokedAt() != null) {
      return "revoked";
    }
    if (t.expiresAt() != null && !t.expiresAt().isAfter(now)) {
      return "expired";
    }
    return t.enabled() ? "active" : "disabled";
  }

  private static String text(Instant instant) {
    return instant == null ? null : instant.toString();
  }
}
