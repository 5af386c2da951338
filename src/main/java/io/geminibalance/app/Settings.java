package io.geminibalance.app;

import io.geminibalance.config.ConfigException;
import io.geminibalance.config.GatewayConfig;
import io.geminibalance.config.SettingsCatalog;
import io.geminibalance.keypool.LeaseQueue;
import io.geminibalance.keypool.QuotaPolicy;
import io.geminibalance.requestlog.SecretRedactor;
import io.geminibalance.upstream.ProxyAddress;
import io.geminibalance.upstream.UpstreamClient;
import io.geminibalance.upstream.UpstreamProxies;
import java.util.List;
import java.util.Map;

/**
 * Builds a configuration and validates every setting the gateway reads, including those owned by
 * other modules (quota limits, the wait queue), so that a bad value fails start-up, or a save
 * through the admin API, with one line naming it.
 */
final class Settings {
  private Settings() {}

  static GatewayConfig build(Map<String, String> raw) {
    ConfiguredSecrets.registerRaw(raw, SecretRedactor.process());
    GatewayConfig config = GatewayConfig.from(raw);
    quotaPolicy(config);
    queueSettings(config);
    io.geminibalance.relay.OpenAiOptions.from(config);
    io.geminibalance.relay.OpenAiOptions.audio(config);
    io.geminibalance.admin.ModelPrices.from(config.values());
    io.geminibalance.relay.AnthropicRelay.modelMap(config);
    io.geminibalance.relay.ImageLimits.from(config);
    io.geminibalance.relay.imagehost.ImageHosts.from(config.values());
    upstreamPool(config);
    proxies(config);
    VertexExpress.Config.from(config);
    errorLogBodyMaxBytes(config);
    errorLogQueueBytes(config);
    adminAuthFailuresPerMinute(config);
    clientLimits(config);
    io.geminibalance.alerts.AlertSettings.from(config.values());
    io.geminibalance.server.EdgePolicy.from(config.values());
    // Storage settings are checked where the database is opened: they matter only for its type.
    config.values().checkTyped(def -> def.group() != SettingsCatalog.Group.STORAGE);
    ConfiguredSecrets.register(config, SecretRedactor.process());
    return config;
  }

  /** ERROR_LOG_REQUEST_BODY_MAX_KB in bytes. */
  static int errorLogBodyMaxBytes(GatewayConfig config) {
    return 1024 * config.values().integer("ERROR_LOG_REQUEST_BODY_MAX_KB");
  }

  /** ERROR_LOG_QUEUE_MB in bytes: what error-log rows waiting for the database may hold. */
  static long errorLogQueueBytes(GatewayConfig config) {
    return 1024L * 1024 * config.values().integer("ERROR_LOG_QUEUE_MB");
  }

  /** Failed admin authentications allowed per client address and minute (then 429 until the minute is over). */
  static int adminAuthFailuresPerMinute(GatewayConfig config) {
    return config.values().integer("ADMIN_AUTH_FAILURES_PER_MINUTE");
  }

  /** Seconds an admin web UI session lasts from its login (live: read at each login). */
  static int adminSessionExpireSeconds(GatewayConfig config) {
    return config.values().integer("ADMIN_SESSION_EXPIRE");
  }

  /** Client connection limits and timeouts (read at start; changing them needs a restart). */
  static io.geminibalance.server.ClientLimits clientLimits(GatewayConfig config) {
    return io.geminibalance.server.ClientLimits.from(config.values());
  }

  /** Upstream connection pools (read at start; changing them needs a restart). */
  static UpstreamClient.Pool upstreamPool(GatewayConfig config) {
    return new UpstreamClient.Pool(
        config.values().integer("UPSTREAM_MAX_CONNECTIONS"),
        config.values().integer("UPSTREAM_HTTP2_MAX_CONNECTIONS"),
        config.values().bool("UPSTREAM_H2C"));
  }

  /** PROXIES, each entry checked; a bad one is refused by its position (the value may hold a password). */
  static List<ProxyAddress> proxies(GatewayConfig config) {
    try {
      return UpstreamProxies.parse(config.values().list("PROXIES"));
    } catch (IllegalArgumentException e) {
      throw new ConfigException("PROXIES", e.getMessage());
    }
  }

  static QuotaPolicy quotaPolicy(GatewayConfig config) {
    try {
      return QuotaPolicy.fromEnv(config.values().raw()).withMaxFailures(config.maxFailures());
    } catch (IllegalArgumentException e) {
      throw asConfigException(e);
    }
  }

  static LeaseQueue.Settings queueSettings(GatewayConfig config) {
    try {
      return LeaseQueue.Settings.fromEnv(config.values().raw());
    } catch (IllegalArgumentException e) {
      throw asConfigException(e);
    }
  }

  /** The modules word their errors as {@code NAME: 'value' (expected: ...)}; keep that line. */
  private static ConfigException asConfigException(IllegalArgumentException e) {
    String message = e.getMessage() == null ? "invalid setting" : e.getMessage();
    int colon = message.indexOf(':');
    return ConfigException.quoting(colon > 0 ? message.substring(0, colon) : "settings", message);
  }
}
