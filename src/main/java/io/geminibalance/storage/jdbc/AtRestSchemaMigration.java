package io.geminibalance.storage.jdbc;

import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Base64;
import org.flywaydb.core.api.migration.Context;

/**
 * Version 5: what encryption at rest and client-token fingerprints need.
 * <ul>
 *   <li>{@code gb_installation}: one row per installation-wide secret or marker. It starts with the
 *       secret that client-token fingerprints are HMACs with (generated here, under Flyway's lock, so
 *       that instances starting together on one database agree on it); {@link AtRestMigration}
 *       adds the encryption key check and encrypts the secret when {@code ENCRYPTION_KEY} is set.</li>
 *   <li>{@code gb_api_keys.last4}: the key's last 4 characters in clear, for people and searches
 *       once {@code api_key} holds ciphertext.</li>
 *   <li>{@code gb_api_keys.api_key} widened: a sealed value is about 4/3 of the key plus 47 characters.</li>
 * </ul>
 * Idempotent, like {@link GatewayColumnsMigration}: it runs again when our history table is lost.
 */
final class AtRestSchemaMigration extends IdempotentJavaMigration {
  static final String TABLE = "gb_installation";
  /** The HMAC secret of client-token fingerprints (base64 of 32 bytes, or that sealed). */
  static final String TOKEN_FINGERPRINT_SECRET = "token_fingerprint_secret";
  /** The {@link io.geminibalance.storage.EncryptionKey#check()} of the key values are encrypted with. */
  static final String ENCRYPTION_KEY_CHECK = "encryption_key_check";
  static final int API_KEY_LENGTH = 1024;

  private final SqlDialect dialect;

  AtRestSchemaMigration(SqlDialect dialect) {
    super("5", "installation secrets and encrypted key column");
    this.dialect = dialect;
  }

  @Override
  public void migrate(Context context) throws SQLException {
    Connection connection = context.getConnection();
    try (Statement statement = connection.createStatement()) {
      statement.execute("CREATE TABLE IF NOT EXISTS " + TABLE + " (name VARCHAR(64) NOT NULL PRIMARY KEY,"
          + " value TEXT NOT NULL, updated_at BIGINT NOT NULL)");
      if (!SchemaMetadata.columnExists(connection, "gb_api_keys", "last4")) {
        statement.execute("ALTER TABLE gb_api_keys ADD COLUMN last4 VARCHAR(8)");
      }
      for (String sql : dialect.widenVarchar("gb_api_keys", "api_key", API_KEY_LENGTH, true)) {
        statement.execute(sql);
      }
    }
    if (read(connection, TOKEN_FINGERPRINT_SECRET) == null) {
      insert(connection, TOKEN_FINGERPRINT_SECRET, newSecret());
    }
  }

  /** 32 random bytes in base64. */
  static String newSecret() {
    byte[] bytes = new byte[32];
    new SecureRandom().nextBytes(bytes);
    return Base64.getEncoder().encodeToString(bytes);
  }

  static String read(Connection connection, String name) throws SQLException {
    try (PreparedStatement select = connection.prepareStatement("SELECT value FROM " + TABLE + " WHERE name = ?")) {
      select.setString(1, name);
      try (ResultSet rows = select.executeQuery()) {
        return rows.next() ? rows.getString(1) : null;
      }
    }
  }

  static void insert(Connection connection, String name, String value) throws SQLException {
    try (PreparedStatement insert = connection.prepareStatement(
        "INSERT INTO " + TABLE + " (name, value, updated_at) VALUES (?, ?, ?)")) {
      insert.setString(1, name);
      insert.setString(2, value);
      insert.setLong(3, System.currentTimeMillis());
      insert.executeUpdate();
    }
  }
}
