package io.geminibalance.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.geminibalance.requestlog.SecretRedactor;
import io.geminibalance.storage.AuditEntry;
import io.geminibalance.storage.ErrorLogQuery;
import io.geminibalance.storage.ErrorLogRow;
import io.geminibalance.storage.ErrorLogStore;
import io.geminibalance.storage.KeyMatch;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The error log behind the /logs page, with gemini-balance's paths, parameters and field names
 * ({@code GET /api/logs/errors}, {@code /{id}/details}, {@code /lookup} and the DELETE variants).
 * Rows hold no key (its fingerprint and last 4 only), so a key search works the same with
 * ENCRYPTION_KEY set: a whole key pasted is turned into its fingerprint (and also matches the
 * rows gemini-balance wrote, which hold the key and no fingerprint), anything else is a substring
 * of the last 4 (or of the whole key on rows gemini-balance wrote). Deletions go to the audit log.
 */
public final class ErrorLogApi {
  static final int DEFAULT_LIMIT = 10;
  static final int MAX_LIMIT = 1000;
  /** How many ids one DELETE may name: one transaction, a few hundred ids per statement. */
  static final int MAX_IDS = 10_000;
  private static final int MAX_OFFSET = 1_000_000_000;
  /** Shorter than any Google key (39 characters), longer than any last-4 or masked form. */
  private static final int WHOLE_KEY_LENGTH = 20;
  private static final ObjectMapper JSON = new ObjectMapper();

  private final ErrorLogStore store;
  private final AuditLog audit;
  private final ZoneId zone;

  /** @param zone the zone of dates given without an offset (the storage zone, as gemini-balance's naive times) */
  public ErrorLogApi(ErrorLogStore store, AuditLog audit, ZoneId zone) {
    this.store = store;
    this.audit = audit;
    this.zone = zone;
  }

  /** {@code GET /api/logs/errors}: {@code {logs, total}} plus the limit and offset in force. */
  public void list(RoutingContext rc) {
    ErrorLogQuery query;
    try {
      query = query(rc);
    } catch (QueryParams.BadParam e) {
      e.answer(rc);
      return;
    }
    AdminResponses.whenDone(rc, store.search(query), "search the error log", page -> {
      JsonArray logs = new JsonArray();
      page.rows().forEach(row -> logs.add(summary(row)));
      rc.json(new JsonObject().put("logs", logs).put("total", page.total()).put("limit", query.limit())
          .put("offset", query.offset()));
    });
  }

  private ErrorLogQuery query(RoutingContext rc) {
    int limit = QueryParams.integer(rc, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT);
    int offset = QueryParams.integer(rc, "offset", 0, 0, MAX_OFFSET);
    String keySearch = QueryParams.text(rc, "key_search", 200);
    String errorSearch = QueryParams.text(rc, "error_search", 500);
    Integer code = QueryParams.optionalInteger(rc, "error_code_search", 0, 999);
    Instant start = QueryParams.time(rc, "start_date", zone);
    Instant end = QueryParams.time(rc, "end_date", zone);
    if (start != null && end != null && !end.isAfter(start)) {
      throw new QueryParams.BadParam("end_date", "end_date: must be after start_date (the range is [start, end))");
    }
    boolean byTime = QueryParams.choice(rc, "sort_by", "id", List.of("id", "request_time")).equals("request_time");
    boolean newestFirst = QueryParams.choice(rc, "sort_order", "desc", List.of("asc", "desc")).equals("desc");
    KeyMatch key = null;
    String keyText = null;
    if (keySearch != null) {
      if (keySearch.length() >= WHOLE_KEY_LENGTH && !keySearch.contains("...")) {
        key = KeyMatch.ofSecret(keySearch);
      } else {
        // The pages show keys as "AIza...a1B2": searching for what is shown means its last part.
        keyText = keySearch.contains("...") ? keySearch.substring(keySearch.lastIndexOf("...") + 3) : keySearch;
      }
    }
    return new ErrorLogQuery(key, keyText, errorSearch, code, start, end, byTime, newestFirst, offset, limit);
  }

