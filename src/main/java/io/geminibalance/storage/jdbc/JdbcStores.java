package io.geminibalance.storage.jdbc;

import io.geminibalance.storage.EncryptionKey;
import java.time.Clock;
import java.time.ZoneId;
import java.util.function.Predicate;

/** Builds the JDBC stores over one {@link Jdbc}; the only way to create them outside this package. */
public final class JdbcStores {
  private final Jdbc jdbc;
  private final JdbcValues values;
  private final Clock clock;
  private final ValueCipher cipher;
  private final Predicate<String> secretSetting;

  /**
   * @param key ENCRYPTION_KEY, or null to store keys and settings in clear
   * @param secretSetting the settings whose values are encrypted (with a key)
   */
  public JdbcStores(Jdbc jdbc, ZoneId zone, Clock clock, EncryptionKey key, Predicate<String> secretSetting) {
    this.jdbc = jdbc;
    this.values = new JdbcValues(zone);
    this.clock = clock;
    this.cipher = ValueCipher.of(key);
    this.secretSetting = secretSetting;
  }

  public JdbcSettingsStore settings() {
    return new JdbcSettingsStore(jdbc, values, clock, cipher, secretSetting);
  }

  public JdbcApiKeyStore apiKeys() {
    return new JdbcApiKeyStore(jdbc, clock, cipher);
  }

  public JdbcKeyStateStore keyStates() {
    return new JdbcKeyStateStore(jdbc);
  }

  public JdbcRequestLogStore requestLogs() {
    return new JdbcRequestLogStore(jdbc, values);
  }

  public JdbcErrorLogStore errorLogs() {
    return new JdbcErrorLogStore(jdbc, values);
  }

  public JdbcUsageStore usage() {
    return new JdbcUsageStore(jdbc);
  }

  public JdbcStatsStore stats() {
    return new JdbcStatsStore(jdbc, values);
  }

  public JdbcAdminTokenStore adminToken() {
    return new JdbcAdminTokenStore(jdbc, clock);
  }

  public JdbcAuditLogStore auditLog() {
    return new JdbcAuditLogStore(jdbc);
  }

  public JdbcAdminSessionStore adminSessions() {
    return new JdbcAdminSessionStore(jdbc);
  }

  public JdbcResourceStore resources() {
    return new JdbcResourceStore(jdbc, values, clock);
  }

  public JdbcUploadSessionStore uploadSessions() {
    return new JdbcUploadSessionStore(jdbc);
  }

  public JdbcResponseStore responses() {
    return new JdbcResponseStore(jdbc);
  }

  public JdbcClientTokenStore clientTokens() {
    return new JdbcClientTokenStore(jdbc);
  }
}
