package io.geminibalance.alerts;

import io.geminibalance.config.ConfigException;
import io.geminibalance.config.ConfigValues;
import java.net.URI;
import java.time.Duration;
import java.util.Locale;

/**
 * The alert settings in force.
 *
 * @param url ALERT_WEBHOOK_URL, or null when alerts are off
 * @param capacityPercent ALERT_CAPACITY_PERCENT (0: no capacity alerts)
 * @param interval ALERT_INTERVAL_SECONDS: the least time between two POSTs
 * @param timeout ALERT_TIMEOUT_SECONDS: one try, from connecting to the end of the answer
 */
public record AlertSettings(URI url, int capacityPercent, Duration interval, Duration timeout) {

  /** Reads and checks them; a bad URL is a {@link ConfigException} that does not show it (secret). */
  public static AlertSettings from(ConfigValues values) {
    String raw = values.string("ALERT_WEBHOOK_URL");
    return new AlertSettings(raw == null || raw.isBlank() ? null : webhook(raw.strip()),
        values.integer("ALERT_CAPACITY_PERCENT"), Duration.ofSeconds(values.integer("ALERT_INTERVAL_SECONDS")),
        Duration.ofSeconds(values.integer("ALERT_TIMEOUT_SECONDS")));
  }

  public boolean enabled() {
    return url != null;
  }

  /** The webhook's host, which is all a log line may name of it (its path or query may hold a token). */
  public String host() {
    return url == null ? "" : url.getHost();
  }

  private static URI webhook(String value) {
    try {
      URI uri = URI.create(value);
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      if ((scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null && uri.getRawUserInfo() == null) {
        return uri;
      }
    } catch (IllegalArgumentException e) {
      // worded below
    }
    throw new ConfigException("ALERT_WEBHOOK_URL", value,
        "an http(s) URL without user info, such as https://hooks.slack.com/services/...");
  }
}
