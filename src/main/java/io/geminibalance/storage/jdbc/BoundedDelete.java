package io.geminibalance.storage.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.LocalDateTime;

/**
 * Deletes old log rows a bounded batch at a time, each batch its own short statement, so that
 * retention on a large table neither holds long locks nor builds a huge transaction.
 */
final class BoundedDelete {
  private BoundedDelete() {}

  static int run(Connection connection, SqlDialect dialect, String table, LocalDateTime cutoff, int batchSize)
      throws SQLException {
    int total = 0;
    try (PreparedStatement delete = connection.prepareStatement(
        dialect.boundedDelete(table, "request_time", batchSize))) {
      int deleted;
      do {
        dialect.setTime(delete, 1, cutoff);
        deleted = delete.executeUpdate();
        total += deleted;
      } while (deleted >= batchSize);
    }
    return total;
  }
}
