package io.geminibalance.storage.jdbc;

import io.geminibalance.keypool.ApiKey;
import io.geminibalance.storage.ApiKeyStore;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * {@link ApiKeyStore} on our table {@code gb_api_keys}, unique by key fingerprint. With
 * ENCRYPTION_KEY the key column holds ciphertext ({@link ValueCipher}); the fingerprint and the
 * last 4 characters beside it stay in clear for look-ups.
 */
public final class JdbcApiKeyStore implements ApiKeyStore {
  private final Jdbc jdbc;
  private final Clock clock;
  private final ValueCipher cipher;

  JdbcApiKeyStore(Jdbc jdbc, Clock clock, ValueCipher cipher) {
    this.jdbc = jdbc;
    this.clock = clock;
    this.cipher = cipher;
  }

  /** What a sealed key is bound to: its own row, so a ciphertext moved to another row does not open. */
  static String context(String fingerprint) {
    return "gb_api_keys:" + fingerprint;
  }

  @Override
  public CompletableFuture<List<ApiKey>> list() {
    return jdbc.call("list api keys", connection -> {
      List<ApiKey> keys = new ArrayList<>();
      try (PreparedStatement select = connection.prepareStatement(
              "SELECT fingerprint, api_key FROM gb_api_keys ORDER BY id");
          ResultSet rows = select.executeQuery()) {
        while (rows.next()) {
          keys.add(new ApiKey(cipher.open(rows.getString(2), context(rows.getString(1)))));
        }
      }
      return keys;
    });
  }

  @Override
  public CompletableFuture<Integer> addAll(Collection<String> keys) {
    Map<String, String> byFingerprint = byFingerprint(keys);
    return jdbc.transaction("add api keys", connection -> {
      byFingerprint.keySet().removeAll(storedFingerprints(connection));
      insert(connection, byFingerprint);
      return byFingerprint.size();
    });
  }

  private void insert(Connection connection, Map<String, String> byFingerprint) throws SQLException {
    try (PreparedStatement insert = connection.prepareStatement(
        "INSERT INTO gb_api_keys (fingerprint, api_key, last4, created_at) VALUES (?, ?, ?, ?)")) {
      long now = clock.millis();
      for (Map.Entry<String, String> entry : byFingerprint.entrySet()) {
        insert.setString(1, entry.getKey());
        insert.setString(2, cipher.seal(entry.getValue(), context(entry.getKey())));
        insert.setString(3, lastFour(entry.getValue()));
        insert.setLong(4, now);
        insert.addBatch();
      }
      insert.executeBatch();
    }
  }

  @Override
  public CompletableFuture<Integer> removeAll(Collection<String> keys) {
    Set<String> fingerprints = byFingerprint(keys).keySet();
    return jdbc.transaction("remove api keys", connection -> {
      // A removed key's pool state goes with it, so that adding the key again starts it fresh.
      deleteByFingerprint(connection, "gb_key_model_state", fingerprints);
      deleteByFingerprint(connection, "gb_key_state", fingerprints);
      return deleteByFingerprint(connection, "gb_api_keys", fingerprints);
    });
  }

  private static int deleteByFingerprint(Connection connection, String table, Set<String> fingerprints)
      throws SQLException {
    int deleted = 0;
    try (PreparedStatement delete = connection.prepareStatement("DELETE FROM " + table + " WHERE fingerprint = ?")) {
      for (String fingerprint : fingerprints) {
        delete.setString(1, fingerprint);
        deleted += delete.executeUpdate();
      }
    }
    return deleted;
  }

  private static Set<String> storedFingerprints(Connection connection) throws SQLException {
    Set<String> stored = new HashSet<>();
    try (PreparedStatement select = connection.prepareStatement("SELECT fingerprint FROM gb_api_keys");
        ResultSet rows = select.executeQuery()) {
      while (rows.next()) {
        stored.add(rows.getString(1));
      }
    }
    return stored;
  }

  /** The last 4 characters kept in clear; none for a key that short (it would be the whole key). */
  static String lastFour(String key) {
    return key.length() <= 4 ? "" : key.substring(key.length() - 4);
  }

  /** Trimmed, non-blank, first occurrence wins; keeps the caller's order. */
  private static Map<String, String> byFingerprint(Collection<String> keys) {
    Map<String, String> result = new LinkedHashMap<>();
    for (String key : keys) {
      if (key != null && !key.isBlank()) {
        String trimmed = key.trim();
        result.putIfAbsent(new ApiKey(trimmed).fingerprint(), trimmed);
      }
    }
    return result;
  }
}
