package io.geminibalance.storage.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import io.geminibalance.storage.DatabaseType;
import io.geminibalance.storage.support.SqliteTestDatabase;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class MigrationsTest {
  private static final Pattern SCRIPT = Pattern.compile("V(\\d+)__.*\\.sql");

  @Test
  void theLatestVersionIsTheHighestMigrationShippedForEveryEngine() throws Exception {
    for (DatabaseType type : DatabaseType.values()) {
      int highest = shippedVersions(type).stream().mapToInt(Integer::intValue).max().orElseThrow();

      assertThat(highest).as(type.name()).isEqualTo(Migrations.LATEST_VERSION);
    }
  }

  @Test
  void anUpToDateDatabaseIsRecognisedAndAnythingElseGoesToFlyway() throws Exception {
    try (SqliteTestDatabase database = new SqliteTestDatabase();
        HikariDataSource pool = DataSources.pool(database.config())) {
      assertThat(Migrations.upToDate(pool)).as("no history table yet").isFalse();

      assertThat(Migrations.migrate(pool, DatabaseType.SQLITE)).isEqualTo(shippedVersions(DatabaseType.SQLITE).size());
      assertThat(Migrations.upToDate(pool)).isTrue();
      assertThat(Migrations.migrate(pool, DatabaseType.SQLITE)).isZero();

      String latest = "'" + Migrations.LATEST_VERSION + "'";
      execute(pool, "UPDATE gb_schema_history SET success = 0 WHERE version = " + latest);
      assertThat(Migrations.upToDate(pool)).as("a failed step").isFalse();

      execute(pool, "DELETE FROM gb_schema_history WHERE version = " + latest);
      assertThat(Migrations.upToDate(pool)).as("history ends below the latest").isFalse();
    }
  }

  @Test
  void aHistoryBeyondThisBuildIsLeftToFlywayToJudge() throws Exception {
    try (SqliteTestDatabase database = new SqliteTestDatabase();
        HikariDataSource pool = DataSources.pool(database.config())) {
      Migrations.migrate(pool, DatabaseType.SQLITE);

      execute(pool, "UPDATE gb_schema_history SET version = '" + (Migrations.LATEST_VERSION + 1)
          + "' WHERE version = '" + Migrations.LATEST_VERSION + "'");

      assertThat(Migrations.upToDate(pool)).isFalse();
    }
  }

  @Test
  void theOwnerIndexOfKeptResponsesIsMadeOnceAndAgainWhenItsHistoryIsLost() throws Exception {
    try (SqliteTestDatabase database = new SqliteTestDatabase();
        HikariDataSource pool = DataSources.pool(database.config())) {
      Migrations.migrate(pool, DatabaseType.SQLITE);
      assertThat(ownerIndexExists(pool)).isTrue();

      // Flyway runs lost versions only above the highest left, so every one from V11 on goes.
      execute(pool, "DELETE FROM gb_schema_history WHERE version IN ('11', '12', '13', '14', '15', '16')");
      assertThat(Migrations.migrate(pool, DatabaseType.SQLITE))
          .as("V11 to V16 run again on the existing index, columns and tables").isEqualTo(6);
      assertThat(ownerIndexExists(pool)).isTrue();
      try (var connection = pool.getConnection()) {
        assertThat(SchemaMetadata.columnExists(connection, "t_request_log", "gb_abandoned")).isTrue();
      }
    }
  }

  @Test
  void tokensThatAlreadyShareANameKeepWorkingAndOnlyTheOldestHoldsTheNameInTheIndex() throws Exception {
    try (SqliteTestDatabase database = new SqliteTestDatabase();
        HikariDataSource pool = DataSources.pool(database.config())) {
      Migrations.migrate(pool, DatabaseType.SQLITE);
      // As before V15: no unique index, and two tokens in force named alike (the race it closes).
      execute(pool, "DROP INDEX ux_gb_client_token_name_key");
      // V16 goes too: Flyway runs a lost version only above the highest one left.
      execute(pool, "DELETE FROM gb_schema_history WHERE version IN ('15', '16')");
      execute(pool, tokenRow("tk_old", "Team", "a", null, 1));
      execute(pool, tokenRow("tk_new", "team", "b", null, 2));
      execute(pool, tokenRow("tk_gone", "TEAM", "c", 5L, 0));

      assertThat(Migrations.migrate(pool, DatabaseType.SQLITE)).isEqualTo(2);

      assertThat(nameKeys(pool)).containsExactly("tk_gone=null", "tk_old=" + JdbcClientTokenStore.nameKey("TEAM", false),
          "tk_new=null");
      try (var connection = pool.getConnection()) {
        assertThat(SchemaMetadata.indexExists(connection, "gb_client_token", "ux_gb_client_token_name_key")).isTrue();
      }
    }
  }

  private static String tokenRow(String id, String name, String hashChar, Long revokedAt, long createdAt) {
    return "INSERT INTO gb_client_token (id, name, value_hash, last4, models, protocols, cidrs, enabled, revoked_at,"
        + " created_at, updated_at) VALUES ('" + id + "', '" + name + "', '" + hashChar.repeat(64) + "', 'ab12', '[]',"
        + " '[]', '[]', 1, " + revokedAt + ", " + createdAt + ", " + createdAt + ")";
  }

  /** Each token's id and name key, oldest first. */
  private static List<String> nameKeys(HikariDataSource pool) throws SQLException {
    List<String> keys = new ArrayList<>();
    try (var connection = pool.getConnection(); Statement statement = connection.createStatement();
        var rows = statement.executeQuery("SELECT id, name_key FROM gb_client_token ORDER BY created_at, id")) {
      while (rows.next()) {
        keys.add(rows.getString(1) + "=" + rows.getString(2));
      }
    }
    return keys;
  }

  private static boolean ownerIndexExists(HikariDataSource pool) throws SQLException {
    try (var connection = pool.getConnection()) {
      return SchemaMetadata.indexExists(connection, "gb_response", "ix_gb_response_owner_time");
    }
  }

  /** The versions of the engine's SQL scripts and of the Java migrations. */
  private static Set<Integer> shippedVersions(DatabaseType type) throws IOException, URISyntaxException {
    Set<Integer> versions = new TreeSet<>();
    Migrations.javaMigrations(SqlDialect.of(type), java.time.ZoneOffset.UTC)
        .forEach(m -> versions.add(Integer.parseInt(m.getVersion().getVersion())));
    String folder = type.migrationLocation().substring("classpath:".length());
    Path dir = Path.of(MigrationsTest.class.getClassLoader().getResource(folder).toURI());
    try (Stream<Path> files = Files.list(dir)) {
      files.map(f -> SCRIPT.matcher(f.getFileName().toString()))
          .filter(Matcher::matches)
          .forEach(m -> versions.add(Integer.parseInt(m.group(1))));
    }
    return versions;
  }

  private static void execute(HikariDataSource pool, String sql) throws SQLException {
    try (var connection = pool.getConnection(); Statement statement = connection.createStatement()) {
      statement.executeUpdate(sql);
    }
  }
}
