package io.geminibalance.storage.jdbc;

import io.geminibalance.storage.DatabaseType;
import io.geminibalance.storage.TimeBucket;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Map;
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

  /**
   * Deletes at most {@code limit} rows matching {@code condition} (one bound parameter, e.g.
   * {@code request_time < ?}), lowest ids first; one statement, repeated by the caller.
   */
  public abstract String boundedDelete(String table, String condition, int limit);

  /**
   * As {@link #boundedDelete} for a table without an id column (the usage roll-ups): the engine's
   * own row address, in no particular order.
   */
  public abstract String boundedDeleteWithoutId(String table, String condition, int limit);

  /**
   * What follows the column list of a CREATE TABLE for the usage roll-ups, so that rows sharing a
   * primary-key prefix lie together (a chart reads a range of it): InnoDB already clusters by the
   * primary key; SQLite does so WITHOUT ROWID.
   */
  public String clusteredTableOptions() {
    return "";
  }

  /**
   * Extra indexes of a usage roll-up table: none (MariaDB has no partial indexes), or on SQLite
   * and PostgreSQL partial ones for the breakdowns by key, and where the table is not clustered by
   * its primary key (PostgreSQL) a covering index of the rows summed over every key too, so a chart
   * reads only that index instead of fetching its rows from all over the table.
   */
  public List<String> usageRollupIndexes(String table, List<String> sumColumns, List<String> labelColumns) {
    return List.of();
  }

  /** A partial index of the rows of each key summed over every client (see {@link UsageRollups}). */
  static String allClientsIndex(String table, String columns, String include) {
    String all = "'" + UsageRollups.ALL + "'";
    return "CREATE INDEX IF NOT EXISTS ix_" + table + "_all_clients ON " + table + " (" + columns + ")" + include
        + " WHERE client_fp = " + all + " AND key_fp <> " + all;
  }

  /**
   * A partial index of the rows of one client and one key, for breakdowns by key of one client
   * (the queries say {@code client_fp <> '*'} too, so that the planner sees they match it). It
   * holds their sums, so that such a breakdown reads the index alone; disjoint from
   * {@link #allClientsIndex}.
   */
  static String clientIndex(String table, String columns, String include) {
    String all = "'" + UsageRollups.ALL + "'";
    return "CREATE INDEX IF NOT EXISTS ix_" + table + "_client_rows ON " + table + " (" + columns + ")" + include
        + " WHERE client_fp <> " + all + " AND key_fp <> " + all;
  }

  /** The most parameters one statement may bind. */
  public abstract int maxBindParameters();

  /**
   * Rows per INSERT statement when writing a batch of log rows (see {@link MultiRowInsert}).
   * One, i.e. a plain JDBC batch, unless the engine gains from a multi-row VALUES list: the
   * MariaDB and PostgreSQL drivers already send a batch in one round trip, and there a multi-row
   * VALUES list cost the gateway more CPU per row (RequestLogInsertCostMeasurement, bench/NOTES.md).
   */
  public int rowsPerInsert() {
    return 1;
  }

  /**
   * How a plain INSERT starts. Every caller runs it inside a transaction that it rolls back whole
   * when the INSERT fails.
   */
  public String insertInto() {
    return "INSERT INTO";
  }

  /** The column type for a boolean added to an existing table. */
  public abstract String booleanType();

  /** The column type for a JSON text of up to a few megabytes (TEXT stops at 64 KB on MySQL). */
  public String largeTextType() {
    return "TEXT";
  }

  /**
   * The column type for an ASCII identifier compared byte for byte (resource names, client ids):
   * MySQL's default collations ignore case.
   */
  public String caseSensitiveAscii(int length) {
    return "VARCHAR(" + length + ")";
  }

  /**
   * The column type for a text of any characters compared byte for byte (a usage roll-up's model
   * name, part of its primary key): MySQL's default collations would fold case and accents and so
   * merge "Gemini-2.5-Pro" into "gemini-2.5-pro". SQLite compares bytes (BINARY) and PostgreSQL's
   * collations are deterministic (equal only when the bytes are), so a plain VARCHAR does there.
   */
  public String caseSensitiveText(int length) {
    return "VARCHAR(" + length + ")";
  }

  /**
   * Statements giving {@code table}'s NOT NULL text columns the types in {@code wanted} (column ->
   * type) where their collation does not compare bytes yet: none on the engines whose plain
   * VARCHAR does already (see {@link #caseSensitiveText}), and none when run again.
   */
  public List<String> compareBytes(Connection connection, String table, Map<String, String> wanted)
      throws SQLException {
    return List.of();
  }

  /** INSERT or UPDATE by primary key. */
  public abstract String upsert(String table, List<String> keyColumns, List<String> valueColumns);

  /**
   * INSERT of {@code rows} rows, each of which on a primary-key clash ADDs {@code addColumns} to the
   * stored row's (the usage roll-ups): a single statement, so writers on several instances may add
   * to the same row at once and every addition counts. {@code setColumns} are overwritten with the
   * new value. No two of the rows may share a primary key (PostgreSQL refuses a statement that
   * updates a row twice).
   */
  public abstract String upsertAdd(String table, List<String> keyColumns, List<String> addColumns,
      List<String> setColumns, int rows);

  /**
   * Rows per upsert-add statement (see {@link MultiRowInsert#upsertAdd}). One, i.e. a plain JDBC
   * batch, unless the engine's driver sends such a batch as one statement per row.
   */
  public int rowsPerUpsertAdd() {
    return 1;
  }

  /**
   * Statements that widen a VARCHAR column to {@code length} characters, keeping NOT NULL; running
   * them again changes nothing. None on SQLite, which does not enforce lengths.
   */
  public abstract List<String> widenVarchar(String table, String column, int length, boolean notNull);

  /** Appended to a SELECT inside a transaction to lock the rows read until it ends. */
  public abstract String lockingRead();

  /**
   * After secrets were encrypted or removed: makes the engine's own files drop the old copies
   * where this can be done from a connection. True when that is done; false when the engine
   * leaves it to the operator (see the README: server databases keep old row versions, WAL and
   * binary logs, and backups of their own).
   */
  public abstract boolean scrubFreedSpace(Connection connection) throws SQLException;

  public void setTime(PreparedStatement statement, int index, LocalDateTime time) throws SQLException {
    statement.setObject(index, time);
  }

  public LocalDateTime getTime(ResultSet rows, String column) throws SQLException {
    return rows.getObject(column, LocalDateTime.class);
  }

  static String insertPart(String table, List<String> keyColumns, List<String> valueColumns) {
    return insertPart(table, keyColumns, valueColumns, 1);
  }

  static String insertPart(String table, List<String> keyColumns, List<String> valueColumns, int rows) {
    List<String> all = new java.util.ArrayList<>(keyColumns);
    all.addAll(valueColumns);
    return "INSERT INTO " + table + " (" + String.join(", ", all) + ") VALUES " + valuesList(all.size(), rows);
  }

  /** {@code (?, ?), (?, ?)}: {@code rows} tuples of {@code columns} parameters. */
  static String valuesList(int columns, int rows) {
    String tuple = "(" + String.join(", ", java.util.Collections.nCopies(columns, "?")) + ")";
    return String.join(", ", java.util.Collections.nCopies(rows, tuple));
  }

  /** ON CONFLICT ... DO UPDATE, shared by SQLite and PostgreSQL. */
  static String onConflictUpsert(String table, List<String> keyColumns, List<String> valueColumns) {
    String updates = valueColumns.stream().map(c -> c + " = excluded." + c).collect(Collectors.joining(", "));
    return insertPart(table, keyColumns, valueColumns)
        + " ON CONFLICT (" + String.join(", ", keyColumns) + ") DO UPDATE SET " + updates;
  }

  /** ON CONFLICT ... DO UPDATE adding to the row, shared by SQLite and PostgreSQL. */
  static String onConflictUpsertAdd(String table, List<String> keyColumns, List<String> addColumns,
      List<String> setColumns, int rows) {
    List<String> values = new java.util.ArrayList<>(addColumns);
    values.addAll(setColumns);
    String updates = java.util.stream.Stream.concat(
        addColumns.stream().map(c -> c + " = " + table + "." + c + " + excluded." + c),
        setColumns.stream().map(c -> c + " = excluded." + c)).collect(Collectors.joining(", "));
    return insertPart(table, keyColumns, values, rows)
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

    /** The roll-ups are WITHOUT ROWID: their primary key (key_fp, bucket_start, ...) addresses a row. */
    @Override
    public String boundedDeleteWithoutId(String table, String condition, int limit) {
      String key = String.join(", ", UsageRollups.KEY_COLUMNS);
      return "DELETE FROM " + table + " WHERE (" + key + ") IN (SELECT " + key + " FROM " + table + " WHERE "
          + condition + " LIMIT " + limit + ")";
    }

    @Override
    public String clusteredTableOptions() {
      return " WITHOUT ROWID";
    }

    /**
     * The breakdowns by key find their rows by bucket, not by the primary key's leading key column,
     * in partial indexes holding their sums too (no INCLUDE here, so as trailing columns): the rows
     * of each key summed over clients, and the rows of one client and key. An upsert-add rewrites
     * a row's entry there too; in exchange a breakdown by key never looks a row up.
     */
    @Override
    public List<String> usageRollupIndexes(String table, List<String> sumColumns, List<String> labelColumns) {
      List<String> sums = new java.util.ArrayList<>(sumColumns);
      sums.addAll(labelColumns);
      String trailing = ", " + String.join(", ", sums);
      return List.of(allClientsIndex(table, "bucket_start, key_fp, model" + trailing, ""),
          clientIndex(table, "client_fp, bucket_start, key_fp, model" + trailing, ""));
    }

    @Override
    public String boundedDelete(String table, String condition, int limit) {
      return "DELETE FROM " + table + " WHERE id IN (SELECT id FROM " + table
          + " WHERE " + condition + " ORDER BY id LIMIT " + limit + ")";
    }

    /** SQLITE_MAX_VARIABLE_NUMBER since SQLite 3.32. */
    @Override
    public int maxBindParameters() {
      return 32_766;
    }

    /**
     * A JDBC batch steps the statement once per row, and each step has a fixed cost that a VALUES
     * list pays once per statement: 20 to 250 rows per statement all cost about a fifth less CPU
     * per request-log row than one (RequestLogInsertCostMeasurement). 50 keeps the statement, prepared
     * anew for every batch, cheap to prepare, and divides the LogWriter's 500-row batches.
     */
    @Override
    public int rowsPerInsert() {
      return 50;
    }

    /**
     * OR FAIL: a multi-row INSERT inside a transaction otherwise writes every page it changes to a
     * statement journal (a temporary file) so that it can undo just itself on a constraint error.
     * We never need that: a failed INSERT makes the caller roll back the whole transaction.
     */
    @Override
    public String insertInto() {
      return "INSERT OR FAIL INTO";
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
    public String upsertAdd(String table, List<String> keyColumns, List<String> addColumns,
        List<String> setColumns, int rows) {
      return onConflictUpsertAdd(table, keyColumns, addColumns, setColumns, rows);
    }

    @Override
    public List<String> widenVarchar(String table, String column, int length, boolean notNull) {
      return List.of();
    }

    /** SQLite locks the whole database for a writing transaction; there is no row lock to take. */
    @Override
    public String lockingRead() {
      return "";
    }

    /**
     * VACUUM rewrites the file from the live rows only, so no freed page or cell keeps an old
     * value (secure_delete zeroes what is deleted from now on, not what was freed before); the
     * TRUNCATE checkpoint then copies the WAL into the file and cuts the WAL to zero bytes.
     */
    @Override
    public boolean scrubFreedSpace(Connection connection) throws SQLException {
      try (Statement statement = connection.createStatement()) {
        statement.execute("VACUUM");
        for (int attempt = 0; attempt < 50; attempt++) {
          try (ResultSet row = statement.executeQuery("PRAGMA wal_checkpoint(TRUNCATE)")) {
            // (busy, WAL frames, frames checkpointed): busy means another connection was reading.
            if (row.next() && row.getInt(1) == 0) {
              return true;
            }
          }
          sleepBriefly();
        }
        return false;
      }
    }

    private static void sleepBriefly() {
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
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
    public String boundedDeleteWithoutId(String table, String condition, int limit) {
      return "DELETE FROM " + table + " WHERE " + condition + " LIMIT " + limit;
    }

    @Override
    public String boundedDelete(String table, String condition, int limit) {
      return "DELETE FROM " + table + " WHERE " + condition + " ORDER BY id LIMIT " + limit;
    }

    /** The prepared-statement protocol counts parameters in 16 bits. */
    @Override
    public int maxBindParameters() {
      return 65_535;
    }

    @Override
    public String booleanType() {
      return "TINYINT(1)";
    }

    @Override
    public String largeTextType() {
      return "MEDIUMTEXT";
    }

    @Override
    public String caseSensitiveAscii(int length) {
      return "VARCHAR(" + length + ") CHARACTER SET ascii COLLATE ascii_bin";
    }

    /** utf8mb4_bin: MySQL and MariaDB alike have it (utf8mb4_nopad_bin is MariaDB's only). */
    @Override
    public String caseSensitiveText(int length) {
      return "VARCHAR(" + length + ") CHARACTER SET utf8mb4 COLLATE utf8mb4_bin";
    }

    /**
     * One ALTER for the columns whose collation is not a binary one (the table is rebuilt once,
     * not once per column); a column already {@code _bin} is left as it is.
     */
    @Override
    public List<String> compareBytes(Connection connection, String table, Map<String, String> wanted)
        throws SQLException {
      List<String> changes = new java.util.ArrayList<>();
      try (PreparedStatement read = connection.prepareStatement("SELECT COLUMN_NAME, COLLATION_NAME"
          + " FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?"
          + " ORDER BY ORDINAL_POSITION")) {
        read.setString(1, table);
        try (ResultSet rows = read.executeQuery()) {
          while (rows.next()) {
            String column = rows.getString(1).toLowerCase(java.util.Locale.ROOT);
            String collation = rows.getString(2);
            if (wanted.containsKey(column) && (collation == null || !collation.endsWith("_bin"))) {
              changes.add("MODIFY COLUMN " + column + " " + wanted.get(column) + " NOT NULL");
            }
          }
        }
      }
      return changes.isEmpty() ? List.of() : List.of("ALTER TABLE " + table + " " + String.join(", ", changes));
    }

    @Override
    public String upsert(String table, List<String> keyColumns, List<String> valueColumns) {
      String updates = valueColumns.stream().map(c -> c + " = VALUES(" + c + ")").collect(Collectors.joining(", "));
      return insertPart(table, keyColumns, valueColumns) + " ON DUPLICATE KEY UPDATE " + updates;
    }

    /** VALUES(c) is the row that clashed; MariaDB keeps it (MySQL 8.0.20 deprecated it for an alias). */
    @Override
    public String upsertAdd(String table, List<String> keyColumns, List<String> addColumns,
        List<String> setColumns, int rows) {
      List<String> values = new java.util.ArrayList<>(addColumns);
      values.addAll(setColumns);
      String updates = java.util.stream.Stream.concat(
          addColumns.stream().map(c -> c + " = " + c + " + VALUES(" + c + ")"),
          setColumns.stream().map(c -> c + " = VALUES(" + c + ")")).collect(Collectors.joining(", "));
      return insertPart(table, keyColumns, values, rows) + " ON DUPLICATE KEY UPDATE " + updates;
    }

    /**
     * Connector/J sends a batch of INSERT ... ON DUPLICATE KEY UPDATE through its bulk protocol only
     * to servers that report a result per row (MariaDB 11.5 and later); otherwise as one statement
     * per row, each parsed and executed on its own. A VALUES list of many rows is one statement.
     */
    @Override
    public int rowsPerUpsertAdd() {
      return 100;
    }

    @Override
    public List<String> widenVarchar(String table, String column, int length, boolean notNull) {
      return List.of("ALTER TABLE " + table + " MODIFY COLUMN " + column + " VARCHAR(" + length + ")"
          + (notNull ? " NOT NULL" : " NULL"));
    }

    @Override
    public String lockingRead() {
      return " FOR UPDATE";
    }

    @Override
    public boolean scrubFreedSpace(Connection connection) {
      return false;
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
    public String boundedDeleteWithoutId(String table, String condition, int limit) {
      return "DELETE FROM " + table + " WHERE ctid IN (SELECT ctid FROM " + table + " WHERE " + condition
          + " LIMIT " + limit + ")";
    }

    /**
     * Partial, so it holds only the few rows summed over every key, led by the client column as the
     * primary key elsewhere; IF NOT EXISTS keeps it idempotent.
     */
    @Override
    public List<String> usageRollupIndexes(String table, List<String> sumColumns, List<String> labelColumns) {
      List<String> included = new java.util.ArrayList<>(sumColumns);
      included.addAll(labelColumns);
      String include = " INCLUDE (" + String.join(", ", included) + ")";
      return List.of("CREATE INDEX IF NOT EXISTS ix_" + table + "_all_keys ON " + table
          + " (client_fp, bucket_start, model)" + include + " WHERE key_fp = '" + UsageRollups.ALL + "'",
          allClientsIndex(table, "bucket_start, key_fp, model", include),
          clientIndex(table, "client_fp, bucket_start", " INCLUDE (key_fp, model, " + String.join(", ", included) + ")"));
    }

    @Override
    public String boundedDelete(String table, String condition, int limit) {
      return "DELETE FROM " + table + " WHERE id IN (SELECT id FROM " + table
          + " WHERE " + condition + " ORDER BY id LIMIT " + limit + ")";
    }

    /** The Bind message counts parameters in a signed 16-bit number; the driver refuses more. */
    @Override
    public int maxBindParameters() {
      return 32_767;
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
    public String upsertAdd(String table, List<String> keyColumns, List<String> addColumns,
        List<String> setColumns, int rows) {
      return onConflictUpsertAdd(table, keyColumns, addColumns, setColumns, rows);
    }

    /** ALTER COLUMN TYPE leaves NOT NULL as it was. */
    @Override
    public List<String> widenVarchar(String table, String column, int length, boolean notNull) {
      return List.of("ALTER TABLE " + table + " ALTER COLUMN " + column + " TYPE VARCHAR(" + length + ")");
    }

    @Override
    public String lockingRead() {
      return " FOR UPDATE";
    }

    @Override
    public boolean scrubFreedSpace(Connection connection) {
      return false;
    }
  }
}