  /** {@code GET /api/logs/errors/{id}/details}: the whole row, the request body pretty-printed. */
  public void details(RoutingContext rc) {
    Long id = id(rc);
    if (id == null) {
      return;
    }
    AdminResponses.whenDone(rc, store.get(id), "read error log " + id, row -> {
      if (row.isEmpty()) {
        AdminResponses.error(rc, 404, "no error log with id " + id, "id");
        return;
      }
      rc.json(details(row.get()));
    });
  }

  /**
   * {@code GET /api/logs/errors/lookup}: the error row of a call in the call list. By
   * {@code request_id} (our rows carry it), else as gemini-balance: the row of {@code gemini_key}
   * (the whole key, or {@code key_fingerprint}) nearest to {@code timestamp} within
   * {@code window_seconds} (1..300, default 100), one with {@code status_code} preferred. 404 if none.
   */
  public void lookup(RoutingContext rc) {
    String requestId;
    KeyMatch key;
    Instant at;
    Integer status;
    int window;
    try {
      requestId = QueryParams.text(rc, "request_id", 64);
      String secret = QueryParams.text(rc, "gemini_key", 200);
      String given = QueryParams.text(rc, "key_fingerprint", 64);
      key = secret != null ? KeyMatch.ofSecret(secret) : given != null ? KeyMatch.ofFingerprint(given) : null;
      at = QueryParams.time(rc, "timestamp", zone);
      status = QueryParams.optionalInteger(rc, "status_code", 0, 999);
      window = QueryParams.integer(rc, "window_seconds", 100, 1, 300);
      if (requestId == null && (key == null || at == null)) {
        throw new QueryParams.BadParam(key == null ? "gemini_key" : "timestamp",
            "give request_id, or gemini_key (or key_fingerprint) and timestamp");
      }
    } catch (QueryParams.BadParam e) {
      e.answer(rc);
      return;
    }
    if (requestId != null) {
      AdminResponses.whenDone(rc, store.findByRequestId(requestId), "look up the error log", rows ->
          answerFound(rc, rows.stream().filter(r -> status == null || status.equals(r.statusCode()))
              .reduce((first, second) -> second).or(() -> rows.stream().reduce((first, second) -> second))));
      return;
    }
    Duration span = Duration.ofSeconds(window);
    ErrorLogQuery near = new ErrorLogQuery(key, null, null, null, at.minus(span), at.plus(span).plusSeconds(1),
        true, true, 0, 200);
    AdminResponses.whenDone(rc, store.search(near), "look up the error log", page -> answerFound(rc,
        page.rows().stream().min(Comparator
            .comparing((ErrorLogRow r) -> status != null && !status.equals(r.statusCode()))
            .thenComparing(r -> Duration.between(r.time(), at).abs()))));
  }

  private static void answerFound(RoutingContext rc, Optional<ErrorLogRow> row) {
    if (row.isEmpty()) {
      AdminResponses.error(rc, 404, "no matching error log", null);
    } else {
      rc.json(details(row.get()));
    }
  }

  /** {@code DELETE /api/logs/errors} with {@code {"ids":[...]}}: 204; unknown ids are no error. */
  public void deleteSelected(RoutingContext rc) {
    Set<Long> ids;
    try {
      ids = ids(rc.body().buffer() == null ? new byte[0] : rc.body().buffer().getBytes());
    } catch (QueryParams.BadParam e) {
      e.answer(rc);
      return;
    }
    AdminResponses.whenDone(rc, store.delete(ids), "delete error logs", deleted ->
        audited(rc, "error-logs.delete", deleted));
  }

  /** {@code DELETE /api/logs/errors/all}: 204. */
  public void deleteAll(RoutingContext rc) {
    AdminResponses.whenDone(rc, store.deleteAll(), "delete the error log", deleted ->
        audited(rc, "error-logs.delete-all", deleted));
  }

