package io.geminibalance.storage.jdbc;

import io.geminibalance.requestlog.RequestLogEntry;
import io.geminibalance.storage.DatabaseType;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/** The roll-up writes of a request-log batch on their own, for measurements outside this package. */
public final class UsageRollupWrites {
  private UsageRollupWrites() {}

  /** Adds {@code entries} to the three roll-ups in one transaction on {@code connection}. */
  public static void write(Connection connection, DatabaseType type, List<RequestLogEntry> entries)
      throws SQLException {
    connection.setAutoCommit(false);
    UsageRollups.write(connection, SqlDialect.of(type), entries);
    connection.commit();
  }
}
