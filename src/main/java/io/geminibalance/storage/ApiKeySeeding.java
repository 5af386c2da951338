package io.geminibalance.storage;

import io.geminibalance.config.ConfigException;
import io.geminibalance.config.ConfigValues;
import io.geminibalance.keypool.ApiKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The start-up step that fills {@link ApiKeyStore}: the keys of API_KEYS from the environment and
 * from a saved t_settings row (how gemini-balance kept them) are added to the table, never
 * removed from it. Returns every stored key, ready for the key pool.
 */
public final class ApiKeySeeding {
  private final ApiKeyStore keys;

  public ApiKeySeeding(ApiKeyStore keys) {
    this.keys = keys;
  }

  /**
   * @param envApiKeys the API_KEYS environment value (JSON list or comma-separated), may be null
   * @param saved the saved settings, as loaded by {@link SettingsStore#loadAll()}
   */
  public CompletableFuture<List<ApiKey>> seed(String envApiKeys, Map<String, String> saved) {
    List<String> candidates = new ArrayList<>(parse("API_KEYS (environment)", envApiKeys));
    candidates.addAll(parse("API_KEYS (saved setting)", saved.get("API_KEYS")));
    return keys.addAll(candidates).thenCompose(added -> keys.list());
  }

  private static List<String> parse(String source, String value) {
    if (value == null) {
      return List.of();
    }
    try {
      return ConfigValues.listItems("API_KEYS", value);
    } catch (ConfigException e) {
      throw new IllegalArgumentException(source + ": " + e.getMessage(), e);
    }
  }
}
