package io.geminibalance.storage;

import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Saved settings in gemini-balance's {@code t_settings} (name -> text value; lists and maps as
 * JSON, booleans as true/false), so the gateway reads an existing gemini-balance configuration.
 */
public interface SettingsStore {
  CompletableFuture<Map<String, String>> loadAll();

  /** Inserts or updates each entry; entries not named are left alone. */
  CompletableFuture<Void> save(Map<String, String> values);

  /** Removes a saved value so the environment or the default applies again; false if there was none. */
  CompletableFuture<Boolean> delete(String name);
}
