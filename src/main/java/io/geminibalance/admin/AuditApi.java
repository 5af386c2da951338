package io.geminibalance.admin;

import io.geminibalance.storage.AuditEntry;
import io.geminibalance.storage.AuditRow;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code GET /api/audit?limit=&offset=}: the audit log, newest first. {@code limit} is 1 to
 * {@value #MAX_LIMIT} (default {@value #DEFAULT_LIMIT}); anything else is a 400 naming it.
 */
public final class AuditApi {
  static final int DEFAULT_LIMIT = 50;
  static final int MAX_LIMIT = 200;
  private static final int MAX_OFFSET = 1_000_000_000;
  private final AuditLog audit;

  public AuditApi(AuditLog audit) {
    this.audit = audit;
  }

  public void list(RoutingContext rc) {
    int limit;
    int offset;
    try {
      limit = intParam(rc, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT);
      offset = intParam(rc, "offset", 0, 0, MAX_OFFSET);
    } catch (BadParam e) {
      AdminResponses.error(rc, 400, e.getMessage(), e.name);
      return;
    }
    Future.fromCompletionStage(audit.page(offset, limit), rc.vertx().getOrCreateContext()).onComplete((page, err) -> {
      if (err != null) {
        Throwable cause = Failures.cause(err);
        AdminResponses.error(rc, 500, "cannot read the audit log: " + cause.getMessage(), null);
        return;
      }
      JsonArray entries = new JsonArray();
      page.rows().forEach(row -> entries.add(render(row)));
      rc.json(new JsonObject().put("total", page.total()).put("offset", offset).put("limit", limit)
          .put("entries", entries));
    });
  }

  private static JsonObject render(AuditRow row) {
    AuditEntry entry = row.entry();
    JsonArray changes = new JsonArray();
    entry.changes().forEach(change -> changes.add(new JsonObject().put("setting", change.setting())
        .put("old", change.oldValue()).put("new", change.newValue())));
    return new JsonObject().put("id", row.id()).put("time", entry.time().toString()).put("action", entry.action())
        .put("clientAddress", entry.clientAddress()).put("adminFingerprint", entry.adminFingerprint())
        .put("changes", changes);
  }

  private static final class BadParam extends RuntimeException {
    private final String name;

    BadParam(String name, String message) {
      super(message);
      this.name = name;
    }
  }

  private static int intParam(RoutingContext rc, String name, int fallback, int min, int max) {
    String value = rc.request().getParam(name);
    if (value == null || value.isBlank()) {
      return fallback;
    }
    String expected = name + ": '" + (value.length() > 20 ? value.substring(0, 20) + "..." : value)
        + "' (expected: a whole number from " + min + " to " + max + ")";
    try {
      int parsed = Integer.parseInt(value.strip());
      if (parsed < min || parsed > max) {
        throw new BadParam(name, expected);
      }
      return parsed;
    } catch (NumberFormatException e) {
      throw new BadParam(name, expected);
    }
  }
}
