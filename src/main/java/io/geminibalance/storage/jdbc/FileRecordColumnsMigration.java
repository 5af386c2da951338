package io.geminibalance.storage.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import org.flywaydb.core.api.migration.Context;

/**
 * Version 8: our columns on gemini-balance's {@code t_file_records}, which keeps the files uploaded
 * through the gateway (the other resources are in {@code gb_resource}, V7). Java, idempotent, every
 * column nullable, as {@link GatewayColumnsMigration}: a reused gemini-balance database already has
 * rows there, which keep their values and, with no {@code gb_owner}, are never read as ours.
 * <ul>
 *   <li>{@code gb_created_at}, {@code gb_expires_at}: the record's own times in epoch milliseconds.
 *       gemini-balance's DATETIME columns hold Google's times (whole seconds on MySQL) and an
 *       expiration that is never empty, so they cannot give the record back as it was saved.</li>
 *   <li>{@code gb_state}: Google's state as given; {@code state} admits only three values.</li>
 * </ul>
 */
final class FileRecordColumnsMigration extends IdempotentJavaMigration {
  private final SqlDialect dialect;

  FileRecordColumnsMigration(SqlDialect dialect) {
    super("8", "resource columns on t_file_records");
    this.dialect = dialect;
  }

  @Override
  public void migrate(Context context) throws SQLException {
    Connection connection = context.getConnection();
    String table = "t_file_records";
    SchemaMetadata.addColumnIfMissing(connection, table, "gb_key_fingerprint", "VARCHAR(32)");
    SchemaMetadata.addColumnIfMissing(connection, table, "gb_key_last4", "VARCHAR(8)");
    SchemaMetadata.addColumnIfMissing(connection, table, "gb_owner", dialect.caseSensitiveAscii(40));
    SchemaMetadata.addColumnIfMissing(connection, table, "gb_pool", "VARCHAR(16)");
    SchemaMetadata.addColumnIfMissing(connection, table, "gb_created_at", "BIGINT");
    SchemaMetadata.addColumnIfMissing(connection, table, "gb_expires_at", "BIGINT");
    SchemaMetadata.addColumnIfMissing(connection, table, "gb_state", "VARCHAR(64)");
    SchemaMetadata.addColumnIfMissing(connection, table, "gb_metadata", dialect.largeTextType());
    // A client's list of its files, newest first; the clean-up of expired ones.
    SchemaMetadata.createIndexIfMissing(connection, table, "ix_gb_file_records_owner_time", "gb_owner, gb_created_at");
    SchemaMetadata.createIndexIfMissing(connection, table, "ix_gb_file_records_expiry", "gb_expires_at");
  }
}
