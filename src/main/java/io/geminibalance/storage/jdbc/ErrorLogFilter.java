package io.geminibalance.storage.jdbc;

import io.geminibalance.storage.ErrorLogQuery;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** The WHERE clause of an error-log search and its parameters, in matching order. */
final class ErrorLogFilter {
  private interface Binder {
    void bind(PreparedStatement statement, int index) throws SQLException;
  }

  private final List<String> conditions = new ArrayList<>();
  private final List<Binder> binders = new ArrayList<>();

  ErrorLogFilter(ErrorLogQuery query, JdbcValues values, SqlDialect dialect) {
    if (query.keyFingerprint() != null) {
      add("gb_key_fingerprint = ?", (s, i) -> s.setString(i, query.keyFingerprint()));
    }
    if (query.text() != null && !query.text().isBlank()) {
      String pattern = "%" + query.text() + "%";
      add("(error_type LIKE ? OR error_log LIKE ?)", (s, i) -> s.setString(i, pattern));
      binders.add((s, i) -> s.setString(i, pattern));
    }
    if (query.statusCode() != null) {
      add("error_code = ?", (s, i) -> s.setInt(i, query.statusCode()));
    }
    if (query.from() != null) {
      add("request_time >= ?", (s, i) -> dialect.setTime(s, i, values.local(query.from())));
    }
    if (query.to() != null) {
      add("request_time < ?", (s, i) -> dialect.setTime(s, i, values.local(query.to())));
    }
  }

  private void add(String condition, Binder binder) {
    conditions.add(condition);
    binders.add(binder);
  }

  String where() {
    return conditions.isEmpty() ? "" : " WHERE " + String.join(" AND ", conditions);
  }

  /** Binds the parameters from index 1; returns the next free index. */
  int bind(PreparedStatement statement) throws SQLException {
    int index = 1;
    for (Binder binder : binders) {
      binder.bind(statement, index++);
    }
    return index;
  }
}
