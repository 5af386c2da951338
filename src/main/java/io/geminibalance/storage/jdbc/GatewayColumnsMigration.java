package io.geminibalance.storage.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import org.flywaydb.core.api.migration.Context;

/**
 * Version 2: our columns and indexes on gemini-balance's own tables. Written in Java because it
 * must be idempotent on every engine: a user's database may already have some of them (an
 * earlier partial run, a manual fix), and neither MySQL nor SQLite offers ADD COLUMN IF NOT EXISTS.
 * Existing rows keep their values; every added column is nullable.
 */
final class GatewayColumnsMigration extends IdempotentJavaMigration {
  private record Column(String table, String name, String type) {}

  private record Index(String table, String name, String columns) {}

  private final SqlDialect dialect;

  GatewayColumnsMigration(SqlDialect dialect) {
    super("2", "gateway columns and indexes");
    this.dialect = dialect;
  }

  private List<Column> columns() {
    String bool = dialect.booleanType();
    return List.of(
        new Column("t_request_log", "gb_key_fingerprint", "VARCHAR(32)"),
        new Column("t_request_log", "gb_key_last4", "VARCHAR(8)"),
        new Column("t_request_log", "gb_prompt_tokens", "INTEGER"),
        new Column("t_request_log", "gb_completion_tokens", "INTEGER"),
        new Column("t_request_log", "gb_stream", bool),
        new Column("t_request_log", "gb_attempt", "INTEGER"),
        new Column("t_request_log", "gb_request_id", "VARCHAR(64)"),
        new Column("t_request_log", "gb_client_fingerprint", "VARCHAR(32)"),
        new Column("t_request_log", "gb_client_masked", "VARCHAR(16)"),
        new Column("t_error_logs", "gb_key_fingerprint", "VARCHAR(32)"),
        new Column("t_error_logs", "gb_key_last4", "VARCHAR(8)"),
        new Column("t_error_logs", "gb_request_id", "VARCHAR(64)"));
  }

  /**
   * One index per query shape of the admin UI and the statistics (see the stores). Every
   * request-log query is bounded by a time window, so the time index serves the per-model and
   * per-status ones too; each further index on t_request_log costs every request's log row CPU
   * (RequestLogInsertCostMeasurement, bench/NOTES.md), so (model, time) and (status, time) are not
   * created.
   */
  private static List<Index> indexes() {
    return List.of(
        new Index("t_request_log", "ix_gb_request_log_time", "request_time"),
        new Index("t_request_log", "ix_gb_request_log_key_time", "gb_key_fingerprint, request_time"),
        new Index("t_error_logs", "ix_gb_error_logs_time", "request_time"),
        new Index("t_error_logs", "ix_gb_error_logs_code_time", "error_code, request_time"),
        new Index("t_error_logs", "ix_gb_error_logs_key_time", "gb_key_fingerprint, request_time"),
        new Index("t_error_logs", "ix_gb_error_logs_request", "gb_request_id"));
  }

  @Override
  public void migrate(Context context) throws SQLException {
    Connection connection = context.getConnection();
    for (Column column : columns()) {
      SchemaMetadata.addColumnIfMissing(connection, column.table(), column.name(), column.type());
    }
    for (Index index : indexes()) {
      SchemaMetadata.createIndexIfMissing(connection, index.table(), index.name(), index.columns());
    }
  }
}
