package io.geminibalance.storage.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import org.flywaydb.core.api.migration.Context;

/**
 * Version 12: the rest of an answer's usage on {@code t_request_log} (thinking, cached, image and
 * audio tokens) and whether the client abandoned the answer. Java and idempotent for the same
 * reasons as {@link GatewayColumnsMigration}; every column is nullable, so old rows keep meaning
 * "not known".
 */
final class UsageColumnsMigration extends IdempotentJavaMigration {
  private final SqlDialect dialect;

  UsageColumnsMigration(SqlDialect dialect) {
    super("12", "usage columns on t_request_log");
    this.dialect = dialect;
  }

  @Override
  public void migrate(Context context) throws SQLException {
    Connection connection = context.getConnection();
    for (String column : new String[] {"gb_cached_tokens", "gb_thinking_tokens", "gb_image_tokens", "gb_audio_tokens"}) {
      SchemaMetadata.addColumnIfMissing(connection, "t_request_log", column, "INTEGER");
    }
    SchemaMetadata.addColumnIfMissing(connection, "t_request_log", "gb_abandoned", dialect.booleanType());
  }
}
