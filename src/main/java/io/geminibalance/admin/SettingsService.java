package io.geminibalance.admin;

import io.geminibalance.config.ConfigException;
import io.geminibalance.config.GatewayConfig;
import io.geminibalance.config.SettingsCatalog;
import io.geminibalance.storage.ApiKeyStore;
import io.geminibalance.storage.EffectiveSettings;
import io.geminibalance.storage.SettingsStore;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Settings as the admin sees them: every value in force with its source (default, environment,
 * saved), changes validated as a whole before anything is saved, and applied at once.
 * Precedence: defaults < environment/.env < saved.
 */
public final class SettingsService {
  private final Map<String, String> env;
  private final SettingsStore store;
  private final ApiKeyStore keys;
  private final Supplier<GatewayConfig> current;
  private final Consumer<GatewayConfig> apply;
  private final Function<Map<String, String>, GatewayConfig> build;

  /** A rejected change: which setting and why (for a 400). */
  public static final class InvalidSetting extends RuntimeException {
    private final String name;

    public InvalidSetting(String name, String message) {
      super(message);
      this.name = name;
    }

    public String name() {
      return name;
    }
  }

  public SettingsService(Map<String, String> env, SettingsStore store, ApiKeyStore keys,
      Supplier<GatewayConfig> current, Consumer<GatewayConfig> apply,
      Function<Map<String, String>, GatewayConfig> build) {
    this.build = build;
    this.env = Map.copyOf(env);
    this.store = store;
    this.keys = keys;
    this.current = current;
    this.apply = apply;
  }

  /** Every catalogued setting with its value in force and its source. */
  public CompletableFuture<EffectiveSettings> effective() {
    return store.loadAll().thenApply(saved -> EffectiveSettings.merge(SettingsCatalog.defaults(), env, saved));
  }

  /**
   * Validates {@code changes} together with everything else in force, then saves and applies them.
   * Nothing is saved when any value is bad.
   */
  public CompletableFuture<GatewayConfig> update(Map<String, String> changes) {
    for (String name : changes.keySet()) {
      SettingsCatalog.Definition def = SettingsCatalog.find(name)
          .orElseThrow(() -> new InvalidSetting(name, name + ": unknown setting"));
      if (!def.editable()) {
        throw new InvalidSetting(name, name + ": can only be set in the environment (restart to change)");
      }
    }
    return store.loadAll().thenCompose(saved -> {
      Map<String, String> merged = new HashMap<>(saved);
      merged.putAll(changes);
      GatewayConfig next = validate(merged);
      return store.save(changes)
          .thenCompose(v -> changes.containsKey("API_KEYS") ? replaceKeys(next.apiKeys()) : CompletableFuture.completedFuture(null))
          .thenCompose(v -> withStoredKeys(next))
          .thenApply(config -> {
            apply.accept(config);
            return config;
          });
    });
  }

  /** Removes a saved value so the environment (or default) applies again. */
  public CompletableFuture<Boolean> revert(String name) {
    if (SettingsCatalog.find(name).isEmpty()) {
      throw new InvalidSetting(name, name + ": unknown setting");
    }
    return store.delete(name).thenCompose(existed -> store.loadAll().thenCompose(saved -> {
      GatewayConfig next = validate(new HashMap<>(saved));
      return withStoredKeys(next).thenApply(config -> {
        apply.accept(config);
        return existed;
      });
    }));
  }

  private GatewayConfig validate(Map<String, String> saved) {
    Map<String, String> raw = new HashMap<>(env);
    raw.putAll(saved);
    try {
      return build.apply(raw);
    } catch (ConfigException e) {
      throw new InvalidSetting(e.name(), e.getMessage());
    }
  }

  /** An explicit API_KEYS edit sets the stored key set to exactly that list. */
  private CompletableFuture<Void> replaceKeys(List<String> wanted) {
    return keys.list().thenCompose(stored -> {
      List<String> storedSecrets = stored.stream().map(k -> k.secret()).toList();
      List<String> removed = storedSecrets.stream().filter(k -> !wanted.contains(k)).toList();
      return keys.removeAll(removed).thenCompose(n -> keys.addAll(wanted)).thenApply(n -> null);
    });
  }

  private CompletableFuture<GatewayConfig> withStoredKeys(GatewayConfig config) {
    return keys.addAll(config.apiKeys()).thenCompose(n -> keys.list())
        .thenApply(stored -> config.withApiKeys(stored.stream().map(k -> k.secret()).toList()));
  }

  public GatewayConfig current() {
    return current.get();
  }
}
