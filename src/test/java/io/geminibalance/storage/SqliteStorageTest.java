package io.geminibalance.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.geminibalance.storage.support.SqliteTestDatabase;
import io.geminibalance.storage.support.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

/** The storage contract on SQLite, the default engine; runs on every build. */
class SqliteStorageTest extends StorageContractTest {
  @Override
  TestDatabase createDatabase() throws Exception {
    return new SqliteTestDatabase();
  }

  @Test
  void databaseFileAndFolderAreCreatedInWalMode() throws Exception {
    assertThat(database().config().sqliteFile()).exists();
    try (Connection connection = database().connect(); Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery("PRAGMA journal_mode")) {
      rows.next();
      assertThat(rows.getString(1)).isEqualToIgnoringCase("wal");
    }
  }
}
