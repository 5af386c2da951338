package io.geminibalance.storage.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import io.geminibalance.storage.StorageTimeoutException;
import io.geminibalance.storage.support.ServerTestDatabase;
import io.geminibalance.storage.support.SqliteTestDatabase;
import io.geminibalance.storage.support.TestDatabase;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** {@link Jdbc#withinTime} stops a statement that outruns its limit, on every engine, and leaves the connection usable. */
class JdbcDeadlineTest {
  interface Engine {
    TestDatabase open() throws Exception;
  }

  static Stream<Arguments> engines() {
    return Stream.of(
        Arguments.of("sqlite", (Engine) SqliteTestDatabase::new,
            "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 2000000000) SELECT COUNT(*) FROM n"),
        Arguments.of("mariadb", (Engine) ServerTestDatabase::mariadb,
            "SELECT SUM(a.seq * b.seq) FROM seq_1_to_1000000 a, seq_1_to_1000000 b"),
        Arguments.of("postgres", (Engine) ServerTestDatabase::postgres, "SELECT pg_sleep(120)"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("engines")
  void aStatementOverItsLimitIsCancelledAndReportedAsATimeout(String engine, Engine create,
      String slowSql) throws Exception {
    try (TestDatabase database = create.open();
        HikariDataSource pool = DataSources.pool(database.config());
        Jdbc jdbc = new Jdbc(pool, SqlDialect.of(database.config().type()), 1)) {
      assertThatThrownBy(() -> jdbc.call("slow aggregate", connection -> {
        try (PreparedStatement select = connection.prepareStatement(slowSql)) {
          return jdbc.withinTime("slow aggregate", select, Duration.ofMillis(500), () -> {
            try (ResultSet rows = select.executeQuery()) {
              return rows.next();
            }
          });
        }
      }).join()).isInstanceOf(CompletionException.class).cause().isInstanceOf(StorageTimeoutException.class)
          .hasMessage("slow aggregate: stopped after 500 ms");

      // The same (only) worker and a pooled connection answer the next statement at once.
      assertThat(jdbc.call("next", connection -> {
        try (PreparedStatement select = connection.prepareStatement("SELECT 1");
            ResultSet rows = select.executeQuery()) {
          rows.next();
          return rows.getInt(1);
        }
      }).join()).isEqualTo(1);
    }
  }
}
