package io.geminibalance.storage;

import java.sql.SQLException;
import org.sqlite.SQLiteException;

/** Tells rows the database will never accept apart from a database that is away for a while. */
public final class SqlErrors {
  private SqlErrors() {}

  /**
   * True for data errors (SQL state class 22, e.g. value too long) and constraint violations
   * (class 23): retrying the same rows cannot help. SQLite reports these through its own result
   * codes instead of a SQL state. Everything else (no connection, pool timeout, missing table
   * during an upgrade) is worth retrying.
   */
  public static boolean isPermanent(Throwable error) {
    for (Throwable cause = error; cause != null; cause = cause.getCause()) {
      if (cause instanceof SQLiteException sqlite) {
        String code = sqlite.getResultCode().name();
        return code.startsWith("SQLITE_CONSTRAINT") || code.equals("SQLITE_TOOBIG") || code.equals("SQLITE_MISMATCH");
      }
      if (cause instanceof SQLException sql && sql.getSQLState() != null) {
        String state = sql.getSQLState();
        return state.startsWith("22") || state.startsWith("23");
      }
    }
    return false;
  }

  /**
   * True for a unique (or primary key) violation: SQL state 23505 on PostgreSQL, MySQL's and
   * MariaDB's error 1062 (their SQL state 23000 covers every integrity error), SQLite's own codes.
   * Which index refused is for the caller to find out: the engines name it in their own words.
   */
  public static boolean isUniqueViolation(Throwable error) {
    for (Throwable cause = error; cause != null; cause = cause.getCause()) {
      if (cause instanceof SQLiteException sqlite) {
        String code = sqlite.getResultCode().name();
        return code.equals("SQLITE_CONSTRAINT_UNIQUE") || code.equals("SQLITE_CONSTRAINT_PRIMARYKEY");
      }
      if (cause instanceof SQLException sql && sql.getSQLState() != null) {
        return sql.getSQLState().equals("23505") || (sql.getSQLState().equals("23000") && sql.getErrorCode() == 1062);
      }
    }
    return false;
  }
}
