package io.geminibalance.app;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.geminibalance.config.ConfigException;
import io.geminibalance.config.GatewayConfig;
import io.geminibalance.config.SettingsCatalog;
import io.geminibalance.requestlog.ErrorLogSanitizer;
import io.geminibalance.requestlog.LogWriter;
import io.geminibalance.requestlog.SecretRedactor;
import io.geminibalance.requestlog.StoredAttemptLog;
import io.geminibalance.storage.AtRestEncryption;
import io.geminibalance.storage.EffectiveSettings;
import io.geminibalance.storage.EncryptionKeyException;
import io.geminibalance.storage.RetentionPolicy;
import io.geminibalance.storage.Storage;
import io.geminibalance.storage.StorageConfig;
import java.time.Duration;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's memory: opens storage, works out the configuration in force (defaults <
 * environment < saved settings), merges the stored key set, and builds the asynchronous log
 * writers. Start-up only; the data plane sees none of this but the writers' queues.
 */
public final class Persistence implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Persistence.class);
  /**
   * Settings a saved value may not change: they need a restart and are read from the environment
   * (the catalogue declares them not editable).
   */
  static final Set<String> ENV_ONLY = envOnly();

  private final Storage storage;
  private final Map<String, String> env;
  /** The process-wide one, so that the keys registered here are masked in the process log too. */
  private final SecretRedactor redactor = SecretRedactor.process();
  private StoredAttemptLog attemptLog;

  private Persistence(Storage storage, Map<String, String> env) {
    this.storage = storage;
    this.env = Map.copyOf(env);
  }

  /** Opens (and migrates) the database named by the environment. Blocking: call before serving. */
  public static Persistence open(Map<String, String> env) {
    StorageConfig config;
    try {
      config = StorageConfig.fromEnv(env);
    } catch (IllegalArgumentException e) {
      // Storage words its messages as "NAME: 'value' (expected: ...)" for the setting at fault.
      String message = e.getMessage();
      int colon = message.indexOf(':');
      String name = colon > 0 && message.substring(0, colon).matches("[A-Z][A-Z0-9_]*")
          ? message.substring(0, colon) : "DATABASE_TYPE";
      throw new ConfigException(name, message);
    }
    try {
      return new Persistence(Storage.open(config, AtRestEncryption.fromEnv(env, Persistence::isSecretSetting)), env);
    } catch (EncryptionKeyException e) {
      throw new ConfigException(e.setting(), e.getMessage());
    }
  }

  private static Set<String> envOnly() {
    return SettingsCatalog.all().stream().filter(SettingsCatalog.Definition::envOnly)
        .map(SettingsCatalog.Definition::name).collect(java.util.stream.Collectors.toUnmodifiableSet());
  }

  /**
   * Which saved settings are stored encrypted when ENCRYPTION_KEY is set: the catalogue's secrets,
   * and any name it does not know (gemini-balance saved VERTEX_API_KEYS, PAID_KEY, PROXIES with
   * passwords, image-host tokens, ...: without knowing a value, assume it is a secret).
   */
  static boolean isSecretSetting(String name) {
    return SettingsCatalog.find(name).map(SettingsCatalog.Definition::secret).orElse(true);
  }

  public Storage storage() {
    return storage;
  }

  public Map<String, String> env() {
    return env;
  }

  /** The configuration in force: environment overlaid by saved settings, keys from the key store. */
  public GatewayConfig effectiveConfig() {
    Map<String, String> saved = new HashMap<>(storage.settings().loadAll().join());
    ENV_ONLY.forEach(saved::remove);
    EffectiveSettings effective = EffectiveSettings.merge(SettingsCatalog.defaults(), env, saved);
    effective.warnings().forEach(w -> LOG.warn("settings: {}", w));
    GatewayConfig config = validWithSaved(saved);
    storage.apiKeys().addAll(config.apiKeys()).join();
    List<String> keys = storage.apiKeys().list().join().stream().map(k -> k.secret()).toList();
    redactor.registerAll(keys);
    return config.withApiKeys(keys);
  }

  /** Builds the config; a saved value that no longer validates is skipped with a warning. */
  private GatewayConfig validWithSaved(Map<String, String> saved) {
    while (true) {
      Map<String, String> raw = new HashMap<>(env);
      raw.putAll(saved);
      try {
        return Settings.build(raw);
      } catch (ConfigException e) {
        if (!saved.containsKey(e.name())) {
          throw e;
        }
        LOG.warn("settings: ignoring the saved value of {}: {}", e.name(), e.getMessage());
        saved.remove(e.name());
      }
    }
  }

  /** The request/error log sink; built once. */
  public synchronized StoredAttemptLog attemptLog(Supplier<GatewayConfig> config) {
    if (attemptLog == null) {
      ObjectMapper json = new ObjectMapper();
      LogWriter<io.geminibalance.requestlog.RequestLogEntry> requests =
          storage.newRequestLogWriter(writerOptions("request-log", config.get()));
      LogWriter<io.geminibalance.requestlog.ErrorLogEntry> errors = storage.newErrorLogWriter(
          writerOptions("error-log", config.get()), new ErrorLogSanitizer(redactor,
              () -> recordBodies(config.get()), json),
          io.geminibalance.requestlog.ErrorLogMemory.budget(Settings.errorLogQueueBytes(config.get())));
      attemptLog = new StoredAttemptLog(requests, errors, () -> recordBodies(config.get()),
          () -> Settings.errorLogBodyMaxBytes(config.get()));
    }
    return attemptLog;
  }

  /** The writers' queue bound: rows beyond it while the database is away are counted as dropped. */
  private static LogWriter.Options writerOptions(String name, GatewayConfig config) {
    LogWriter.Options d = LogWriter.Options.defaults(name);
    int capacity = config.values().integer("LOG_QUEUE_SIZE");
    // Retry a failed batch at least every 5 s, so logging resumes soon after the database returns.
    return new LogWriter.Options(name, capacity, Math.min(d.batchSize(), capacity), d.initialBackoff(),
        Duration.ofSeconds(5), d.closeTimeout());
  }

  private static boolean recordBodies(GatewayConfig config) {
    return config.values().bool("ERROR_LOG_RECORD_REQUEST_BODY");
  }

  /** Starts the daily log clean-up at 00:00 in TIMEZONE. */
  public void startRetention(Supplier<GatewayConfig> config) {
    ZoneId zone = config.get().values().zone("TIMEZONE");
    storage.newRetentionJob(() -> RetentionPolicy.fromSettings(config.get().values().raw())).start(zone);
  }

  public SecretRedactor redactor() {
    return redactor;
  }

  public Duration keyStateInterval() {
    return Duration.ofSeconds(2);
  }

  @Override
  public void close() {
    storage.close();
  }
}
