package io.geminibalance.storage;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The value in force for every setting and where it came from. As in gemini-balance a saved value
 * wins over the environment, which wins over the default; unlike gemini-balance, a saved value
 * that hides a different environment value is reported, since that was a steady source of
 * confusion ("I changed .env and nothing happened"). Pure: no I/O.
 */
public record EffectiveSettings(Map<String, Setting> settings, List<String> warnings) {

  public enum Source { DEFAULT, ENV, SAVED }

  public record Setting(String value, Source source) {}

  public EffectiveSettings {
    settings = Collections.unmodifiableMap(new LinkedHashMap<>(settings));
    warnings = List.copyOf(warnings);
  }

  /**
   * @param env the process environment; only names that also appear in {@code defaults} are taken
   *     from it, so unrelated variables (PATH, HOME) do not become settings
   */
  public static EffectiveSettings merge(Map<String, String> defaults, Map<String, String> env,
      Map<String, String> saved) {
    Set<String> names = new LinkedHashSet<>(defaults.keySet());
    saved.keySet().stream().filter(name -> !isDatabaseSetting(name)).forEach(names::add);
    Map<String, Setting> result = new LinkedHashMap<>();
    List<String> warnings = new ArrayList<>();
    for (String name : names) {
      String fromEnv = defaults.containsKey(name) ? env.get(name) : null;
      String fromSaved = isDatabaseSetting(name) ? null : saved.get(name);
      result.put(name, choose(name, defaults.get(name), fromEnv, fromSaved, warnings));
    }
    return new EffectiveSettings(result, warnings);
  }

  /**
   * Where the database is cannot come from the database: gemini-balance wrote these rows too, and
   * a stale copy must not override the environment that was used to connect.
   */
  private static boolean isDatabaseSetting(String name) {
    return name.startsWith("DATABASE_") || name.startsWith("MYSQL_") || name.startsWith("POSTGRES_")
        || name.equals("SQLITE_DATABASE");
  }

  private static Setting choose(String name, String fallback, String fromEnv, String fromSaved,
      List<String> warnings) {
    if (fromSaved != null) {
      if (fromEnv != null && !fromEnv.equals(fromSaved)) {
        // Never quote the values: many settings are secrets.
        warnings.add(name + ": the saved value (admin UI / database) overrides a different value in the"
            + " environment; delete the saved value to use the environment's");
      }
      return new Setting(fromSaved, Source.SAVED);
    }
    if (fromEnv != null) {
      return new Setting(fromEnv, Source.ENV);
    }
    return new Setting(fallback, Source.DEFAULT);
  }

  public Optional<String> value(String name) {
    Setting setting = settings.get(name);
    return setting == null ? Optional.empty() : Optional.ofNullable(setting.value());
  }

  public Map<String, String> values() {
    Map<String, String> plain = new LinkedHashMap<>();
    settings.forEach((name, setting) -> plain.put(name, setting.value()));
    return plain;
  }
}
