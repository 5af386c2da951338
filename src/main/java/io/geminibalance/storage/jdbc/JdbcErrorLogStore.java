package io.geminibalance.storage.jdbc;

import io.geminibalance.requestlog.ErrorLogEntry;
import io.geminibalance.requestlog.KeyIdentity;
import io.geminibalance.storage.ErrorLogQuery;
import io.geminibalance.storage.ErrorLogRow;
import io.geminibalance.storage.ErrorLogStore;
import io.geminibalance.storage.Page;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/** {@link ErrorLogStore} on {@code t_error_logs}; {@code gemini_key} gets the masked key. */
public final class JdbcErrorLogStore implements ErrorLogStore {
  private static final List<String> INSERT_COLUMNS = List.of("gemini_key", "model_name", "error_type", "error_log",
      "error_code", "request_msg", "request_time", "gb_key_fingerprint", "gb_key_last4", "gb_request_id");
  private static final String COLUMNS = "id, gemini_key, model_name, error_type, error_log, error_code, request_msg,"
      + " request_time, gb_key_fingerprint, gb_key_last4, gb_request_id";

  private final Jdbc jdbc;
  private final JdbcValues values;
  private final MultiRowInsert<ErrorLogEntry> inserter;

  JdbcErrorLogStore(Jdbc jdbc, JdbcValues values) {
    this.jdbc = jdbc;
    this.values = values;
    this.inserter = new MultiRowInsert<>(jdbc.dialect(), "t_error_logs", INSERT_COLUMNS, this::bind);
  }

  /** Failed upstream calls log a row here as well as in the request log: as many rows in an outage. */
  @Override
  public CompletableFuture<Void> insert(List<ErrorLogEntry> entries) {
    List<ErrorLogEntry> copy = List.copyOf(entries);
    boolean withBodies = copy.stream().anyMatch(entry -> entry.requestBody() != null);
    return jdbc.transaction("write error log", connection -> {
      if (withBodies) {
        // Recorded request bodies can be megabytes each: a chunk bound at once would hold 50 of them
        // in the engine's memory, where one row at a time holds one.
        inserter.insertOneByOne(connection, copy);
      } else {
        inserter.insert(connection, copy);
      }
      return null;
    });
  }

  /** Binds the {@link #INSERT_COLUMNS} of one row, the first at parameter {@code first}. */
  private void bind(PreparedStatement insert, int first, ErrorLogEntry entry) throws SQLException {
    KeyIdentity key = entry.key();
    insert.setString(first, key == null ? null : key.masked());
    insert.setString(first + 1, JdbcValues.truncate(entry.model(), 100));
    insert.setString(first + 2, JdbcValues.truncate(entry.errorType(), 50));
    insert.setString(first + 3, entry.message());
    JdbcValues.setInt(insert, first + 4, entry.statusCode());
    insert.setString(first + 5, entry.requestBody());
    jdbc.dialect().setTime(insert, first + 6, values.local(entry.time()));
    insert.setString(first + 7, key == null ? null : key.fingerprint());
    insert.setString(first + 8, key == null ? null : key.last4());
    insert.setString(first + 9, JdbcValues.truncate(entry.requestId(), 64));
  }

  @Override
  public CompletableFuture<Page<ErrorLogRow>> search(ErrorLogQuery query) {
    ErrorLogFilter filter = new ErrorLogFilter(query, values, jdbc.dialect());
    String direction = query.newestFirst() ? " DESC" : " ASC";
    String order = query.byTime() ? " ORDER BY request_time" + direction + ", id" + direction : " ORDER BY id" + direction;
    return jdbc.call("search error log", connection -> {
      long total;
      try (PreparedStatement count = connection.prepareStatement("SELECT COUNT(*) FROM t_error_logs" + filter.where())) {
        filter.bind(count);
        try (ResultSet rows = count.executeQuery()) {
          rows.next();
          total = rows.getLong(1);
        }
      }
      try (PreparedStatement select = connection.prepareStatement(
          "SELECT " + COLUMNS + " FROM t_error_logs" + filter.where() + order + " LIMIT ? OFFSET ?")) {
        int next = filter.bind(select);
        select.setInt(next, query.limit());
        select.setInt(next + 1, query.offset());
        return new Page<>(readRows(select), total);
      }
    });
  }

  @Override
  public CompletableFuture<Optional<ErrorLogRow>> get(long id) {
    return jdbc.call("read error log " + id, connection -> {
      try (PreparedStatement select = connection.prepareStatement(
          "SELECT " + COLUMNS + " FROM t_error_logs WHERE id = ?")) {
        select.setLong(1, id);
        return readRows(select).stream().findFirst();
      }
    });
  }

  @Override
  public CompletableFuture<List<ErrorLogRow>> findByRequestId(String requestId) {
    return jdbc.call("find error log of request", connection -> {
      try (PreparedStatement select = connection.prepareStatement(
          "SELECT " + COLUMNS + " FROM t_error_logs WHERE gb_request_id = ? ORDER BY id")) {
        select.setString(1, requestId);
        return readRows(select);
      }
    });
  }

  private List<ErrorLogRow> readRows(PreparedStatement select) throws SQLException {
    List<ErrorLogRow> result = new ArrayList<>();
    try (ResultSet rows = select.executeQuery()) {
      while (rows.next()) {
        KeyIdentity key = JdbcValues.keyOf(rows.getString("gb_key_fingerprint"), rows.getString("gb_key_last4"),
            rows.getString("gemini_key"));
        result.add(new ErrorLogRow(rows.getLong("id"), values.instant(jdbc.dialect().getTime(rows, "request_time")),
            key.fingerprint(), key.masked(), rows.getString("model_name"), rows.getString("error_type"),
            JdbcValues.getInt(rows, "error_code"), rows.getString("error_log"), rows.getString("request_msg"),
            rows.getString("gb_request_id")));
      }
    }
    return result;
  }

  /** A chosen list of ids is deleted this many per statement ({@code id IN (...)}), in one transaction. */
  public static final int IDS_PER_DELETE = 500;
  /** Deleting everything goes this many rows per auto-committed statement, as retention does. */
  public static final int DELETE_ALL_BATCH = 1000;

  @Override
  public CompletableFuture<Integer> delete(Collection<Long> ids) {
    List<Long> copy = List.copyOf(ids);
    return jdbc.transaction("delete error logs", connection -> {
      int deleted = 0;
      for (int start = 0; start < copy.size(); start += IDS_PER_DELETE) {
        List<Long> chunk = copy.subList(start, Math.min(copy.size(), start + IDS_PER_DELETE));
        String marks = String.join(", ", java.util.Collections.nCopies(chunk.size(), "?"));
        try (PreparedStatement delete = connection.prepareStatement(
            "DELETE FROM t_error_logs WHERE id IN (" + marks + ")")) {
          for (int i = 0; i < chunk.size(); i++) {
            delete.setLong(i + 1, chunk.get(i));
          }
          deleted += delete.executeUpdate();
        }
      }
      return deleted;
    });
  }

  @Override
  public CompletableFuture<Integer> deleteAll() {
    return jdbc.call("delete all error logs", connection ->
        BoundedDelete.all(connection, jdbc.dialect(), "t_error_logs", DELETE_ALL_BATCH));
  }

  @Override
  public CompletableFuture<Integer> deleteOlderThan(Instant cutoff, int batchSize) {
    return jdbc.call("delete old error log", connection ->
        BoundedDelete.olderThan(connection, jdbc.dialect(), "t_error_logs", values.local(cutoff), batchSize));
  }
}
