package io.geminibalance.storage.jdbc;

import io.geminibalance.storage.DatabaseType;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.migration.JavaMigration;

/**
 * Brings a database to our schema with Flyway. An existing gemini-balance database is not empty
 * and has no history table, so Flyway is told to baseline it at version 0: every migration then
 * still runs, and each one is written to leave existing tables and rows alone.
 *
 * <p>A database whose history already ends at {@link #LATEST_VERSION} with every step successful
 * is left alone without starting Flyway: Flyway would find nothing to do, and loading and
 * configuring it took about a third of a second of every restart. Flyway's checksum validation of
 * the applied scripts is skipped with it; the scripts ship inside the jar and are not edited in place.
 */
public final class Migrations {
  /** Our own history table, so that it cannot clash with a user's flyway_schema_history. */
  static final String HISTORY_TABLE = "gb_schema_history";
  /** The highest migration version this build ships (MigrationsTest keeps it honest). */
  static final int LATEST_VERSION = 16;

  private Migrations() {}

  /** Migrates when needed, the request log's naive times taken as UTC; returns how many migrations ran. */
  public static int migrate(DataSource dataSource, DatabaseType type) {
    return migrate(dataSource, type, ZoneOffset.UTC);
  }

  /**
   * Migrates when needed; returns how many migrations ran.
   *
   * @param zone the zone of the request log's naive times (the usage backfill turns them into instants)
   */
  public static int migrate(DataSource dataSource, DatabaseType type, ZoneId zone) {
    if (upToDate(dataSource)) {
      return 0;
    }
    return Flyway.configure()
        .dataSource(dataSource)
        .locations(type.migrationLocation())
        .javaMigrations(javaMigrations(SqlDialect.of(type), zone).toArray(JavaMigration[]::new))
        .table(HISTORY_TABLE)
        .baselineOnMigrate(true)
        .baselineVersion("0")
        .load()
        .migrate()
        .migrationsExecuted;
  }

  /** The migrations written in Java (beside the SQL scripts of each engine's folder). */
  static List<JavaMigration> javaMigrations(SqlDialect dialect, ZoneId zone) {
    return List.of(new GatewayColumnsMigration(dialect), new AtRestSchemaMigration(dialect),
        new FileRecordColumnsMigration(dialect), new ResponseOwnerIndexMigration(), new UsageColumnsMigration(dialect),
        new UsageTablesMigration(dialect, zone, Clock.systemUTC()), new ClientTokenNameMigration(dialect),
        new UsageKeyCollationMigration(dialect));
  }

  /**
   * True when the history table shows every migration up to the latest applied successfully. Any
   * doubt (no table, a failed step, an unknown or newer version) goes to Flyway, which decides.
   */
  static boolean upToDate(DataSource dataSource) {
    try (Connection connection = dataSource.getConnection();
        Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery("SELECT version, success FROM " + HISTORY_TABLE)) {
      int highest = -1;
      while (rows.next()) {
        if (!rows.getBoolean(2)) {
          return false;
        }
        String version = rows.getString(1);
        if (version != null) {
          highest = Math.max(highest, Integer.parseInt(version.trim()));
        }
      }
      return highest == LATEST_VERSION;
    } catch (SQLException | NumberFormatException e) {
      return false;
    }
  }
}
