package io.geminibalance.admin;

import io.geminibalance.keypool.ApiKey;
import io.geminibalance.keypool.PoolSnapshot;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;

/**
 * gemini-balance's key endpoints, with its paths and answer shapes, for scripts written against it:
 * the key-maintenance endpoints under {@code /gemini/v1beta} (which it left unauthenticated; here
 * they need the admin credential, checked before the body is read) and {@code /api/config/keys}.
 * Keys are named whole in the request, as there; answers show them masked.
 */
public final class KeyMaintenanceApi {
  /** Keys verified within one request; the job API ({@code POST /api/keys/verify}) takes more. */
  static final int MAX_SYNC_VERIFY = 500;
  private final KeysApi keys;
  private final AuditLog audit;

  public KeyMaintenanceApi(KeysApi keys, AuditLog audit) {
    this.keys = keys;
    this.audit = audit;
  }

  /** {@code DELETE /api/config/keys/{key}}. */
  public void deleteKey(RoutingContext rc) {
    ApiKey key = pathKey(rc, "key");
    if (key == null) {
      return;
    }
    keys.delete(rc, List.of(key), List.of(), result -> new JsonObject().put("success", true)
        .put("message", "Deleted key " + ApiKey.maskEnds(key.secret()))
        .put("deleted_count", result.getInteger("deleted_count")).put("not_found_keys", new JsonArray())
        .put("warnings", result.getJsonArray("warnings")));
  }

  /** {@code POST /api/config/keys/delete-selected {keys}}. */
  public void deleteSelected(RoutingContext rc) {
    List<String> notFound = new ArrayList<>();
    List<ApiKey> found;
    try {
      found = keys.bySecret(KeysApi.strings(KeysApi.body(rc), "keys", KeysApi.MAX_IDS, ""), notFound);
    } catch (BadRequest e) {
      AdminResponses.error(rc, 400, e.getMessage(), e.field());
      return;
    }
    if (found.isEmpty()) {
      AdminResponses.error(rc, 404, "keys: none of them is in the pool", "keys");
      return;
    }
    keys.delete(rc, found, List.of(), result -> new JsonObject().put("success", true)
        .put("message", "Deleted " + found.size() + " key(s)")
        .put("deleted_count", result.getInteger("deleted_count")).put("not_found_keys", new JsonArray(notFound))
        .put("warnings", result.getJsonArray("warnings")));
  }

  /** {@code POST /gemini/v1beta/verify-key/{api_key}} -> {@code {status:"valid"}} or {@code {status:"invalid", error}}. */
  public void verifyKey(RoutingContext rc) {
    String secret = rc.pathParam("api_key");
    String problem = KeyPaste.problem(secret);
    if (problem != null) {
      AdminResponses.error(rc, 400, "api_key: " + problem, "api_key");
      return;
    }
    ApiKey key = new ApiKey(secret);
    verify(rc, List.of(key), outcomes -> {
      KeyVerifyJobs.Outcome outcome = outcomes.get(0);
      JsonObject answer = new JsonObject().put("status", outcome.result().valid() ? "valid" : "invalid");
      if (!outcome.result().valid()) {
        answer.put("error", outcome.result().message()).put("error_code", outcome.result().status())
            .put("verdict", outcome.result().verdict());
      }
      return answer;
    });
  }

  /** {@code POST /gemini/v1beta/verify-selected-keys {keys}}. */
  public void verifySelected(RoutingContext rc) {
    List<ApiKey> selected = new ArrayList<>();
    try {
      for (String secret : new java.util.LinkedHashSet<>(
          KeysApi.strings(KeysApi.body(rc), "keys", MAX_SYNC_VERIFY, ""))) {
        String problem = KeyPaste.problem(secret.strip());
        if (problem != null) {
          throw new BadRequest("keys", KeyPaste.preview(secret) + " " + problem);
        }
        selected.add(new ApiKey(secret.strip()));
      }
    } catch (BadRequest e) {
      AdminResponses.error(rc, 400, e.getMessage(), e.field());
      return;
    }
    verify(rc, selected, outcomes -> {
      JsonArray successful = new JsonArray();
      JsonObject failed = new JsonObject();
      for (KeyVerifyJobs.Outcome outcome : outcomes) {
        String masked = ApiKey.maskEnds(outcome.key().secret());
        if (outcome.result().valid()) {
          successful.add(masked);
        } else {
          failed.put(masked, new JsonObject().put("error_message", outcome.result().message())
              .put("error_code", outcome.result().status()).put("verdict", outcome.result().verdict()));
        }
      }
      return new JsonObject().put("success", true)
          .put("message", "Verified " + outcomes.size() + " key(s): " + successful.size() + " valid, "
              + failed.size() + " invalid")
          .put("successful_keys", successful).put("failed_keys", failed)
          .put("valid_count", successful.size()).put("invalid_count", failed.size());
    });
  }

