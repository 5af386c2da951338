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
    if (query.key() != null) {
      conditions.add(KeyCondition.sql(query.key(), "gemini_key"));
      KeyCondition.values(query.key()).forEach(value -> binders.add((s, i) -> s.setObject(i, value)));
    }
    if (query.keyText() != null && !query.keyText().isBlank()) {
      String pattern = contains(query.keyText());
      add("(LOWER(gb_key_last4) LIKE ?" + ESCAPE + " OR LOWER(gemini_key) LIKE ?" + ESCAPE + ")",
          (s, i) -> s.setString(i, pattern));
      binders.add((s, i) -> s.setString(i, pattern));
    }
    if (query.text() != null && !query.text().isBlank()) {
      String pattern = contains(query.text());
      add("(LOWER(error_type) LIKE ?" + ESCAPE + " OR LOWER(error_log) LIKE ?" + ESCAPE + ")",
          (s, i) -> s.setString(i, pattern));
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

  /**
   * Spelled out because the engines disagree on the default: MariaDB and PostgreSQL escape with a
   * backslash, SQLite has no escape character unless one is named.
   */
  private static final String ESCAPE = " ESCAPE '!'";

  /** A LIKE pattern for a literal, lower-cased substring (both sides are lowered: engines differ in case rules). */
  static String contains(String literal) {
    String escaped = literal.toLowerCase(java.util.Locale.ROOT)
        .replace("!", "!!").replace("%", "!%").replace("_", "!_");
    return "%" + escaped + "%";
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
