package io.geminibalance.storage.jdbc;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.geminibalance.storage.AuditEntry;
import io.geminibalance.storage.AuditLogStore;
import io.geminibalance.storage.AuditRow;
import io.geminibalance.storage.Page;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * {@link AuditLogStore} on {@code gb_audit_log}. The changes of one entry are one JSON list
 * ({@code [{"setting","old","new"}]}) in one row, so an entry is written, and read, whole.
 */
public final class JdbcAuditLogStore implements AuditLogStore {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final Jdbc jdbc;

  JdbcAuditLogStore(Jdbc jdbc) {
    this.jdbc = jdbc;
  }

  @Override
  public CompletableFuture<Void> append(AuditEntry entry) {
    String changes = encode(entry.changes());
    return jdbc.call("write audit log", connection -> {
      try (PreparedStatement insert = connection.prepareStatement("INSERT INTO gb_audit_log"
          + " (created_at, action, client_address, admin_fingerprint, changes) VALUES (?, ?, ?, ?, ?)")) {
        insert.setLong(1, entry.time().toEpochMilli());
        insert.setString(2, JdbcValues.truncate(entry.action(), 40));
        insert.setString(3, JdbcValues.truncate(entry.clientAddress(), 64));
        insert.setString(4, JdbcValues.truncate(entry.adminFingerprint(), 32));
        insert.setString(5, changes);
        insert.executeUpdate();
      }
      return null;
    });
  }

  @Override
  public CompletableFuture<Page<AuditRow>> page(int offset, int limit) {
    return jdbc.call("read audit log", connection -> {
      long total;
      try (PreparedStatement count = connection.prepareStatement("SELECT COUNT(*) FROM gb_audit_log");
          ResultSet rows = count.executeQuery()) {
        rows.next();
        total = rows.getLong(1);
      }
      List<AuditRow> result = new ArrayList<>();
      try (PreparedStatement select = connection.prepareStatement("SELECT id, created_at, action, client_address,"
          + " admin_fingerprint, changes FROM gb_audit_log ORDER BY id DESC LIMIT ? OFFSET ?")) {
        select.setInt(1, limit);
        select.setInt(2, offset);
        try (ResultSet rows = select.executeQuery()) {
          while (rows.next()) {
            result.add(new AuditRow(rows.getLong("id"), new AuditEntry(
                Instant.ofEpochMilli(rows.getLong("created_at")), rows.getString("action"),
                rows.getString("client_address"), rows.getString("admin_fingerprint"),
                decode(rows.getString("changes")))));
          }
        }
      }
      return new Page<>(result, total);
    });
  }

  private static String encode(List<AuditEntry.Change> changes) {
    ArrayNode list = JSON.createArrayNode();
    for (AuditEntry.Change change : changes) {
      list.addObject().put("setting", change.setting()).put("old", change.oldValue()).put("new", change.newValue());
    }
    return list.toString();
  }

  private static List<AuditEntry.Change> decode(String text) throws SQLException {
    try {
      List<AuditEntry.Change> changes = new ArrayList<>();
      for (JsonNode change : JSON.readTree(text)) {
        changes.add(new AuditEntry.Change(change.path("setting").asText(null), change.path("old").asText(null),
            change.path("new").asText(null)));
      }
      return changes;
    } catch (JsonProcessingException e) {
      throw new SQLException("gb_audit_log.changes is not the JSON list this gateway writes", e);
    }
  }
}
