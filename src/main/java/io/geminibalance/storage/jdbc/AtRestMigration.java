package io.geminibalance.storage.jdbc;

import io.geminibalance.requestlog.SecretRedactor;
import io.geminibalance.storage.AtRestEncryption;
import io.geminibalance.storage.EncryptionKey;
import io.geminibalance.storage.EncryptionKeyException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The start-up step after the schema migrations that brings stored secrets to the configured
 * {@link AtRestEncryption}, and loads the installation's token-fingerprint secret.
 *
 * <ol>
 *   <li>One transaction, on a locked {@code gb_installation} row (instances starting together on
 *       one server database take turns): the stored key check decides which key the database is
 *       encrypted with, if any. A key that does not fit stops start-up here, before any row is
 *       written, and the transaction is rolled back. Then every upstream key, every secret setting
 *       and the token-fingerprint secret is brought to the configured state: plaintext encrypted,
 *       values re-encrypted from ENCRYPTION_KEY_PREVIOUS (rotation) or decrypted (key removed on
 *       purpose), and the key check written. All or nothing.</li>
 *   <li>With a key, the full keys gemini-balance wrote into its log and file tables are masked
 *       ({@link LegacyKeyColumns}), in batches since those tables can be large; a restart resumes.</li>
 *   <li>When anything was encrypted or masked, the engine is asked to drop freed copies
 *       ({@link SqlDialect#scrubFreedSpace}: on SQLite VACUUM and a TRUNCATE checkpoint of the WAL).</li>
 * </ol>
 */
public final class AtRestMigration {
  private static final Logger LOG = LoggerFactory.getLogger(AtRestMigration.class);
  private static final String SECRET_CONTEXT = AtRestSchemaMigration.TABLE + ":" + AtRestSchemaMigration.TOKEN_FINGERPRINT_SECRET;
  private static final String KEY = AtRestEncryption.KEY_SETTING;
  private static final String PREVIOUS = AtRestEncryption.PREVIOUS_KEY_SETTING;

  private final Jdbc jdbc;
  private final AtRestEncryption encryption;
  private final ValueCipher target;

  /** What the transaction found and did. */
  private record Sealing(byte[] tokenSecret, List<String> poolKeys, int changed, Direction direction) {}

  /** What happened to the stored values. */
  private enum Direction { NONE, ENCRYPTED, ROTATED, DECRYPTED }

  public AtRestMigration(Jdbc jdbc, AtRestEncryption encryption) {
    this.jdbc = jdbc;
    this.encryption = encryption;
    this.target = ValueCipher.of(encryption.key());
  }

  /**
   * Runs the steps above; returns the token-fingerprint secret.
   *
   * @throws EncryptionKeyException when the keys given do not fit the database (nothing changed)
   */
  public byte[] run() {
    Sealing sealing = jdbc.transactionNow("encryption at rest", this::seal);
    int masked = 0;
    if (target.encrypts()) {
      SecretRedactor redactor = new SecretRedactor();
      sealing.poolKeys().forEach(redactor::register);
      masked = new LegacyKeyColumns(jdbc, redactor).maskAll();
    }
    report(sealing, masked);
    if (target.encrypts() && sealing.changed() + masked > 0) {
      boolean scrubbed = jdbc.callNow("drop freed copies", jdbc.dialect()::scrubFreedSpace);
      if (scrubbed) {
        LOG.info("storage: database file compacted and its WAL emptied, so no plaintext copy is left in it");
      } else {
        LOG.warn("storage: the database engine may still hold earlier plaintext copies in its own files (PostgreSQL,"
            + " MariaDB: old row versions, WAL or binary logs; SQLite: a WAL another process kept open) and in"
            + " backups; see the README, Storage and settings");
      }
    }
    return sealing.tokenSecret();
  }

  private Sealing seal(Connection connection) throws SQLException {
    String storedSecret = lockTokenSecret(connection);
    String check = AtRestSchemaMigration.read(connection, AtRestSchemaMigration.ENCRYPTION_KEY_CHECK);
    ValueCipher inUse = cipherInUse(connection, check);
    List<String> poolKeys = new ArrayList<>();
    int changed = apiKeys(connection, inUse, poolKeys) + settings(connection, inUse);
    String secret;
    if (storedSecret == null) {
      // Only when someone deleted the row after version 5 created it: client fingerprints start anew.
      LOG.warn("storage: the token fingerprint secret was missing; generated a new one (client-token fingerprints"
          + " in older log rows no longer match)");
      secret = AtRestSchemaMigration.newSecret();
      AtRestSchemaMigration.insert(connection, AtRestSchemaMigration.TOKEN_FINGERPRINT_SECRET,
          target.seal(secret, SECRET_CONTEXT));
      changed++;
    } else {
      secret = inUse.open(storedSecret, SECRET_CONTEXT);
      if (needsChange(storedSecret, inUse, true)) {
        updateInstallation(connection, AtRestSchemaMigration.TOKEN_FINGERPRINT_SECRET, target.seal(secret, SECRET_CONTEXT));
        changed++;
      }
    }
    writeCheck(connection, check);
    return new Sealing(Base64.getDecoder().decode(secret), poolKeys, changed, direction(check, inUse));
  }

  /** Reads the secret's row with a lock held to the end of the transaction (none needed on SQLite). */
  private String lockTokenSecret(Connection connection) throws SQLException {
    try (PreparedStatement select = connection.prepareStatement("SELECT value FROM " + AtRestSchemaMigration.TABLE
        + " WHERE name = ?" + jdbc.dialect().lockingRead())) {
      select.setString(1, AtRestSchemaMigration.TOKEN_FINGERPRINT_SECRET);
      try (ResultSet rows = select.executeQuery()) {
        return rows.next() ? rows.getString(1) : null;
      }
    }
  }

  /** The cipher the stored values are in now; refuses keys that do not fit, before anything is written. */
  private ValueCipher cipherInUse(Connection connection, String check) throws SQLException {
    EncryptionKey key = encryption.key();
    EncryptionKey previous = encryption.previousKey();
    if (check == null) {
      if (anySealed(connection)) {
        throw new EncryptionKeyException(KEY, KEY + ": the database holds encrypted values but no record of the"
            + " key they were encrypted with (" + AtRestSchemaMigration.TABLE + " row '"
            + AtRestSchemaMigration.ENCRYPTION_KEY_CHECK + "' is missing: restore it from a backup). Nothing was changed.");
      }
      if (previous != null) {
        LOG.warn("storage: {} is set, but the database is not encrypted; it is not needed", PREVIOUS);
      }
      return new ValueCipher.Plain();
    }
    if (key != null && key.matches(check)) {
      if (previous != null) {
        LOG.warn("storage: the database is already encrypted with {}; remove {}", KEY, PREVIOUS);
      }
      return target;
    }
    if (previous != null && previous.matches(check)) {
      return new ValueCipher.AesGcm(previous);
    }
    if (key == null && previous == null) {
      throw new EncryptionKeyException(KEY, KEY + ": not set, but this database's keys and secret settings are"
          + " encrypted. Set the " + KEY + " they were encrypted with (to store them in clear again, set that key as "
          + PREVIOUS + " and leave " + KEY + " unset for one start). Nothing was changed.");
    }
    String which = key == null ? PREVIOUS : KEY;
    throw new EncryptionKeyException(which, which + ": does not match the key this database is encrypted with"
        + (key != null && previous != null ? ", nor does " + PREVIOUS : "") + ". Nothing was changed. Use the key it"
        + " was encrypted with; to change keys, set that one as " + PREVIOUS + " and the new one as " + KEY + ".");
  }

  private static boolean anySealed(Connection connection) throws SQLException {
    String pattern = ValueCipher.PREFIX + "%";
    for (String sql : List.of("SELECT COUNT(*) FROM gb_api_keys WHERE api_key LIKE ?",
        "SELECT COUNT(*) FROM t_settings WHERE value LIKE ?",
        "SELECT COUNT(*) FROM " + AtRestSchemaMigration.TABLE + " WHERE value LIKE ?")) {
      try (PreparedStatement count = connection.prepareStatement(sql)) {
        count.setString(1, pattern);
        try (ResultSet rows = count.executeQuery()) {
          if (rows.next() && rows.getLong(1) > 0) {
            return true;
          }
        }
      }
    }
    return false;
  }

  /**
   * Whether a stored value must be rewritten: sealed when it should be in clear, in clear when it
   * should be sealed, or sealed with the previous key during a rotation.
   */
  private boolean needsChange(String stored, ValueCipher inUse, boolean secret) {
    boolean wantSealed = target.encrypts() && secret;
    if (ValueCipher.isSealed(stored)) {
      return !wantSealed || !inUse.equals(target);
    }
    return wantSealed;
  }

  /** Brings every key to the target cipher and fills last4 where it is missing; collects the keys. */
  private int apiKeys(Connection connection, ValueCipher inUse, List<String> keys) throws SQLException {
    int changed = 0;
    try (PreparedStatement select = connection.prepareStatement(
            "SELECT id, fingerprint, api_key, last4 FROM gb_api_keys ORDER BY id");
        PreparedStatement update = connection.prepareStatement(
            "UPDATE gb_api_keys SET api_key = ?, last4 = ? WHERE id = ?");
        ResultSet rows = select.executeQuery()) {
      boolean batched = false;
      while (rows.next()) {
        String context = JdbcApiKeyStore.context(rows.getString(2));
        String stored = rows.getString(3);
        String key = inUse.open(stored, context);
        keys.add(key);
        boolean change = needsChange(stored, inUse, true);
        if (change || rows.getString(4) == null) {
          update.setString(1, change ? target.seal(key, context) : stored);
          update.setString(2, JdbcApiKeyStore.lastFour(key));
          update.setLong(3, rows.getLong(1));
          update.addBatch();
          batched = true;
          changed += change ? 1 : 0;
        }
      }
      if (batched) {
        update.executeBatch();
      }
    }
    return changed;
  }

  /** Brings secret settings to the target cipher (and any sealed one: a name may have stopped being secret). */
  private int settings(Connection connection, ValueCipher inUse) throws SQLException {
    String keyColumn = jdbc.dialect().quote("key");
    int changed = 0;
    try (PreparedStatement select = connection.prepareStatement(
            "SELECT id, " + keyColumn + ", value FROM t_settings ORDER BY id");
        PreparedStatement update = connection.prepareStatement("UPDATE t_settings SET value = ? WHERE id = ?");
        ResultSet rows = select.executeQuery()) {
      while (rows.next()) {
        String name = rows.getString(2);
        String stored = rows.getString(3);
        if (stored == null) {
          continue;
        }
        boolean secret = encryption.secretSetting().test(name) || ValueCipher.isSealed(stored);
        if (needsChange(stored, inUse, secret)) {
          String context = JdbcSettingsStore.context(name);
          String value = inUse.open(stored, context);
          update.setString(1, target.encrypts() && secret ? target.seal(value, context) : value);
          update.setLong(2, rows.getLong(1));
          update.addBatch();
          changed++;
        }
      }
      if (changed > 0) {
        update.executeBatch();
      }
    }
    return changed;
  }

  /** Records which key the values are now encrypted with (or that they are not). */
  private void writeCheck(Connection connection, String check) throws SQLException {
    String name = AtRestSchemaMigration.ENCRYPTION_KEY_CHECK;
    if (!target.encrypts()) {
      if (check != null) {
        try (PreparedStatement delete = connection.prepareStatement(
            "DELETE FROM " + AtRestSchemaMigration.TABLE + " WHERE name = ?")) {
          delete.setString(1, name);
          delete.executeUpdate();
        }
      }
    } else if (check == null) {
      AtRestSchemaMigration.insert(connection, name, encryption.key().check());
    } else if (!encryption.key().matches(check)) {
      updateInstallation(connection, name, encryption.key().check());
    }
  }

  private static void updateInstallation(Connection connection, String name, String value) throws SQLException {
    try (PreparedStatement update = connection.prepareStatement(
        "UPDATE " + AtRestSchemaMigration.TABLE + " SET value = ?, updated_at = ? WHERE name = ?")) {
      update.setString(1, value);
      update.setLong(2, System.currentTimeMillis());
      update.setString(3, name);
      update.executeUpdate();
    }
  }

  private Direction direction(String check, ValueCipher inUse) {
    if (check == null) {
      return target.encrypts() ? Direction.ENCRYPTED : Direction.NONE;
    }
    if (!target.encrypts()) {
      return Direction.DECRYPTED;
    }
    return inUse.equals(target) ? Direction.ENCRYPTED : Direction.ROTATED;
  }

  private void report(Sealing sealing, int masked) {
    switch (sealing.direction()) {
      case NONE -> { }
      case ENCRYPTED -> LOG.info("storage: API keys and secret settings are stored encrypted (AES-256-GCM){}",
          sealing.changed() == 0 ? "" : "; " + sealing.changed() + " value(s) in clear encrypted now");
      case ROTATED -> LOG.warn("storage: {} value(s) re-encrypted from {} to {}; remove {} now", sealing.changed(),
          PREVIOUS, KEY, PREVIOUS);
      case DECRYPTED -> LOG.warn("storage: {} value(s) decrypted: API keys and secret settings are stored in clear"
          + " again; remove {} now", sealing.changed(), PREVIOUS);
    }
    if (masked > 0) {
      LOG.info("storage: {} full key(s) or token(s) in gemini-balance's log and file rows masked", masked);
    }
  }
}
