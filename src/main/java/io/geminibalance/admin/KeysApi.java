package io.geminibalance.admin;

import io.geminibalance.keypool.ApiKey;
import io.geminibalance.keypool.KeyDetail;
import io.geminibalance.keypool.PoolSnapshot;
import io.geminibalance.keypool.QuotaKeyPool;
import io.geminibalance.keypool.QuotaSnapshot.KeyModelRow;
import io.geminibalance.storage.AuditEntry;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Predicate;

/**
 * The key management API behind the /keys page ({@code /api/keys...}): list, add, delete, verify,
 * reset, reveal, export. Keys leave masked (first and last 4 characters) and are named by their
 * id, the key's fingerprint (not secret); only reveal and export answer whole keys, and both are
 * written to the audit log, as is every change. Requests work on the pool's keys in memory.
 */
public final class KeysApi {
  /** Ids per call of delete, reset and verify; reveal names fewer (export is for many). */
  static final int MAX_IDS = 100_000;
  static final int MAX_REVEAL = 1_000;
  static final int MAX_RESULTS_PAGE = 1_000;
  /** Times beyond this are "never" in the pool (a block lifted only by an operator). */
  private static final long FAR_FUTURE_MILLIS = 4_102_444_800_000L;

  private final QuotaKeyPool pool;
  private final SettingsService settings;
  private final AuditLog audit;
  private final KeyVerifyJobs verifications;
  private final KeyIndexCache index;

  public KeysApi(QuotaKeyPool pool, SettingsService settings, AuditLog audit, KeyVerifyJobs verifications) {
    this.pool = pool;
    this.settings = settings;
    this.audit = audit;
    this.verifications = verifications;
    this.index = new KeyIndexCache(pool, System::currentTimeMillis);
    verifications.onVerified(index::invalidate);
  }

  // ---- GET /api/keys, GET /api/keys/all ----

  /** One page of keys with per-model detail, and totals by state. Built on a worker: O(keys x models). */
  public void list(RoutingContext rc) {
    KeyQuery query;
    try {
      query = KeyQuery.parse(name -> rc.queryParams().get(name));
    } catch (BadRequest e) {
      AdminResponses.error(rc, 400, e.getMessage(), e.field());
      return;
    }
    Executor background = task -> rc.vertx().executeBlocking(() -> {
      task.run();
      return null;
    }, false);
    rc.vertx().executeBlocking(() -> render(KeyListing.page(index.get(background), query)), false)
        .onComplete(ar -> {
          if (ar.failed()) {
            AdminResponses.error(rc, 500, "cannot list keys: " + ar.cause().getMessage(), null);
          } else {
            rc.json(ar.result());
          }
        });
  }

  private static JsonObject render(KeyListing.Result page) {
    JsonArray keys = new JsonArray();
    page.keys().forEach(key -> keys.add(render(key)));
    KeyListing.Totals t = page.totals();
    return new JsonObject().put("keys", keys).put("total_items", page.totalItems())
        .put("total_pages", page.totalPages()).put("current_page", page.currentPage())
        .put("totals", new JsonObject().put("total", t.total()).put("valid", t.valid()).put("invalid", t.invalid())
            .put("usable", t.usable()).put("cooling", t.cooling()).put("parked", t.parked())
            .put("model_disabled", t.modelDisabled()).put("disabled", t.disabled()));
  }

