package io.geminibalance.storage.jdbc;

import java.time.Clock;
import java.time.ZoneId;

/** Builds the JDBC stores over one {@link Jdbc}; the only way to create them outside this package. */
public final class JdbcStores {
  private final Jdbc jdbc;
  private final JdbcValues values;
  private final Clock clock;

  public JdbcStores(Jdbc jdbc, ZoneId zone, Clock clock) {
    this.jdbc = jdbc;
    this.values = new JdbcValues(zone);
    this.clock = clock;
  }

  public JdbcSettingsStore settings() {
    return new JdbcSettingsStore(jdbc, values, clock);
  }

  public JdbcApiKeyStore apiKeys() {
    return new JdbcApiKeyStore(jdbc, clock);
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

  public JdbcStatsStore stats() {
    return new JdbcStatsStore(jdbc, values);
  }

  public JdbcAdminTokenStore adminToken() {
    return new JdbcAdminTokenStore(jdbc, clock);
  }

  public JdbcAuditLogStore auditLog() {
    return new JdbcAuditLogStore(jdbc);
  }
}
