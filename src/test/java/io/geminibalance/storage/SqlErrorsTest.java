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
  void uniqueViolationsAreToldFromOtherConstraintViolations() {
    assertThat(SqlErrors.isUniqueViolation(new CompletionException(new StorageException("write",
        new SQLException("duplicate key", "23505"))))).isTrue();
    assertThat(SqlErrors.isUniqueViolation(new SQLException("Duplicate entry", "23000", 1062))).isTrue();
    assertThat(SqlErrors.isUniqueViolation(new SQLiteException("UNIQUE", SQLiteErrorCode.SQLITE_CONSTRAINT_UNIQUE)))
        .isTrue();
    assertThat(SqlErrors.isUniqueViolation(new SQLException("cannot be null", "23000", 1048))).isFalse();
    assertThat(SqlErrors.isUniqueViolation(new SQLException("not-null", "23502"))).isFalse();
    assertThat(SqlErrors.isUniqueViolation(new SQLiteException("NOT NULL", SQLiteErrorCode.SQLITE_CONSTRAINT_NOTNULL)))
        .isFalse();
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
