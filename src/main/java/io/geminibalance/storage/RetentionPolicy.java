package io.geminibalance.storage;

import java.util.Map;

/**
 * How long logs are kept: AUTO_DELETE_ERROR_LOGS_ENABLED/_DAYS (default on, 7 days) and
 * AUTO_DELETE_REQUEST_LOGS_ENABLED/_DAYS (default off, 30 days), as in gemini-balance.
 */
public record RetentionPolicy(boolean errorLogsEnabled, int errorLogDays, boolean requestLogsEnabled,
    int requestLogDays) {

  public static final RetentionPolicy DEFAULTS = new RetentionPolicy(true, 7, false, 30);

  public RetentionPolicy {
    requirePositive("AUTO_DELETE_ERROR_LOGS_DAYS", errorLogDays);
    requirePositive("AUTO_DELETE_REQUEST_LOGS_DAYS", requestLogDays);
  }

  /** Reads the four settings from effective setting values; missing ones take the defaults. */
  public static RetentionPolicy fromSettings(Map<String, String> settings) {
    return new RetentionPolicy(
        bool(settings, "AUTO_DELETE_ERROR_LOGS_ENABLED", DEFAULTS.errorLogsEnabled()),
        days(settings, "AUTO_DELETE_ERROR_LOGS_DAYS", DEFAULTS.errorLogDays()),
        bool(settings, "AUTO_DELETE_REQUEST_LOGS_ENABLED", DEFAULTS.requestLogsEnabled()),
        days(settings, "AUTO_DELETE_REQUEST_LOGS_DAYS", DEFAULTS.requestLogDays()));
  }

  private static boolean bool(Map<String, String> settings, String name, boolean fallback) {
    try {
      return SettingValues.bool(settings.get(name), fallback);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(name + ": " + e.getMessage(), e);
    }
  }

  private static int days(Map<String, String> settings, String name, int fallback) {
    String value = settings.get(name);
    if (value == null || value.isBlank()) {
      return fallback;
    }
    try {
      return Integer.parseInt(value.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + ": '" + value + "' (expected: a positive whole number of days)", e);
    }
  }

  private static void requirePositive(String name, int days) {
    if (days < 1) {
      throw new IllegalArgumentException(name + ": '" + days + "' (expected: a positive whole number of days)");
    }
  }
}