  static JsonObject render(KeyDetail key) {
    JsonArray models = new JsonArray();
    for (KeyModelRow row : key.models()) {
      models.add(new JsonObject().put("model", row.model())
          .put("state", KeyListing.state(key, row).name().toLowerCase(Locale.ROOT))
          .put("until", time(row.untilMillis()))
          .put("reason", row.reason() == null || row.reason().isEmpty() ? null : row.reason())
          .put("used_this_minute", row.usedThisMinute()).put("rpm", row.rpm())
          .put("rpm_source", row.rpmSource().name().toLowerCase(Locale.ROOT))
          .put("used_today", row.usedToday()).put("rpd", row.rpd())
          .put("rpd_source", row.rpdSource().name().toLowerCase(Locale.ROOT))
          .put("project", row.project()));
    }
    JsonArray states = new JsonArray();
    KeyListing.states(key, null).forEach(s -> states.add(s.name().toLowerCase(Locale.ROOT)));
    return new JsonObject().put("id", key.key().fingerprint()).put("key", ApiKey.maskEnds(key.key().secret()))
        .put("status", key.disabled() ? "invalid" : "valid").put("fail_count", key.failures())
        .put("disabled", key.disabled())
        .put("disabled_reason", key.disabled() ? key.disabledReason() : null)
        .put("last_error", key.lastError()).put("last_error_at", time(key.lastErrorAtMillis()))
        .put("states", states).put("models", models);
  }

  private static String time(long millis) {
    return millis > 0 && millis < FAR_FUTURE_MILLIS ? Instant.ofEpochMilli(millis).toString() : null;
  }

  /** gemini-balance's "copy all" list, masked, with ids beside; built on a worker (3 MB at 100,000 keys). */
  public void all(RoutingContext rc) {
    rc.vertx().executeBlocking(() -> {
      JsonArray valid = new JsonArray();
      JsonArray validIds = new JsonArray();
      JsonArray invalid = new JsonArray();
      JsonArray invalidIds = new JsonArray();
      PoolSnapshot snapshot = pool.snapshot();
      for (PoolSnapshot.KeyStatus status : snapshot.keys()) {
        (status.disabled() ? invalid : valid).add(ApiKey.maskEnds(status.key().secret()));
        (status.disabled() ? invalidIds : validIds).add(status.key().fingerprint());
      }
      return new JsonObject().put("valid_keys", valid).put("invalid_keys", invalid)
          .put("valid_ids", validIds).put("invalid_ids", invalidIds).put("total_count", snapshot.keys().size())
          .toBuffer();
    }, false).onComplete(ar -> {
      if (ar.failed()) {
        AdminResponses.error(rc, 500, "cannot list keys: " + ar.cause().getMessage(), null);
      } else {
        rc.response().putHeader("content-type", "application/json").end(ar.result());
      }
    });
  }

  // ---- POST /api/keys ----

  /**
   * Bulk add from pasted text: {@code {text, mode: "extract"|"lines"}}. Parsing and comparing with
   * the pool run on a worker: 100,000 keys take seconds of hashing and matching.
   */
  public void add(RoutingContext rc) {
    JsonObject body;
    KeyPaste.Mode mode;
    String pasted;
    try {
      body = body(rc);
      Object text = body.getValue("text");
      if (!(text instanceof String string)) {
        throw new BadRequest("text", "expected the pasted text as a string");
      }
      pasted = string;
      String modeText = body.getValue("mode") == null ? "extract" : String.valueOf(body.getValue("mode"));
      mode = switch (modeText) {
        case "extract" -> KeyPaste.Mode.EXTRACT;
        case "lines" -> KeyPaste.Mode.LINES;
        default -> throw new BadRequest("mode", "expected extract or lines, got '" + KeyQuery.cut(modeText) + "'");
      };
    } catch (BadRequest e) {
      AdminResponses.error(rc, 400, e.getMessage(), e.field());
      return;
    }
    rc.vertx().executeBlocking(() -> parse(pasted, mode), false).onComplete(ar -> {
      if (ar.failed()) {
        if (ar.cause() instanceof BadRequest e) {
          AdminResponses.error(rc, 400, e.getMessage(), e.field());
        } else {
          AdminResponses.error(rc, 500, "cannot read the keys: " + ar.cause().getMessage(), null);
        }
        return;
      }
      Paste paste = ar.result();
      CompletableFuture<Integer> added = paste.fresh().isEmpty() ? CompletableFuture.completedFuture(0)
          : settings.addKeys(paste.fresh(), AdminCaller.of(rc));
      JsonArray rejected = new JsonArray();
      paste.parsed().rejected().forEach(r -> rejected.add(new JsonObject().put("line", r.line())
          .put("text", r.text()).put("reason", r.reason())));
      answer(rc, added.whenComplete((n, err) -> index.invalidate()), n -> new JsonObject().put("added", n)
          .put("duplicates", paste.duplicates()).put("rejected", rejected)
          .put("rejected_count", paste.parsed().rejectedCount()));
    });
  }

