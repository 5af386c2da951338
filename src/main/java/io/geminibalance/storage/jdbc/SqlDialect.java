package io.geminibalance.storage.jdbc;

import io.geminibalance.storage.DatabaseType;
import io.geminibalance.storage.TimeBucket;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDateTime;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Every SQL difference between the engines lives here (plus the per-engine migration folders).
 * The original tables keep naive DATETIME columns; SQLite has no such type, so there they are
 * text in the "yyyy-MM-dd HH:mm:ss.ffffff" form SQLAlchemy wrote, which sorts and compares correctly.
 */
public abstract sealed class SqlDialect {

  public static SqlDialect of(DatabaseType type) {
    return switch (type) {
      case SQLITE -> new Sqlite();
      case MYSQL -> new MySql();
      case POSTGRES -> new Postgres();
    };
  }

  /** Quotes an identifier that is a reserved word in some engine (t_settings.key). */
  public abstract String quote(String identifier);

  /** An expression turning a DATETIME column into the text label of its bucket. */
  public abstract String bucketLabel(String column, TimeBucket bucket);

  /** Deletes at most {@code limit} rows older than the bound parameter; one statement, repeated by the caller. */
  public abstract String boundedDelete(String table, String timeColumn, int limit);

  /** The column type for a boolean added to an existing table. */
  public abstract String booleanType();

  /** INSERT or UPDATE by primary key. */
  public abstract String upsert(String table, List<String> keyColumns, List<String> valueColumns);

  public void setTime(PreparedStatement statement, int index, LocalDateTime time) throws SQLException {
    statement.setObject(index, time);
  }

  public LocalDateTime getTime(ResultSet rows, String column) throws SQLException {
    return rows.getObject(column, LocalDateTime.class);
  }

  static String insertPart(String table, List<String> keyColumns, List<String> valueColumns) {
    List<String> all = new java.util.ArrayList<>(keyColumns);
    all.addAll(valueColumns);
    String marks = all.stream().map(c -> "?").collect(Collectors.joining(", "));
    return "INSERT INTO " + table + " (" + String.join(", ", all) + ") VALUES (" + marks + ")";
  }

  /** ON CONFLICT ... DO UPDATE, shared by SQLite and PostgreSQL. */
  static String onConflictUpsert(String table, List<String> keyColumns, List<String> valueColumns) {
    String updates = valueColumns.stream().map(c -> c + " = excluded." + c).collect(Collectors.joining(", "));
    return insertPart(table, keyColumns, valueColumns)
        + " ON CONFLICT (" + String.join(", ", keyColumns) + ") DO UPDATE SET " + updates;
  }

  static final class Sqlite extends SqlDialect {
    @Override
    public String quote(String identifier) {
      return "\"" + identifier + "\"";
    }

    @Override
    public String bucketLabel(String column, TimeBucket bucket) {
      int length = switch (bucket) {
        case MINUTE -> 16;
        case HOUR -> 13;
        case DAY -> 10;
      };
      return "substr(" + column + ", 1, " + length + ")";
    }

    @Override
    public String boundedDelete(String table, String timeColumn, int limit) {
      return "DELETE FROM " + table + " WHERE id IN (SELECT id FROM " + table
          + " WHERE " + timeColumn + " < ? ORDER BY id LIMIT " + limit + ")";
    }

    @Override
    public String booleanType() {
      return "BOOLEAN";
    }

    @Override
    public String upsert(String table, List<String> keyColumns, List<String> valueColumns) {
      return onConflictUpsert(table, keyColumns, valueColumns);
    }

    @Override
    public void setTime(PreparedStatement statement, int index, LocalDateTime time) throws SQLException {
      statement.setString(index, time == null ? null : SqliteTimes.format(time));
    }

    @Override
    public LocalDateTime getTime(ResultSet rows, String column) throws SQLException {
      return SqliteTimes.parse(rows.getString(column));
    }
  }

  static final class MySql extends SqlDialect {
    @Override
    public String quote(String identifier) {
      return "`" + identifier + "`";
    }

    @Override
    public String bucketLabel(String column, TimeBucket bucket) {
      String format = switch (bucket) {
        case MINUTE -> "%Y-%m-%d %H:%i";
        case HOUR -> "%Y-%m-%d %H";
        case DAY -> "%Y-%m-%d";
      };
      return "DATE_FORMAT(" + column + ", '" + format + "')";
    }

    @Override
    public String boundedDelete(String table, String timeColumn, int limit) {
      return "DELETE FROM " + table + " WHERE " + timeColumn + " < ? ORDER BY id LIMIT " + limit;
    }

    @Override
    public String booleanType() {
      return "TINYINT(1)";
    }

    @Override
    public String upsert(String table, List<String> keyColumns, List<String> valueColumns) {
      String updates = valueColumns.stream().map(c -> c + " = VALUES(" + c + ")").collect(Collectors.joining(", "));
      return insertPart(table, keyColumns, valueColumns) + " ON DUPLICATE KEY UPDATE " + updates;
    }
  }

  static final class Postgres extends SqlDialect {
    @Override
    public String quote(String identifier) {
      return "\"" + identifier + "\"";
    }

    @Override
    public String bucketLabel(String column, TimeBucket bucket) {
      String format = switch (bucket) {
        case MINUTE -> "YYYY-MM-DD HH24:MI";
        case HOUR -> "YYYY-MM-DD HH24";
        case DAY -> "YYYY-MM-DD";
      };
      return "to_char(" + column + ", '" + format + "')";
    }

    @Override
    public String boundedDelete(String table, String timeColumn, int limit) {
      return "DELETE FROM " + table + " WHERE id IN (SELECT id FROM " + table
          + " WHERE " + timeColumn + " < ? ORDER BY id LIMIT " + limit + ")";
    }

    @Override
    public String booleanType() {
      return "BOOLEAN";
    }

    @Override
    public String upsert(String table, List<String> keyColumns, List<String> valueColumns) {
      return onConflictUpsert(table, keyColumns, valueColumns);
    }
  }
}
