package io.geminibalance.config;

import java.util.Locale;

/**
 * Which settings hold secrets, so that no message ever shows their value: the catalogue says so
 * for its own settings; a setting outside it (database passwords and URLs, proxies) counts as
 * secret when its name says it holds one.
 */
public final class SecretSettings {
  /**
   * The shortest credential the gateway accepts: the log redactor masks secrets from this length
   * on (shorter ones would mask ordinary words too), so a shorter one could show whole in a log line.
   */
  public static final int MIN_LENGTH = 8;

  private SecretSettings() {}

  public static boolean isSecret(String name) {
    return SettingsCatalog.find(name).map(SettingsCatalog.Definition::secret).orElseGet(() -> {
      String upper = name.toUpperCase(Locale.ROOT);
      return upper.contains("PASSWORD") || upper.contains("SECRET") || upper.contains("TOKEN")
          || upper.endsWith("_KEY") || upper.endsWith("_KEYS") || upper.equals("DATABASE_URL")
          || upper.equals("PROXIES");
    });
  }
}
