package io.geminibalance.storage.jdbc;

import io.geminibalance.storage.KeyMatch;
import java.util.List;

/**
 * The SQL condition selecting the rows of a {@link KeyMatch}: by fingerprint, and when the whole
 * key is known also gemini-balance's rows, which have no fingerprint but the key in
 * {@code legacyColumn}. (Filling in fingerprints for those rows is what ENCRYPTION_KEY's
 * {@link LegacyKeyColumns} pass does; without it they stay as gemini-balance left them.)
 */
final class KeyCondition {
  private KeyCondition() {}

  static String sql(KeyMatch key, String legacyColumn) {
    return key.secret() == null ? "gb_key_fingerprint = ?"
        : "(gb_key_fingerprint = ? OR (gb_key_fingerprint IS NULL AND " + legacyColumn + " = ?))";
  }

  /** The values to bind, in the order of the {@link #sql} parameters. */
  static List<Object> values(KeyMatch key) {
    return key.secret() == null ? List.of(key.fingerprint()) : List.of(key.fingerprint(), key.secret());
  }
}
