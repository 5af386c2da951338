package io.geminibalance.storage.support;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads every row of every table of a test database, found through JDBC metadata (so a table or
 * column added later is covered without editing the test).
 */
public final class DatabaseScan {
  private DatabaseScan() {}

  /**
   * Where any of {@code secrets} occurs in full: {@code table.column: ...last4} per hit (the
   * secret itself is not repeated in the assertion message).
   */
  public static List<String> find(TestDatabase database, Collection<String> secrets) throws SQLException {
    List<String> hits = new ArrayList<>();
    for (Map.Entry<String, List<List<String>>> table : rows(database).entrySet()) {
      List<String> columns = table.getValue().get(0);
      for (List<String> row : table.getValue().subList(1, table.getValue().size())) {
        for (int i = 0; i < row.size(); i++) {
          String value = row.get(i);
          for (String secret : secrets) {
            if (value != null && value.contains(secret)) {
              hits.add(table.getKey() + "." + columns.get(i) + ": ..." + secret.substring(secret.length() - 4));
            }
          }
        }
      }
    }
    return hits;
  }

  /** Every table's column names (first entry) and rows as text, in a stable order: to compare before and after. */
  public static Map<String, List<List<String>>> rows(TestDatabase database) throws SQLException {
    try (Connection connection = database.connect()) {
      return rows(connection);
    }
  }

  /** As {@link #rows(TestDatabase)}, for a database a test reaches on its own (a gateway's SQLite file). */
  public static Map<String, List<List<String>>> rows(Connection connection) throws SQLException {
    Map<String, List<List<String>>> result = new TreeMap<>();
    for (String table : tables(connection)) {
      List<List<String>> rows = new ArrayList<>();
      try (Statement statement = connection.createStatement();
          ResultSet set = statement.executeQuery("SELECT * FROM " + table + " ORDER BY 1")) {
        ResultSetMetaData meta = set.getMetaData();
        List<String> columns = new ArrayList<>();
        for (int i = 1; i <= meta.getColumnCount(); i++) {
          columns.add(meta.getColumnName(i));
        }
        rows.add(columns);
        while (set.next()) {
          List<String> row = new ArrayList<>();
          for (int i = 1; i <= meta.getColumnCount(); i++) {
            row.add(text(set, i));
          }
          rows.add(row);
        }
      }
      result.put(table, rows);
    }
    return result;
  }

  /** Per {@code table.column}: the text of every row's value, one per line (null as an empty line). */
  public static Map<String, String> columns(Connection connection) throws SQLException {
    Map<String, String> result = new TreeMap<>();
    rows(connection).forEach((table, rows) -> {
      List<String> columns = rows.get(0);
      for (int i = 0; i < columns.size(); i++) {
        StringBuilder text = new StringBuilder();
        for (List<String> row : rows.subList(1, rows.size())) {
          text.append(row.get(i) == null ? "" : row.get(i)).append('\n');
        }
        result.put(table + "." + columns.get(i), text.toString());
      }
    });
    return result;
  }

  private static String text(ResultSet set, int column) throws SQLException {
    Object value = set.getObject(column);
    if (value instanceof byte[] bytes) {
      return new String(bytes, StandardCharsets.UTF_8);
    }
    return value == null ? null : value.toString();
  }

  private static List<String> tables(Connection connection) throws SQLException {
    DatabaseMetaData meta = connection.getMetaData();
    List<String> tables = new ArrayList<>();
    try (ResultSet rows = meta.getTables(connection.getCatalog(), connection.getSchema(), "%", new String[] {"TABLE"})) {
      while (rows.next()) {
        tables.add(rows.getString("TABLE_NAME"));
      }
    }
    if (tables.isEmpty()) {
      throw new IllegalStateException("no tables found: the scan would pass vacuously");
    }
    return tables;
  }
}