  /** A paste read: the keys not yet in the pool, and how many were there already or repeated. */
  private record Paste(KeyPaste.Parsed parsed, List<String> fresh, int duplicates) {}

  private Paste parse(String text, KeyPaste.Mode mode) {
    KeyPaste.Parsed parsed = KeyPaste.parse(text, mode);
    if (parsed.keys().isEmpty() && parsed.rejectedCount() == 0) {
      throw new BadRequest("text", mode == KeyPaste.Mode.EXTRACT
          ? "no Google API key (AIza followed by 35 characters) found; for keys of another format use mode \"lines\""
          : "no key found (one key per line)");
    }
    Set<ApiKey> inPool = new HashSet<>(pool.snapshot().keys().stream().map(PoolSnapshot.KeyStatus::key).toList());
    List<String> fresh = parsed.keys().stream().filter(k -> !inPool.contains(new ApiKey(k))).toList();
    return new Paste(parsed, fresh, parsed.repeated() + parsed.keys().size() - fresh.size());
  }

  // ---- deletes ----

  /** {@code DELETE /api/keys/{id}}. */
  public void deleteOne(RoutingContext rc) {
    ApiKey key = byId().get(rc.pathParam("id"));
    if (key == null) {
      AdminResponses.error(rc, 404, "id: no key with this id", "id");
      return;
    }
    delete(rc, List.of(key), List.of(), result -> result);
  }

  /** {@code POST /api/keys/delete {ids}}. */
  public void deleteSelected(RoutingContext rc) {
    withSelection(rc, MAX_IDS, false, (keys, notFound) -> delete(rc, keys, notFound, result -> result));
  }

  /** {@code POST /api/keys/delete-disabled}: every key disabled as a whole. */
  public void deleteDisabled(RoutingContext rc) {
    delete(rc, pool.snapshot().disabledKeys(), List.of(), result -> result);
  }

  /**
   * Deletes the keys (audited, stored, live) and answers {@code {deleted_count, not_found, warnings}}
   * shaped by {@code shape}. Keys that the API_KEYS environment variable names come back at the next
   * start: a warning says so.
   */
  void delete(RoutingContext rc, List<ApiKey> keys, List<String> notFound,
      java.util.function.UnaryOperator<JsonObject> shape) {
    List<String> secrets = keys.stream().map(ApiKey::secret).toList();
    JsonArray warnings = new JsonArray();
    List<String> inEnv = settings.inEnvironment(secrets);
    if (!inEnv.isEmpty()) {
      warnings.add(inEnv.size() + " of these key(s) are in the API_KEYS environment variable and return at the"
          + " next start unless removed there: " + String.join(", ", inEnv.stream().limit(10).map(ApiKey::maskEnds).toList()));
    }
    CompletableFuture<Integer> deleted = keys.isEmpty() ? CompletableFuture.completedFuture(0)
        : settings.removeKeys(secrets, AdminCaller.of(rc));
    answer(rc, deleted.whenComplete((n, err) -> index.invalidate()), n -> shape.apply(new JsonObject().put("deleted_count", keys.size())
        .put("not_found", new JsonArray(notFound)).put("warnings", warnings)));
  }

  // ---- verify ----

