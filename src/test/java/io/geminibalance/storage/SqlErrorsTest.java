package io.geminibalance.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

class SqlErrorsTest {
  @Test
  void badDataAndConstraintViolationsArePermanent() {
    assertThat(SqlErrors.isPermanent(new SQLException("Data too long", "22001"))).isTrue();
    assertThat(SqlErrors.isPermanent(new CompletionException(new StorageException("write",
        new SQLException("duplicate", "23505"))))).isTrue();
    assertThat(SqlErrors.isPermanent(new SQLiteException("NOT NULL", SQLiteErrorCode.SQLITE_CONSTRAINT_NOTNULL)))
        .isTrue();
  }

  @Test
  void anAbsentDatabaseIsWorthRetrying() {
    assertThat(SqlErrors.isPermanent(new SQLTransientConnectionException("pool timeout", "08001"))).isFalse();
    assertThat(SqlErrors.isPermanent(new SQLException("Table doesn't exist", "42S02"))).isFalse();
    assertThat(SqlErrors.isPermanent(new SQLiteException("no such table", SQLiteErrorCode.SQLITE_ERROR))).isFalse();
    assertThat(SqlErrors.isPermanent(new SQLiteException("locked", SQLiteErrorCode.SQLITE_BUSY))).isFalse();
    assertThat(SqlErrors.isPermanent(new IllegalStateException("no cause"))).isFalse();
  }
}
