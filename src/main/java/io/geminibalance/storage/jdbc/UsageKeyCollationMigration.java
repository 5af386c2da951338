package io.geminibalance.storage.jdbc;

import io.geminibalance.storage.TimeBucket;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import org.flywaydb.core.api.migration.Context;

/**
 * Version 16: the usage roll-ups' model column compares bytes on MySQL/MariaDB too. V13 first made
 * it a VARCHAR in the database's default collation, which ignores case (and accents), so
 * "Gemini-2.5-Pro" and "gemini-2.5-pro" were added into one row under whichever spelling came
 * first: totals right, per-model figures wrong. V13 now creates the column byte-compared; this
 * brings tables made before to the very same types ({@link UsageTablesMigration#textKeyColumns}).
 * Rows merged before stay merged (the request-log rows behind them may be gone already); new rows
 * are apart. Nothing to do on SQLite and PostgreSQL, which compare bytes already; idempotent.
 */
final class UsageKeyCollationMigration extends IdempotentJavaMigration {
  private final SqlDialect dialect;

  UsageKeyCollationMigration(SqlDialect dialect) {
    super("16", "usage roll-up keys compare bytes");
    this.dialect = dialect;
  }

  @Override
  public void migrate(Context context) throws SQLException {
    Connection connection = context.getConnection();
    try (Statement statement = connection.createStatement()) {
      for (TimeBucket granularity : TimeBucket.values()) {
        String table = UsageRollups.table(granularity);
        for (String sql : dialect.compareBytes(connection, table, UsageTablesMigration.textKeyColumns(dialect))) {
          statement.execute(sql);
        }
      }
    }
  }
}