  /** {@code POST /api/keys/verify {ids}|{all:true}|{status}} -> 202 {@code {job_id}}. */
  public void verify(RoutingContext rc) {
    withSelection(rc, MAX_IDS, true, (keys, notFound) -> {
      if (keys.isEmpty()) {
        AdminResponses.error(rc, 400, "selection: no key to verify", "ids");
        return;
      }
      String running = verifications.running();
      if (running != null) {
        conflict(rc, new Conflict("a verification job is running (" + running + "); wait for it or cancel it",
            running));
        return;
      }
      answer(rc, audit.record(AdminCaller.of(rc), "keys.verify", List.of(keysChange("keys", "verify", keys))),
          v -> {
            try {
              KeyVerifyJobs.Job job = verifications.start(keys);
              rc.response().setStatusCode(202);
              return new JsonObject().put("job_id", job.id).put("total", job.total)
                  .put("not_found", new JsonArray(notFound));
            } catch (KeyVerifyJobs.Busy busy) {
              throw new Conflict(busy.getMessage(), busy.jobId);
            }
          });
    });
  }

  /** {@code GET /api/keys/verify/{job_id}?offset=&limit=}: progress and results. */
  public void verifyStatus(RoutingContext rc) {
    KeyVerifyJobs.Job job = verifications.find(rc.pathParam("job_id"));
    if (job == null) {
      AdminResponses.error(rc, 404, "job_id: no such verification job (the last " + KeyVerifyJobs.KEPT_JOBS
          + " are kept, in memory)", "job_id");
      return;
    }
    try {
      int offset = boundedParam(rc, "offset", 0, 0, Integer.MAX_VALUE);
      int limit = boundedParam(rc, "limit", 500, 1, MAX_RESULTS_PAGE);
      rc.json(job.toJson(offset, limit));
    } catch (BadRequest e) {
      AdminResponses.error(rc, 400, e.getMessage(), e.field());
    }
  }

  /** {@code POST /api/keys/verify/{job_id}/cancel}: keys not yet sent are not verified. */
  public void verifyCancel(RoutingContext rc) {
    KeyVerifyJobs.Job job = verifications.find(rc.pathParam("job_id"));
    if (job == null) {
      AdminResponses.error(rc, 404, "job_id: no such verification job", "job_id");
      return;
    }
    job.cancel();
    rc.json(job.toJson(0, 0));
  }

  // ---- reset, reveal, export ----

  /** {@code POST /api/keys/reset {ids}|{all:true}}: failures, disables and cooldowns cleared. */
  public void reset(RoutingContext rc) {
    withSelection(rc, MAX_IDS, true, (keys, notFound) -> {
      if (keys.isEmpty()) {
        AdminResponses.error(rc, 400, "selection: no key to reset", "ids");
        return;
      }
      answer(rc, reset(rc, keys), n -> new JsonObject().put("reset_count", n).put("not_found", new JsonArray(notFound)));
    });
  }

  /** Puts the keys back in service (the pool's restore), audited first; completes with the count. */
  CompletableFuture<Integer> reset(RoutingContext rc, List<ApiKey> keys) {
    return audit.record(AdminCaller.of(rc), "keys.reset", List.of(keysChange("keys", "reset", keys)))
        .thenApply(v -> {
          keys.forEach(pool::restore);
          index.invalidate();
          return keys.size();
        });
  }

  /** {@code POST /api/keys/reveal {ids}}: the whole keys, audited. */
  public void reveal(RoutingContext rc) {
    withSelection(rc, MAX_REVEAL, false, (keys, notFound) -> answer(rc,
        audit.record(AdminCaller.of(rc), "keys.reveal", List.of(keysChange("API_KEYS", "revealed", keys))),
        v -> {
          JsonArray revealed = new JsonArray();
          keys.forEach(k -> revealed.add(new JsonObject().put("id", k.fingerprint()).put("key", k.secret())));
          return new JsonObject().put("keys", revealed).put("not_found", new JsonArray(notFound));
        }));
  }

