package io.geminibalance.storage.jdbc;

import io.geminibalance.storage.DatabaseType;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;

/**
 * Brings a database to our schema with Flyway. An existing gemini-balance database is not empty
 * and has no history table, so Flyway is told to baseline it at version 0: every migration then
 * still runs, and each one is written to leave existing tables and rows alone.
 */
public final class Migrations {
  /** Our own history table, so that it cannot clash with a user's flyway_schema_history. */
  static final String HISTORY_TABLE = "gb_schema_history";

  private Migrations() {}

  public static MigrateResult migrate(DataSource dataSource, DatabaseType type) {
    return Flyway.configure()
        .dataSource(dataSource)
        .locations(type.migrationLocation())
        .javaMigrations(new GatewayColumnsMigration(SqlDialect.of(type)))
        .table(HISTORY_TABLE)
        .baselineOnMigrate(true)
        .baselineVersion("0")
        .load()
        .migrate();
  }
}
