package io.geminibalance.storage.jdbc;

import io.geminibalance.storage.TimeBucket;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.Map;
import org.flywaydb.core.api.migration.Context;

/**
 * Version 13: the usage roll-ups {@code gb_usage_minute}, {@code gb_usage_hour} and
 * {@code gb_usage_day} (see {@link UsageRollups}), then a backfill from the request-log rows
 * already there. Java and idempotent as {@link GatewayColumnsMigration}: the backfill runs only
 * when this run created the tables, so running again (a lost history table) never counts a row twice.
 */
final class UsageTablesMigration extends IdempotentJavaMigration {
  private final SqlDialect dialect;
  private final ZoneId zone;
  private final Clock clock;

  /** @param zone the zone of the request log's naive times */
  UsageTablesMigration(SqlDialect dialect, ZoneId zone, Clock clock) {
    super("13", "usage roll-up tables");
    this.dialect = dialect;
    this.zone = zone;
    this.clock = clock;
  }

  @Override
  public void migrate(Context context) throws SQLException {
    Connection connection = context.getConnection();
    boolean created = false;
    for (TimeBucket granularity : TimeBucket.values()) {
      created |= createIfMissing(connection, dialect, UsageRollups.table(granularity));
    }
    if (created) {
      UsageBackfill.run(connection, dialect, new JdbcValues(zone), clock.instant(), UsageBackfill.DEFAULT_CHUNK);
    }
  }

  /** Creates one roll-up table and its retention index; false when it was there already. */
  static boolean createIfMissing(Connection connection, SqlDialect dialect, String table) throws SQLException {
    if (SchemaMetadata.columnExists(connection, table, "bucket_start")) {
      createIndexes(connection, dialect, table);
      return false;
    }
    Map<String, String> text = textKeyColumns(dialect);
    StringBuilder sql = new StringBuilder("CREATE TABLE " + table + " (")
        .append("key_fp ").append(text.get("key_fp")).append(" NOT NULL, ")
        .append("bucket_start BIGINT NOT NULL, ")
        .append("client_fp ").append(text.get("client_fp")).append(" NOT NULL, ")
        .append("model ").append(text.get("model")).append(" NOT NULL, ");
    for (String column : UsageRollups.SUM_COLUMNS) {
      sql.append(column).append(" BIGINT NOT NULL DEFAULT 0, ");
    }
    for (String column : UsageRollups.LABEL_COLUMNS) {
      sql.append(column).append(" VARCHAR(16) NOT NULL DEFAULT '', ");
    }
    sql.append("PRIMARY KEY (").append(String.join(", ", UsageRollups.KEY_COLUMNS)).append("))")
        .append(dialect.clusteredTableOptions());
    try (Statement statement = connection.createStatement()) {
      statement.execute(sql.toString());
    }
    createIndexes(connection, dialect, table);
    return true;
  }

  /**
   * The types of the primary key's text columns, each compared byte for byte so that no two
   * fingerprints or model names differing only in case share a row. {@link UsageKeyCollationMigration}
   * (V16) gives tables created before the model's type was byte-compared the same types.
   */
  static Map<String, String> textKeyColumns(SqlDialect dialect) {
    Map<String, String> types = new LinkedHashMap<>();
    types.put("key_fp", dialect.caseSensitiveAscii(64));
    types.put("client_fp", dialect.caseSensitiveAscii(64));
    types.put("model", dialect.caseSensitiveText(100));
    return types;
  }

  /** The retention job's index by bucket, and the engine's own (see {@link SqlDialect#usageRollupIndexes}). */
  private static void createIndexes(Connection connection, SqlDialect dialect, String table) throws SQLException {
    SchemaMetadata.createIndexIfMissing(connection, table, "ix_" + table + "_bucket", "bucket_start");
    try (Statement statement = connection.createStatement()) {
      for (String index : dialect.usageRollupIndexes(table, UsageRollups.SUM_COLUMNS, UsageRollups.LABEL_COLUMNS)) {
        statement.execute(index);
      }
    }
  }
}
