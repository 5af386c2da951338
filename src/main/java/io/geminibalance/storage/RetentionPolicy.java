package io.geminibalance.storage;

import io.geminibalance.config.ConfigValues;
import io.geminibalance.config.SettingsCatalog;
import java.util.Map;

/**
 * How long logs are kept: AUTO_DELETE_ERROR_LOGS_ENABLED/_DAYS and
 * AUTO_DELETE_REQUEST_LOGS_ENABLED/_DAYS, as in gemini-balance, and USAGE_RETENTION_DAYS for the
 * daily usage roll-ups (defaults and ranges in the settings catalogue).
 */
public record RetentionPolicy(boolean errorLogsEnabled, int errorLogDays, boolean requestLogsEnabled,
    int requestLogDays, int usageDays) {

  public static final RetentionPolicy DEFAULTS = fromSettings(Map.of());

  public RetentionPolicy {
    requirePositive("AUTO_DELETE_ERROR_LOGS_DAYS", errorLogDays);
    requirePositive("AUTO_DELETE_REQUEST_LOGS_DAYS", requestLogDays);
    requirePositive("USAGE_RETENTION_DAYS", usageDays);
  }

  /** With USAGE_RETENTION_DAYS at its default. */
  public RetentionPolicy(boolean errorLogsEnabled, int errorLogDays, boolean requestLogsEnabled, int requestLogDays) {
    this(errorLogsEnabled, errorLogDays, requestLogsEnabled, requestLogDays,
        new ConfigValues(Map.of()).integer("USAGE_RETENTION_DAYS"));
  }

  /**
   * Reads the four settings from effective setting values; missing ones take the defaults.
   *
   * @throws io.geminibalance.config.ConfigException naming a bad setting
   */
  public static RetentionPolicy fromSettings(Map<String, String> settings) {
    ConfigValues v = new ConfigValues(settings);
    return new RetentionPolicy(v.bool("AUTO_DELETE_ERROR_LOGS_ENABLED"), v.integer("AUTO_DELETE_ERROR_LOGS_DAYS"),
        v.bool("AUTO_DELETE_REQUEST_LOGS_ENABLED"), v.integer("AUTO_DELETE_REQUEST_LOGS_DAYS"),
        v.integer("USAGE_RETENTION_DAYS"));
  }

  private static void requirePositive(String name, int days) {
    if (days < SettingsCatalog.definition(name).range().intMin()) {
      throw new IllegalArgumentException(name + ": '" + days + "' (expected: a positive whole number of days)");
    }
  }
}
