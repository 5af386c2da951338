package io.geminibalance.storage.jdbc;

import io.geminibalance.storage.SettingsStore;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.LocalDateTime;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;

/**
 * {@link SettingsStore} on gemini-balance's {@code t_settings}. With ENCRYPTION_KEY the values of
 * secret settings are stored sealed ({@link ValueCipher}); the others stay readable.
 */
public final class JdbcSettingsStore implements SettingsStore {
  private final Jdbc jdbc;
  private final JdbcValues values;
  private final Clock clock;
  private final String keyColumn;
  private final ValueCipher cipher;
  private final Predicate<String> secret;

  JdbcSettingsStore(Jdbc jdbc, JdbcValues values, Clock clock, ValueCipher cipher, Predicate<String> secret) {
    this.jdbc = jdbc;
    this.values = values;
    this.clock = clock;
    this.keyColumn = jdbc.dialect().quote("key");
    this.cipher = cipher;
    this.secret = secret;
  }

  /** What a sealed value is bound to: its setting, so a ciphertext copied to another name does not open. */
  static String context(String name) {
    return "t_settings:" + name;
  }

  private String stored(String name, String value) {
    return secret.test(name) ? cipher.seal(value, context(name)) : value;
  }

  @Override
  public CompletableFuture<Map<String, String>> loadAll() {
    return jdbc.call("load settings", connection -> {
      Map<String, String> result = new LinkedHashMap<>();
      try (PreparedStatement select = connection.prepareStatement(
              "SELECT " + keyColumn + ", value FROM t_settings ORDER BY id");
          ResultSet rows = select.executeQuery()) {
        while (rows.next()) {
          String name = rows.getString(1);
          result.put(name, cipher.open(rows.getString(2), context(name)));
        }
      }
      return result;
    });
  }

  @Override
  public CompletableFuture<Void> save(Map<String, String> settings) {
    Map<String, String> copy = new LinkedHashMap<>(settings);
    return jdbc.transaction("save settings", connection -> {
      LocalDateTime now = values.local(clock.instant());
      for (Map.Entry<String, String> entry : copy.entrySet()) {
        if (!update(connection, entry, now)) {
          insert(connection, entry, now);
        }
      }
      return null;
    });
  }

  private boolean update(Connection connection, Map.Entry<String, String> entry, LocalDateTime now)
      throws SQLException {
    try (PreparedStatement update = connection.prepareStatement(
        "UPDATE t_settings SET value = ?, updated_at = ? WHERE " + keyColumn + " = ?")) {
      update.setString(1, stored(entry.getKey(), entry.getValue()));
      jdbc.dialect().setTime(update, 2, now);
      update.setString(3, entry.getKey());
      return update.executeUpdate() > 0;
    }
  }

  private void insert(Connection connection, Map.Entry<String, String> entry, LocalDateTime now)
      throws SQLException {
    try (PreparedStatement insert = connection.prepareStatement("INSERT INTO t_settings (" + keyColumn
        + ", value, description, created_at, updated_at) VALUES (?, ?, ?, ?, ?)")) {
      insert.setString(1, entry.getKey());
      insert.setString(2, stored(entry.getKey(), entry.getValue()));
      insert.setString(3, entry.getKey() + " configuration");
      jdbc.dialect().setTime(insert, 4, now);
      jdbc.dialect().setTime(insert, 5, now);
      insert.executeUpdate();
    }
  }

  @Override
  public CompletableFuture<Boolean> delete(String name) {
    return jdbc.call("delete setting " + name, connection -> {
      try (PreparedStatement delete = connection.prepareStatement(
          "DELETE FROM t_settings WHERE " + keyColumn + " = ?")) {
        delete.setString(1, name);
        return delete.executeUpdate() > 0;
      }
    });
  }
}
