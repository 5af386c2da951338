package io.geminibalance.storage.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import io.geminibalance.storage.DatabaseType;
import io.geminibalance.storage.StorageException;
import io.geminibalance.storage.support.SqliteTestDatabase;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

class JdbcTest {
  @Test
  void workRunsOnTheJdbcThreadsNeverOnTheCallersThread() throws Exception {
    try (SqliteTestDatabase database = new SqliteTestDatabase();
        HikariDataSource pool = DataSources.pool(database.config());
        Jdbc jdbc = new Jdbc(pool, SqlDialect.of(DatabaseType.SQLITE), 2)) {
      String caller = Thread.currentThread().getName();

      String worker = jdbc.call("thread name", connection -> Thread.currentThread().getName()).join();

      assertThat(worker).startsWith("gb-jdbc-").isNotEqualTo(caller);
    }
  }

  @Test
  void aFailedTransactionIsRolledBackAndReportedWithTheOperationName() throws Exception {
    try (SqliteTestDatabase database = new SqliteTestDatabase();
        HikariDataSource pool = DataSources.pool(database.config());
        Jdbc jdbc = new Jdbc(pool, SqlDialect.of(DatabaseType.SQLITE), 2)) {
      jdbc.call("create", connection -> execute(connection.createStatement(), "CREATE TABLE t (v INTEGER)")).join();

      assertThatThrownBy(() -> jdbc.transaction("insert then fail", connection -> {
        execute(connection.createStatement(), "INSERT INTO t VALUES (1)");
        return execute(connection.createStatement(), "INSERT INTO missing VALUES (1)");
      }).join()).isInstanceOf(CompletionException.class).cause().isInstanceOf(StorageException.class)
          .hasMessageStartingWith("insert then fail: ");

      assertThat(rowsInT(jdbc)).isZero();
    }
  }

  @Test
  void aTransactionEndedByAnErrorIsRolledBackNotCommitted() throws Exception {
    try (SqliteTestDatabase database = new SqliteTestDatabase();
        HikariDataSource pool = DataSources.pool(database.config());
        Jdbc jdbc = new Jdbc(pool, SqlDialect.of(DatabaseType.SQLITE), 2)) {
      jdbc.call("create", connection -> execute(connection.createStatement(), "CREATE TABLE t (v INTEGER)")).join();

      assertThatThrownBy(() -> jdbc.transaction("insert then run out of memory", connection -> {
        execute(connection.createStatement(), "INSERT INTO t VALUES (1)");
        throw new OutOfMemoryError("simulated");
      }).join()).isInstanceOf(CompletionException.class).cause().isInstanceOf(OutOfMemoryError.class);

      assertThat(rowsInT(jdbc)).isZero();
    }
  }

  private static long rowsInT(Jdbc jdbc) {
    return jdbc.call("count", connection -> {
      try (var result = connection.createStatement().executeQuery("SELECT COUNT(*) FROM t")) {
        result.next();
        return result.getLong(1);
      }
    }).join();
  }

  private static boolean execute(Statement statement, String sql) throws SQLException {
    try (statement) {
      return statement.execute(sql);
    }
  }
}
