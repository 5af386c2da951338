package io.geminibalance.storage.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDateTime;

/**
 * Deletes log rows a bounded batch at a time, each batch its own short auto-committed statement,
 * so that emptying or trimming a large table neither holds long locks nor builds a huge
 * transaction that the log writers would wait behind.
 */
final class BoundedDelete {
  private BoundedDelete() {}

  private interface Bound {
    void bind(PreparedStatement delete) throws SQLException;
  }

  /** The rows older than {@code cutoff} (retention). */
  static int olderThan(Connection connection, SqlDialect dialect, String table, LocalDateTime cutoff, int batchSize)
      throws SQLException {
    return run(connection, dialect, table, "request_time < ?", delete -> dialect.setTime(delete, 1, cutoff), batchSize);
  }

  /**
   * Every row there is when it starts: bounded by the highest id at that moment, so rows written
   * meanwhile stay and the loop ends even while writers keep adding.
   */
  static int all(Connection connection, SqlDialect dialect, String table, int batchSize) throws SQLException {
    long maxId;
    try (PreparedStatement select = connection.prepareStatement("SELECT MAX(id) FROM " + table);
        ResultSet rows = select.executeQuery()) {
      rows.next();
      maxId = rows.getLong(1);
      if (rows.wasNull()) {
        return 0;
      }
    }
    return run(connection, dialect, table, "id <= ?", delete -> delete.setLong(1, maxId), batchSize);
  }

  /** The usage roll-up rows whose bucket starts before {@code cutoffMillis}. */
  static int bucketsBefore(Connection connection, SqlDialect dialect, String table, long cutoffMillis, int batchSize)
      throws SQLException {
    return run(connection, dialect.boundedDeleteWithoutId(table, "bucket_start < ?", batchSize),
        delete -> delete.setLong(1, cutoffMillis), batchSize);
  }

  private static int run(Connection connection, SqlDialect dialect, String table, String condition, Bound bound,
      int batchSize) throws SQLException {
    return run(connection, dialect.boundedDelete(table, condition, batchSize), bound, batchSize);
  }

  private static int run(Connection connection, String sql, Bound bound, int batchSize) throws SQLException {
    int total = 0;
    try (PreparedStatement delete = connection.prepareStatement(sql)) {
      int deleted;
      do {
        bound.bind(delete);
        deleted = delete.executeUpdate();
        total += deleted;
      } while (deleted >= batchSize);
    }
    return total;
  }
}