  /** {@code GET /api/keys/export?status=all|valid|invalid}: one whole key per line, audited. */
  public void export(RoutingContext rc) {
    String status = rc.queryParams().get("status") == null ? "all" : rc.queryParams().get("status");
    Predicate<PoolSnapshot.KeyStatus> wanted = switch (status) {
      case "all" -> k -> true;
      case "valid" -> k -> !k.disabled();
      case "invalid" -> PoolSnapshot.KeyStatus::disabled;
      default -> null;
    };
    if (wanted == null) {
      AdminResponses.error(rc, 400, "status: expected all, valid or invalid, got '" + KeyQuery.cut(status) + "'",
          "status");
      return;
    }
    List<ApiKey> keys = pool.snapshot().keys().stream().filter(wanted).map(PoolSnapshot.KeyStatus::key).toList();
    ConfigApi.onLoop(rc, audit.record(AdminCaller.of(rc), "keys.export",
        List.of(keysChange("API_KEYS", "exported (" + status + ")", keys)))).onComplete((v, err) -> {
          if (err != null) {
            AdminResponses.error(rc, 500, Failures.cause(err).getMessage(), null);
            return;
          }
          StringBuilder text = new StringBuilder(keys.size() * 41);
          keys.forEach(k -> text.append(k.secret()).append('\n'));
          rc.response().putHeader("content-type", "text/plain; charset=UTF-8")
              .putHeader("content-disposition", "attachment; filename=\"gemini-keys-" + status + ".txt\"")
              .putHeader("cache-control", "no-store")
              .end(text.toString());
        });
  }

  // ---- helpers shared with the original's endpoints ----

  /** The pool's keys by id. */
  Map<String, ApiKey> byId() {
    Map<String, ApiKey> byId = new LinkedHashMap<>();
    pool.snapshot().keys().forEach(k -> byId.put(k.key().fingerprint(), k.key()));
    return byId;
  }

  /** The pool's keys that are in {@code secrets}, in the pool's order; the others in {@code notFound} (masked). */
  List<ApiKey> bySecret(List<String> secrets, List<String> notFound) {
    Set<ApiKey> inPool = new HashSet<>(pool.snapshot().keys().stream().map(PoolSnapshot.KeyStatus::key).toList());
    List<ApiKey> found = new ArrayList<>();
    for (String secret : new java.util.LinkedHashSet<>(secrets)) {
      ApiKey key = secret.isBlank() ? null : new ApiKey(secret.strip());
      if (key != null && inPool.contains(key)) {
        found.add(key);
      } else {
        notFound.add(ApiKey.maskEnds(secret));
      }
    }
    return found;
  }

  List<ApiKey> keysWhere(Predicate<PoolSnapshot.KeyStatus> wanted) {
    return pool.snapshot().keys().stream().filter(wanted).map(PoolSnapshot.KeyStatus::key).toList();
  }

  KeyVerifyJobs verifications() {
    return verifications;
  }

  /** What a selection found: the keys, and the ids that named none. */
  interface Selected {
    void accept(List<ApiKey> keys, List<String> notFound);
  }

  /**
   * Reads {@code {ids:[...]}} (or, when {@code allowAll}, {@code {all:true}} or {@code {status:
   * "valid"|"invalid"}}). 400 for a bad or empty selection; 404 when no id names a key.
   */
  private void withSelection(RoutingContext rc, int max, boolean allowAll, Selected then) {
    List<ApiKey> keys;
    List<String> notFound = new ArrayList<>();
    try {
      JsonObject body = body(rc);
      if (allowAll && Boolean.TRUE.equals(body.getValue("all"))) {
        keys = keysWhere(k -> true);
      } else if (allowAll && body.getValue("status") != null) {
        keys = switch (String.valueOf(body.getValue("status"))) {
          case "valid" -> keysWhere(k -> !k.disabled());
          case "invalid" -> keysWhere(PoolSnapshot.KeyStatus::disabled);
          default -> throw new BadRequest("status", "expected valid or invalid");
        };
      } else {
        List<String> ids = strings(body, "ids", max, allowAll ? "; or {\"all\":true}, or {\"status\":\"invalid\"}" : "");
        Map<String, ApiKey> byId = byId();
        keys = new ArrayList<>();
        for (String id : new java.util.LinkedHashSet<>(ids)) {
          ApiKey key = byId.get(id);
          if (key == null) {
            notFound.add(KeyQuery.cut(id));
          } else {
            keys.add(key);
          }
        }
        if (keys.isEmpty()) {
          AdminResponses.error(rc, 404, "ids: no key with these ids", "ids");
          return;
        }
      }
    } catch (BadRequest e) {
      AdminResponses.error(rc, 400, e.getMessage(), e.field());
      return;
    }
    then.accept(keys, notFound);
  }

