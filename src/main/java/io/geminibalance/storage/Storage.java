package io.geminibalance.storage;

import com.zaxxer.hikari.HikariDataSource;
import io.geminibalance.requestlog.ErrorLogEntry;
import io.geminibalance.requestlog.ErrorLogMemory;
import io.geminibalance.requestlog.ErrorLogSanitizer;
import io.geminibalance.requestlog.LogWriter;
import io.geminibalance.requestlog.RequestLogEntry;
import io.geminibalance.requestlog.TokenFingerprints;
import io.geminibalance.storage.jdbc.AtRestMigration;
import io.geminibalance.storage.jdbc.DataSources;
import io.geminibalance.storage.jdbc.Jdbc;
import io.geminibalance.storage.jdbc.JdbcStores;
import io.geminibalance.storage.jdbc.Migrations;
import io.geminibalance.storage.jdbc.SqlDialect;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The storage layer in one object: {@link #open} connects, migrates the schema and builds the
 * stores; {@link #close} flushes every writer it handed out (in reverse order of creation), then
 * closes the pool. Every store method is asynchronous (see {@link Jdbc}).
 */
public final class Storage implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Storage.class);

  private final StorageConfig config;
  private final HikariDataSource dataSource;
  private final Jdbc jdbc;
  private final Clock clock;
  private final SettingsStore settings;
  private final ApiKeyStore apiKeys;
  private final KeyStateStore keyStates;
  private final RequestLogStore requestLogs;
  private final ErrorLogStore errorLogs;
  private final StatsStore stats;
  private final UsageStore usage;
  private final AdminTokenStore adminToken;
  private final AuditLogStore auditLog;
  private final AdminSessionStore adminSessions;
  private final ResourceStore resources;
  private final UploadSessionStore uploadSessions;
  private final ResponseStore responses;
  private final ClientTokenStore clientTokens;
  private final TokenFingerprints tokenFingerprints;
  private final Deque<AutoCloseable> writers = new ArrayDeque<>();
  private boolean closed;

  private Storage(StorageConfig config, HikariDataSource dataSource, Jdbc jdbc, Clock clock,
      AtRestEncryption encryption, TokenFingerprints tokenFingerprints) {
    this.config = config;
    this.dataSource = dataSource;
    this.clock = clock;
    this.jdbc = jdbc;
    this.tokenFingerprints = tokenFingerprints;
    JdbcStores stores = new JdbcStores(jdbc, config.zone(), clock, encryption.key(), encryption.secretSetting());
    this.settings = stores.settings();
    this.apiKeys = stores.apiKeys();
    this.keyStates = stores.keyStates();
    this.requestLogs = stores.requestLogs();
    this.errorLogs = stores.errorLogs();
    this.stats = stores.stats();
    this.usage = stores.usage();
    this.adminToken = stores.adminToken();
    this.auditLog = stores.auditLog();
    this.adminSessions = stores.adminSessions();
    this.resources = stores.resources();
    this.uploadSessions = stores.uploadSessions();
    this.responses = stores.responses();
    this.clientTokens = stores.clientTokens();
  }

  /** Connects and migrates; blocks (call it at start-up, before the event loops take traffic). */
  public static Storage open(StorageConfig config) {
    return open(config, Clock.systemUTC(), AtRestEncryption.none());
  }

  public static Storage open(StorageConfig config, Clock clock) {
    return open(config, clock, AtRestEncryption.none());
  }

  public static Storage open(StorageConfig config, AtRestEncryption encryption) {
    return open(config, Clock.systemUTC(), encryption);
  }

  /**
   * Connects, migrates the schema, then brings stored secrets to {@code encryption} (see
   * {@link io.geminibalance.storage.jdbc.AtRestMigration}).
   *
   * @throws EncryptionKeyException when the keys given do not fit the database; nothing is changed
   */
  public static Storage open(StorageConfig config, Clock clock, AtRestEncryption encryption) {
    HikariDataSource dataSource = connect(config, encryption);
    Jdbc jdbc = null;
    try {
      int applied = Migrations.migrate(dataSource, config.type(), config.zone());
      jdbc = new Jdbc(dataSource, SqlDialect.of(config.type()), config.maxPoolSize());
      TokenFingerprints fingerprints = new TokenFingerprints(new AtRestMigration(jdbc, encryption).run());
      LOG.info("storage: {} ready, {} migrations applied", config, applied);
      return new Storage(config, dataSource, jdbc, clock, encryption, fingerprints);
    } catch (RuntimeException e) {
      if (jdbc != null) {
        jdbc.close();
      }
      dataSource.close();
      throw e;
    }
  }

  /** SQLite zeroes deleted content when values are encrypted, so a replaced plaintext does not linger. */
  private static HikariDataSource connect(StorageConfig config, AtRestEncryption encryption) {
    try {
      return DataSources.pool(config, encryption.encrypts());
    } catch (RuntimeException e) {
      throw new StorageException("storage: cannot connect to " + config + ": " + e.getMessage(), e);
    }
  }

  /** Registers a JVM shutdown hook that closes this storage, so SIGTERM still flushes the writers. */
  public Storage closeOnShutdown() {
    Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().name("gb-storage-shutdown").unstarted(this::close));
    return this;
  }

  public StorageConfig config() {
    return config;
  }

  public SettingsStore settings() {
    return settings;
  }

  public ApiKeyStore apiKeys() {
    return apiKeys;
  }

  public KeyStateStore keyStates() {
    return keyStates;
  }

  public RequestLogStore requestLogs() {
    return requestLogs;
  }

  public ErrorLogStore errorLogs() {
    return errorLogs;
  }

  public StatsStore stats() {
    return stats;
  }

  /** The usage roll-ups (tokens per bucket, client token, model and key). */
  public UsageStore usage() {
    return usage;
  }

  public AdminTokenStore adminToken() {
    return adminToken;
  }

  public AuditLogStore auditLog() {
    return auditLog;
  }

  /** Admin web UI sessions, shared by every gateway on this database. */
  public AdminSessionStore adminSessions() {
    return adminSessions;
  }

  /** Resources created through the gateway and their owners, shared by every gateway on this database. */
  public ResourceStore resources() {
    return resources;
  }

  /** Resumable uploads in progress, shared by every gateway on this database. */
  public UploadSessionStore uploadSessions() {
    return uploadSessions;
  }

  /** Stored responses of the OpenAI Responses API, shared by every gateway on this database. */
  public ResponseStore responses() {
    return responses;
  }

  /** Managed client tokens ({@code /api/tokens}), shared by every gateway on this database. */
  public ClientTokenStore clientTokens() {
    return clientTokens;
  }

  /** Client-token fingerprints with this installation's secret (the same for every instance on this database). */
  public TokenFingerprints tokenFingerprints() {
    return tokenFingerprints;
  }

  /** A writer for request-log rows, flushed by {@link #close}. */
  public synchronized LogWriter<RequestLogEntry> newRequestLogWriter(LogWriter.Options options) {
    return track(new LogWriter<>(options, batch -> requestLogs.insert(batch).join(), SqlErrors::isPermanent));
  }

  /** A writer for error-log rows, within ERROR_LOG_QUEUE_MB's default budget. */
  public LogWriter<ErrorLogEntry> newErrorLogWriter(LogWriter.Options options, ErrorLogSanitizer sanitizer) {
    return newErrorLogWriter(options, sanitizer, ErrorLogMemory.budget(ErrorLogMemory.DEFAULT_MAX_BYTES));
  }

  /**
   * A writer for error-log rows; each row is sanitized on the writer thread, off the request path.
   * The rows waiting hold at most {@code budget} of bodies and messages (see {@link ErrorLogMemory}).
   */
  public synchronized LogWriter<ErrorLogEntry> newErrorLogWriter(LogWriter.Options options,
      ErrorLogSanitizer sanitizer, LogWriter.MemoryBudget<ErrorLogEntry> budget) {
    return track(new LogWriter<>(options,
        batch -> errorLogs.insert(batch.stream().map(sanitizer::sanitize).toList()).join(), SqlErrors::isPermanent,
        budget));
  }

  /** Write-behind for the key pool's state, flushed every {@code interval} and by {@link #close}. */
  public synchronized KeyStateWriteBehind newKeyStateWriteBehind(Duration interval) {
    return track(new KeyStateWriteBehind(keyStates, interval, Duration.ofSeconds(3)));
  }

  /**
   * The daily clean-up of old log rows and expired stored responses; call {@code start(zone)} on
   * it. Stopped by {@link #close}.
   */
  public synchronized RetentionJob newRetentionJob(Supplier<RetentionPolicy> policy) {
    return track(new RetentionJob(requestLogs, errorLogs, responses, usage, policy, clock, 1000));
  }

  private <T extends AutoCloseable> T track(T writer) {
    if (closed) {
      throw new IllegalStateException("storage is closed");
    }
    writers.push(writer);
    return writer;
  }

  /** Flushes and stops every writer, then the worker threads and the pool. Safe to call twice. */
  @Override
  public void close() {
    List<AutoCloseable> toClose;
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      toClose = List.copyOf(writers);
    }
    closeInParallel(toClose);
    jdbc.close();
    dataSource.close();
  }

  /**
   * With the database away each writer waits for its close timeout; closing them side by side keeps
   * the total within one timeout, well inside a container's stop grace period (10 s in Docker).
   */
  private static void closeInParallel(List<AutoCloseable> closeables) {
    List<Thread> threads = closeables.stream()
        .map(c -> Thread.ofPlatform().name("gb-storage-close").start(() -> closeQuietly(c)))
        .toList();
    for (Thread thread : threads) {
      try {
        thread.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private static void closeQuietly(AutoCloseable closeable) {
    try {
      closeable.close();
    } catch (Exception e) {
      LOG.warn("storage: closing {} failed: {}", closeable.getClass().getSimpleName(), e.toString());
    }
  }
}
