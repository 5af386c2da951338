package io.geminibalance.storage.jdbc;

import java.sql.SQLException;
import org.flywaydb.core.api.migration.Context;

/**
 * Version 11: the index by which a save in {@code gb_response} finds its owner's oldest responses
 * beyond RESPONSES_STORE_MAX_PER_CLIENT (JdbcResponseStore), newest first by (created_at, id).
 * Java, as {@link FileRecordColumnsMigration}: MySQL has no CREATE INDEX IF NOT EXISTS, and the
 * step must change nothing when it runs again.
 */
final class ResponseOwnerIndexMigration extends IdempotentJavaMigration {

  ResponseOwnerIndexMigration() {
    super("11", "owner index on gb_response");
  }

  @Override
  public void migrate(Context context) throws SQLException {
    SchemaMetadata.createIndexIfMissing(context.getConnection(), "gb_response", "ix_gb_response_owner_time",
        "owner, created_at, id");
  }
}