  /** {@code DELETE /api/logs/errors/{id}}: 204, or 404 for an unknown id. */
  public void deleteOne(RoutingContext rc) {
    Long id = id(rc);
    if (id == null) {
      return;
    }
    AdminResponses.whenDone(rc, store.delete(List.of(id)), "delete error log " + id, deleted -> {
      if (deleted == 0) {
        AdminResponses.error(rc, 404, "no error log with id " + id, "id");
      } else {
        audited(rc, "error-logs.delete", deleted);
      }
    });
  }

  private void audited(RoutingContext rc, String action, int deleted) {
    AdminResponses.whenDone(rc, audit.record(AdminCaller.of(rc), action,
        List.of(new AuditEntry.Change("t_error_logs", null, deleted + " row(s) deleted"))), "write the audit log",
        v -> rc.response().setStatusCode(204).end());
  }

  private static Long id(RoutingContext rc) {
    String value = rc.pathParam("id");
    try {
      long id = Long.parseLong(value);
      if (id > 0) {
        return id;
      }
    } catch (NumberFormatException e) {
      // answered below
    }
    AdminResponses.error(rc, 400, "id: '" + (value.length() > 40 ? value.substring(0, 40) + "..." : value)
        + "' (expected: a positive whole number)", "id");
    return null;
  }

  static Set<Long> ids(byte[] body) {
    JsonNode root;
    try {
      root = body.length == 0 ? null : JSON.readTree(body);
    } catch (IOException e) {
      throw new QueryParams.BadParam("ids", "body: not JSON (expected {\"ids\": [1, 2, ...]})");
    }
    JsonNode ids = root == null ? null : root.get("ids");
    if (ids == null || !ids.isArray() || ids.isEmpty()) {
      throw new QueryParams.BadParam("ids", "ids: expected a non-empty array of error-log ids");
    }
    if (ids.size() > MAX_IDS) {
      throw new QueryParams.BadParam("ids", "ids: " + ids.size() + " ids (expected: at most " + MAX_IDS
          + "; DELETE /api/logs/errors/all deletes everything)");
    }
    Set<Long> result = new LinkedHashSet<>();
    for (JsonNode id : ids) {
      if (!id.canConvertToLong() || !id.isIntegralNumber() || id.asLong() <= 0) {
        throw new QueryParams.BadParam("ids", "ids: " + abbreviated(id.toString())
            + " is not an error-log id (expected: positive whole numbers)");
      }
      result.add(id.asLong());
    }
    return result;
  }

  private static String abbreviated(String text) {
    return text.length() > 40 ? text.substring(0, 40) + "..." : text;
  }

  private static JsonObject summary(ErrorLogRow row) {
    return new JsonObject().put("id", row.id()).put("gemini_key", row.maskedKey())
        .put("key_fingerprint", row.keyFingerprint()).put("error_type", row.errorType())
        .put("error_code", row.statusCode()).put("model_name", row.model())
        .put("request_time", row.time() == null ? null : row.time().toString());
  }

  /**
   * The whole row. Its texts are redacted again on the way out: rows the gateway writes are
   * redacted before they are stored, but rows gemini-balance wrote (read in place, and rewritten
   * only when ENCRYPTION_KEY is set) can quote a key in a URL ({@code ?key=AIza...}).
   */
  private static JsonObject details(ErrorLogRow row) {
    SecretRedactor redactor = SecretRedactor.process();
    return summary(row).put("error_log", redactor.redact(row.message()))
        .put("request_msg", redactor.redact(pretty(row.requestBody())))
        .put("request_id", row.requestId());
  }

  /** The stored request body indented for reading; as stored when it is not JSON. */
  static String pretty(String body) {
    if (body == null) {
      return null;
    }
    try {
      return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(JSON.readTree(body));
    } catch (JsonProcessingException e) {
      return body;
    }
  }
}