  private void verify(RoutingContext rc, List<ApiKey> selected,
      java.util.function.Function<List<KeyVerifyJobs.Outcome>, JsonObject> render) {
    ConfigApi.onLoop(rc, audit.record(AdminCaller.of(rc), "keys.verify",
        List.of(KeysApi.keysChange("keys", "verify", selected)))).compose(v -> keys.verifications().verifyNow(selected))
        .onComplete((outcomes, err) -> {
          if (err != null) {
            AdminResponses.error(rc, 500, Failures.cause(err).getMessage(), null);
          } else {
            rc.json(render.apply(outcomes));
          }
        });
  }

  /** {@code POST /gemini/v1beta/reset-fail-count/{api_key}}: 404 when the key is not in the pool. */
  public void resetKey(RoutingContext rc) {
    ApiKey key = pathKey(rc, "api_key");
    if (key == null) {
      return;
    }
    KeysApi.answer(rc, keys.reset(rc, List.of(key)), n -> new JsonObject().put("success", true)
        .put("message", "Failure count of key " + ApiKey.maskEnds(key.secret()) + " reset"));
  }

  /** The pool key named whole by path parameter {@code param}, or null once 404 is answered. */
  private ApiKey pathKey(RoutingContext rc, String param) {
    List<String> notFound = new ArrayList<>();
    List<ApiKey> found = keys.bySecret(List.of(rc.pathParam(param)), notFound);
    if (found.isEmpty()) {
      AdminResponses.error(rc, 404, param + ": not in the pool (" + notFound.get(0) + ")", param);
      return null;
    }
    return found.get(0);
  }

  /** {@code POST /gemini/v1beta/reset-all-fail-counts?key_type=valid|invalid}. */
  public void resetAll(RoutingContext rc) {
    Predicate<PoolSnapshot.KeyStatus> wanted;
    try {
      wanted = keyType(rc.queryParams().get("key_type"));
    } catch (BadRequest e) {
      AdminResponses.error(rc, 400, e.getMessage(), e.field());
      return;
    }
    List<ApiKey> selected = keys.keysWhere(wanted);
    KeysApi.answer(rc, resetIfAny(rc, selected), n -> new JsonObject().put("success", true)
        .put("message", "Reset " + n + " key(s)").put("reset_count", n));
  }

  /** {@code POST /gemini/v1beta/reset-selected-fail-counts {keys, key_type}}: 207 when some were not found. */
  public void resetSelected(RoutingContext rc) {
    List<String> notFound = new ArrayList<>();
    List<ApiKey> selected;
    try {
      JsonObject body = KeysApi.body(rc);
      Object type = body.getValue("key_type");
      Predicate<PoolSnapshot.KeyStatus> wanted = keyType(type == null ? null : String.valueOf(type));
      List<ApiKey> found = keys.bySecret(KeysApi.strings(body, "keys", KeysApi.MAX_IDS, ""), notFound);
      List<ApiKey> ofType = keys.keysWhere(wanted);
      selected = found.stream().filter(new java.util.HashSet<>(ofType)::contains).toList();
    } catch (BadRequest e) {
      AdminResponses.error(rc, 400, e.getMessage(), e.field());
      return;
    }
    if (selected.isEmpty() && !notFound.isEmpty()) {
      AdminResponses.error(rc, 404, "keys: none of them is in the pool", "keys");
      return;
    }
    KeysApi.answer(rc, resetIfAny(rc, selected), n -> {
      if (!notFound.isEmpty()) {
        rc.response().setStatusCode(207);
      }
      return new JsonObject().put("success", notFound.isEmpty())
          .put("message", "Reset " + n + " key(s)" + (notFound.isEmpty() ? "" : "; " + notFound.size() + " not found"))
          .put("reset_count", n).put("not_found_keys", new JsonArray(notFound));
    });
  }

  private CompletableFuture<Integer> resetIfAny(RoutingContext rc, List<ApiKey> selected) {
    return selected.isEmpty() ? CompletableFuture.completedFuture(0) : keys.reset(rc, selected);
  }

  private static Predicate<PoolSnapshot.KeyStatus> keyType(String type) {
    if (type == null || type.isBlank()) {
      return k -> true;
    }
    return switch (type) {
      case "valid" -> k -> !k.disabled();
      case "invalid" -> PoolSnapshot.KeyStatus::disabled;
      default -> throw new BadRequest("key_type", "expected valid or invalid, got '" + KeyQuery.cut(type) + "'");
    };
  }
}
