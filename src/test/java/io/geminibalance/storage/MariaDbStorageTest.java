package io.geminibalance.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.geminibalance.storage.support.ServerTestDatabase;
import io.geminibalance.storage.support.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The storage contract on a real MariaDB server (stands for MySQL too). */
class MariaDbStorageTest extends StorageContractTest {
  private static final List<String> ROLLUPS = List.of("gb_usage_minute", "gb_usage_hour", "gb_usage_day");

  @Override
  TestDatabase createDatabase() {
    return ServerTestDatabase.mariadb();
  }

  @Test
  void rollUpsCreatedBeforeV16EndAsNewOnesAndKeepModelsDifferingInCaseApart() throws Exception {
    List<String> fresh = createStatements();
    assertThat(fresh).allSatisfy(table -> assertThat(table).contains("`model` varchar(100) CHARACTER SET utf8mb4"
        + " COLLATE utf8mb4_bin NOT NULL"));
    // As V13 made them before: the model in the database's default collation, which ignores case.
    for (String table : ROLLUPS) {
      database().execute("ALTER TABLE " + table + " MODIFY COLUMN model VARCHAR(100) NOT NULL");
    }
    database().execute("DELETE FROM gb_schema_history WHERE version = '16'");
    assertThat(createStatements()).as("the tables as an older build left them").isNotEqualTo(fresh);

    reopen();

    assertThat(createStatements()).isEqualTo(fresh);
    insertModelsDifferingInCase(CLIENT_X);
    assertModelsDifferingInCaseAreApart(TimeBucket.values());
  }

  private List<String> createStatements() throws SQLException {
    List<String> tables = new ArrayList<>();
    try (Connection connection = database().connect(); Statement statement = connection.createStatement()) {
      for (String table : ROLLUPS) {
        try (ResultSet row = statement.executeQuery("SHOW CREATE TABLE " + table)) {
          row.next();
          tables.add(row.getString(2));
        }
      }
    }
    return tables;
  }
}
