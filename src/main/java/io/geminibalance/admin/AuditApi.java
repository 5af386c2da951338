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
      limit = QueryParams.integer(rc, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT);
      offset = QueryParams.integer(rc, "offset", 0, 0, MAX_OFFSET);
    } catch (QueryParams.BadParam e) {
      e.answer(rc);
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
}