  /** The request body as a JSON object; an empty body is an empty object. */
  static JsonObject body(RoutingContext rc) {
    if (rc.body() == null || rc.body().length() == 0) {
      return new JsonObject();
    }
    try {
      JsonObject body = rc.body().asJsonObject();
      return body == null ? new JsonObject() : body;
    } catch (DecodeException | ClassCastException e) {
      throw new BadRequest("body", "expected a JSON object");
    }
  }

  /** A non-empty list of strings, at most {@code max}. */
  static List<String> strings(JsonObject body, String field, int max, String alternatives) {
    Object value = body.getValue(field);
    if (!(value instanceof JsonArray array)) {
      throw new BadRequest(field, "expected a list of " + field + alternatives);
    }
    if (array.isEmpty()) {
      throw new BadRequest(field, "empty selection");
    }
    if (array.size() > max) {
      throw new BadRequest(field, "at most " + max + " per call, got " + array.size());
    }
    List<String> items = new ArrayList<>(array.size());
    for (Object item : array) {
      if (!(item instanceof String text)) {
        throw new BadRequest(field, "expected strings only");
      }
      items.add(text);
    }
    return items;
  }

  private static int boundedParam(RoutingContext rc, String name, int fallback, int min, int max) {
    String text = rc.queryParams().get(name);
    if (text == null || text.isBlank()) {
      return fallback;
    }
    try {
      int value = Integer.parseInt(text.strip());
      if (value >= min && value <= max) {
        return value;
      }
    } catch (NumberFormatException e) {
      // answered below
    }
    throw new BadRequest(name, "expected a whole number " + min + ".." + max + ", got '" + KeyQuery.cut(text) + "'");
  }

  /** What the audit row says about keys: how many and which (masked, the first {@value AuditChanges#MAX_LISTED}). */
  static AuditEntry.Change keysChange(String setting, String what, List<ApiKey> keys) {
    StringBuilder text = new StringBuilder(what).append(' ').append(keys.size()).append(" key(s): ");
    text.append(String.join(", ", keys.stream().limit(AuditChanges.MAX_LISTED)
        .map(k -> AuditChanges.masked(k.secret())).toList()));
    if (keys.size() > AuditChanges.MAX_LISTED) {
      text.append(" and ").append(keys.size() - AuditChanges.MAX_LISTED).append(" more");
    }
    return new AuditEntry.Change(setting, null, text.toString());
  }

  /** A request that conflicts with work under way (a running verification job). */
  static final class Conflict extends RuntimeException {
    final String jobId;

    Conflict(String message, String jobId) {
      super(message);
      this.jobId = jobId;
    }
  }

  /** Answers with {@code render} of the result once {@code work} completes, back on the request's loop. */
  static <T> void answer(RoutingContext rc, CompletableFuture<T> work, java.util.function.Function<T, JsonObject> render) {
    ConfigApi.onLoop(rc, work).onComplete((result, err) -> {
      if (err != null) {
        AdminResponses.error(rc, 500, Failures.cause(err).getMessage(), null);
        return;
      }
      try {
        rc.json(render.apply(result));
      } catch (Conflict conflict) {
        conflict(rc, conflict);
      }
    });
  }

  private static void conflict(RoutingContext rc, Conflict conflict) {
    rc.response().setStatusCode(409).putHeader("content-type", "application/json; charset=UTF-8")
        .end(new JsonObject().put("error", new JsonObject().put("code", 409).put("message", conflict.getMessage())
            .put("status", "ABORTED")).put("job_id", conflict.jobId).encode());
  }
}
