package io.geminibalance.storage.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.flywaydb.core.api.migration.Context;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Version 15: the database keeps the names of the client tokens not revoked unique, so that two
 * instances (or two requests at once) cannot both give one name: {@code gb_client_token.name_key}
 * and its unique index ({@link JdbcClientTokenStore} explains the key). Java: the key is computed
 * as the store computes it, the step must change nothing when it runs again, and MySQL has no
 * CREATE INDEX IF NOT EXISTS.
 *
 * <p>Tokens made before this version may already share a name (the race this closes): the oldest
 * keeps the key, the others are left without one and named in a warning; they work on, and the
 * API refuses to give their name to anything else until they are renamed or revoked.
 */
final class ClientTokenNameMigration extends IdempotentJavaMigration {
  private static final Logger LOG = LoggerFactory.getLogger(ClientTokenNameMigration.class);
  private final SqlDialect dialect;

  ClientTokenNameMigration(SqlDialect dialect) {
    super("15", "unique names of client tokens");
    this.dialect = dialect;
  }

  @Override
  public void migrate(Context context) throws SQLException {
    Connection connection = context.getConnection();
    SchemaMetadata.addColumnIfMissing(connection, "gb_client_token", "name_key", dialect.caseSensitiveAscii(64));
    record Row(String id, String key) {}
    List<Row> rows = new ArrayList<>();
    try (PreparedStatement select = connection.prepareStatement(
        "SELECT id, name, revoked_at FROM gb_client_token ORDER BY created_at, id");
        ResultSet result = select.executeQuery()) {
      while (result.next()) {
        boolean revoked = JdbcValues.getLong(result, "revoked_at") != null;
        rows.add(new Row(result.getString("id"), JdbcClientTokenStore.nameKey(result.getString("name"), revoked)));
      }
    }
    Set<String> given = new HashSet<>();
    List<String> sharing = new ArrayList<>();
    try (PreparedStatement update = connection.prepareStatement("UPDATE gb_client_token SET name_key = ? WHERE id = ?")) {
      for (Row row : rows) {
        boolean first = row.key() != null && given.add(row.key());
        if (row.key() != null && !first) {
          sharing.add(row.id());
        }
        update.setString(1, first ? row.key() : null);
        update.setString(2, row.id());
        update.addBatch();
      }
      update.executeBatch();
    }
    if (!sharing.isEmpty()) {
      LOG.warn("Client tokens {} share their name with an older token that is not revoked; rename or revoke them",
          sharing);
    }
    SchemaMetadata.createUniqueIndexIfMissing(connection, "gb_client_token", "ux_gb_client_token_name_key",
        "name_key");
  }
}
