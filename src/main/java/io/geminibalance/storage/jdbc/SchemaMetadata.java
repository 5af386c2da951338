package io.geminibalance.storage.jdbc;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;

/**
 * What a database already has, from JDBC metadata, for the Java migrations that must be idempotent
 * on every engine (neither MySQL nor SQLite offers ADD COLUMN IF NOT EXISTS). Names are compared
 * ignoring case: engines report them in upper or lower case.
 */
final class SchemaMetadata {
  private SchemaMetadata() {}

  static boolean columnExists(Connection connection, String table, String column) throws SQLException {
    DatabaseMetaData meta = connection.getMetaData();
    try (ResultSet rows = meta.getColumns(connection.getCatalog(), connection.getSchema(), table, null)) {
      while (rows.next()) {
        if (column.equalsIgnoreCase(rows.getString("COLUMN_NAME"))) {
          return true;
        }
      }
      return false;
    }
  }

  /** @param index in lower case, as our migrations name indexes */
  static boolean indexExists(Connection connection, String table, String index) throws SQLException {
    DatabaseMetaData meta = connection.getMetaData();
    try (ResultSet rows = meta.getIndexInfo(connection.getCatalog(), connection.getSchema(), table, false, true)) {
      while (rows.next()) {
        String name = rows.getString("INDEX_NAME");
        if (name != null && index.equals(name.toLowerCase(Locale.ROOT))) {
          return true;
        }
      }
      return false;
    }
  }

  /** Adds a nullable column unless the table already has one of that name. */
  static void addColumnIfMissing(Connection connection, String table, String column, String type)
      throws SQLException {
    if (!columnExists(connection, table, column)) {
      try (Statement statement = connection.createStatement()) {
        statement.execute("ALTER TABLE " + table + " ADD COLUMN " + column + " " + type);
      }
    }
  }

  /** @param index in lower case, as our migrations name indexes */
  static void createIndexIfMissing(Connection connection, String table, String index, String columns)
      throws SQLException {
    if (!indexExists(connection, table, index)) {
      try (Statement statement = connection.createStatement()) {
        statement.execute("CREATE INDEX " + index + " ON " + table + " (" + columns + ")");
      }
    }
  }

  /** As {@link #createIndexIfMissing}, an index that refuses a second row with the same values. */
  static void createUniqueIndexIfMissing(Connection connection, String table, String index, String columns)
      throws SQLException {
    if (!indexExists(connection, table, index)) {
      try (Statement statement = connection.createStatement()) {
        statement.execute("CREATE UNIQUE INDEX " + index + " ON " + table + " (" + columns + ")");
      }
    }
  }
}
