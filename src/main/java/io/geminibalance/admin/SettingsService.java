package io.geminibalance.admin;

import io.geminibalance.config.ConfigException;
import io.geminibalance.config.ConfigValues;
import io.geminibalance.config.GatewayConfig;
import io.geminibalance.config.SettingsCatalog;
import io.geminibalance.storage.ApiKeyStore;
import io.geminibalance.storage.EffectiveSettings;
import io.geminibalance.storage.AuditEntry;
import io.geminibalance.storage.SettingsStore;
import io.vertx.core.json.JsonArray;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
  private final AuditLog audit;
  private final AdminTokens adminTokens;

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
      Function<Map<String, String>, GatewayConfig> build, AuditLog audit, AdminTokens adminTokens) {
    this.build = build;
    this.audit = audit;
    this.adminTokens = adminTokens;
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
   * Validates {@code changes} together with everything else in force, records them in the audit
   * log, then saves and applies them. Nothing is saved when any value is bad, or when the audit row
   * cannot be written ({@link AuditLog.AuditFailed}).
   */
  public CompletableFuture<GatewayConfig> update(Map<String, String> changes, AdminCaller caller) {
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
      requireAnAdminToken(next);
      CompletableFuture<List<String>> keysBefore = changes.containsKey("API_KEYS")
          ? keys.list().thenApply(stored -> stored.stream().map(k -> k.secret()).toList())
          : CompletableFuture.completedFuture(null);
      return keysBefore
          .thenCompose(storedKeys -> audit.record(caller, "settings.update",
              updateChanges(changes, saved, merged, storedKeys, next)))
          .thenCompose(v -> AuditLog.reportFailure("settings.update", store.save(changes)
              .thenCompose(saveDone -> changes.containsKey("API_KEYS") ? replaceKeys(next.apiKeys())
                  : CompletableFuture.completedFuture(null))
              .thenCompose(keysDone -> withStoredKeys(next))
              .thenApply(config -> {
                apply.accept(config);
                return config;
              })));
    });
  }

  /**
   * The configuration the database holds now (saved settings over the environment, the stored key
   * set), for an instance told that another one changed it: the saving instance's own path, minus
   * the writes. Runs after any key change of this instance's in flight. The caller applies it.
   */
  public CompletableFuture<GatewayConfig> reload() {
    return serially(() -> store.loadAll()
        .thenApply(this::validate)
        .thenCompose(config -> keys.list()
            .thenApply(stored -> config.withApiKeys(stored.stream().map(k -> k.secret()).toList()))));
  }

  /**
   * Removes a saved value so the environment (or default) applies again; false when none was saved
   * (then nothing changes). Validated and audited before the value is removed.
   */
  public CompletableFuture<Boolean> revert(String name, AdminCaller caller) {
    if (SettingsCatalog.find(name).isEmpty()) {
      throw new InvalidSetting(name, name + ": unknown setting");
    }
    return store.loadAll().thenCompose(saved -> {
      if (!saved.containsKey(name)) {
        return CompletableFuture.completedFuture(false);
      }
      Map<String, String> remaining = new HashMap<>(saved);
      remaining.remove(name);
      GatewayConfig next = validate(remaining);
      requireAnAdminToken(next);
      return audit.record(caller, "settings.revert",
              AuditChanges.of(List.of(name), inForce(saved), inForce(remaining)))
          .thenCompose(v -> AuditLog.reportFailure("settings.revert", store.delete(name)
              .thenCompose(existed -> withStoredKeys(next).thenApply(config -> {
                apply.accept(config);
                return existed;
              }))));
    });
  }

  /**
   * The value in force of an editable secret, for an admin who asked to see it: recorded in the
   * audit log first (action {@code settings.reveal}), and not answered when that row cannot be
   * written. Which settings may be revealed is {@link ConfigApi}'s decision.
   */
  public CompletableFuture<String> reveal(String name, AdminCaller caller) {
    return effective().thenCompose(settings -> {
      String value = settings.values().get(name);
      return audit.record(caller, "settings.reveal", List.of(AuditChanges.revealed(name, value)))
          .thenApply(v -> value == null ? "" : value);
    });
  }

  /**
   * Without AUTH_TOKEN the generated token is the admin's; when there is none (the gateway always
   * ran with AUTH_TOKEN), leaving AUTH_TOKEN unset would lock every admin out.
   */
  private void requireAnAdminToken(GatewayConfig next) {
    if (next.authToken() == null && !adminTokens.hasGenerated()) {
      throw new InvalidSetting("AUTH_TOKEN", "AUTH_TOKEN: cannot be left unset: there is no generated admin token"
          + " to take over, so nobody could use the admin API. Create one first with POST /api/admin-token/rotate"
          + " (it answers the new token once).");
    }
  }

  /**
   * The masked changes of a PUT: only settings whose value in force changes, so a PUT that sets
   * everything to what it already is (a settings page saved whole) writes no audit row and no WARN
   * line, and a real change is not buried among rows that changed nothing. API_KEYS is compared
   * with the stored key set, which it replaces.
   */
  private List<AuditEntry.Change> updateChanges(Map<String, String> changes, Map<String, String> saved,
      Map<String, String> merged, List<String> storedKeys, GatewayConfig next) {
    Map<String, String> before = inForce(saved);
    Map<String, String> after = inForce(merged);
    List<AuditEntry.Change> result = new ArrayList<>();
    for (String name : changes.keySet()) {
      if (name.equals("API_KEYS") && storedKeys != null) {
        if (!new HashSet<>(storedKeys).equals(new HashSet<>(next.apiKeys()))) {
          result.add(AuditChanges.list(name, storedKeys, next.apiKeys()));
        }
      } else if (!AuditChanges.unchanged(name, before.get(name), after.get(name))) {
        result.add(AuditChanges.of(name, before.get(name), after.get(name)));
      }
    }
    return result;
  }

  /** Every setting's value in force with these saved values. */
  private Map<String, String> inForce(Map<String, String> saved) {
    return EffectiveSettings.merge(SettingsCatalog.defaults(), env, saved).values();
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

  /**
   * Adds keys (the key management page's bulk add): audited as an API_KEYS change, stored, then
   * live in the pool. Key changes run one after another, so that two at once cannot apply an older
   * key set after a newer one.
   *
   * @param secrets keys not yet in the pool, validated by the caller
   * @return how many were stored
   */
  public CompletableFuture<Integer> addKeys(List<String> secrets, AdminCaller caller) {
    return serially(() -> {
      List<String> before = current.get().apiKeys();
      List<String> after = new ArrayList<>(before);
      after.addAll(secrets);
      return audit.record(caller, "keys.add", List.of(AuditChanges.list("API_KEYS", before, after)))
          .thenCompose(v -> AuditLog.reportFailure("keys.add", keys.addAll(secrets)
              .thenCompose(added -> applyStoredKeys().thenApply(config -> added))));
    });
  }

  /**
   * Removes keys from storage (with their pool state) and from the pool, audited first. A saved
   * API_KEYS setting loses them too, so that they do not come back at the next start; keys that
   * the API_KEYS environment variable names do come back then ({@link #inEnvironment}).
   *
   * @return how many were stored
   */
  public CompletableFuture<Integer> removeKeys(List<String> secrets, AdminCaller caller) {
    return serially(() -> {
      List<String> before = current.get().apiKeys();
      Set<String> gone = new HashSet<>(secrets);
      List<String> after = before.stream().filter(k -> !gone.contains(k)).toList();
      return audit.record(caller, "keys.delete", List.of(AuditChanges.list("API_KEYS", before, after)))
          .thenCompose(v -> AuditLog.reportFailure("keys.delete", keys.removeAll(secrets)
              .thenCompose(removed -> forgetSavedKeys(gone).thenApply(x -> removed))
              .thenCompose(removed -> applyStoredKeys().thenApply(config -> removed))));
    });
  }

  /** Which of these keys the API_KEYS environment variable names (they return at the next start). */
  public List<String> inEnvironment(Collection<String> secrets) {
    String value = env.get("API_KEYS");
    if (value == null || value.isBlank()) {
      return List.of();
    }
    Set<String> envKeys = new HashSet<>(ConfigValues.listItems("API_KEYS", value));
    return secrets.stream().filter(envKeys::contains).toList();
  }

  private CompletableFuture<Void> forgetSavedKeys(Set<String> gone) {
    return store.loadAll().thenCompose(saved -> {
      String value = saved.get("API_KEYS");
      if (value == null || value.isBlank()) {
        return CompletableFuture.completedFuture(null);
      }
      List<String> savedKeys = ConfigValues.listItems("API_KEYS", value);
      if (savedKeys.stream().noneMatch(gone::contains)) {
        return CompletableFuture.completedFuture(null);
      }
      JsonArray remaining = new JsonArray(savedKeys.stream().filter(k -> !gone.contains(k)).toList());
      return store.save(Map.of("API_KEYS", remaining.encode())).thenApply(v -> null);
    });
  }

  /** The configuration in force with the stored key set, applied (the pool follows). */
  private CompletableFuture<GatewayConfig> applyStoredKeys() {
    return keys.list().thenApply(stored -> {
      GatewayConfig next = current.get().withApiKeys(stored.stream().map(k -> k.secret()).toList());
      apply.accept(next);
      return next;
    });
  }

  private CompletableFuture<?> keyChanges = CompletableFuture.completedFuture(null);

  private synchronized <T> CompletableFuture<T> serially(Supplier<CompletableFuture<T>> change) {
    CompletableFuture<T> next = keyChanges.handle((r, e) -> null).thenCompose(x -> change.get());
    keyChanges = next;
    return next;
  }
}
