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
}
