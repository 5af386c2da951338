/**
 * The storage layer: gemini-balance's tables (t_settings, t_request_log, t_error_logs,
 * t_file_records) plus our own (gb_api_keys, gb_key_state, gb_key_model_state, gb_admin_token,
 * gb_audit_log, gb_installation, gb_admin_session, gb_client, gb_resource, gb_ columns), on SQLite
 * (default), MySQL/MariaDB or PostgreSQL.
 * With ENCRYPTION_KEY, keys and secret settings are stored encrypted
 * ({@link io.geminibalance.storage.AtRestEncryption}).
 *
 * <h2>Threading</h2>
 * Every store method returns a {@link java.util.concurrent.CompletableFuture} completed on a
 * fixed pool of JDBC worker threads, never on the caller's thread; on a Vert.x event loop adapt it
 * with {@code Future.fromCompletionStage(stage, vertx.getOrCreateContext())}. Only
 * {@link io.geminibalance.storage.Storage#open} blocks, at start-up.
 *
 * <h2>Wiring (start)</h2>
 * <ol>
 *   <li>{@code Storage storage = Storage.open(StorageConfig.fromEnv(env), AtRestEncryption.fromEnv(env,
 *       secretSetting)).closeOnShutdown();} (connects, migrates, checks the key and encrypts what is
 *       still in clear; the shutdown hook makes SIGTERM flush every writer below).</li>
 *   <li>{@code saved = storage.settings().loadAll().join()};
 *       {@code EffectiveSettings.merge(defaults, System.getenv(), saved)}; log its warnings.</li>
 *   <li>{@code keys = new ApiKeySeeding(storage.apiKeys()).seed(env API_KEYS, saved).join()}.</li>
 *   <li>{@code storage.keyStates().loadAll().join()} into the key pool, and give the pool
 *       {@code storage.newKeyStateWriteBehind(Duration.ofSeconds(5))} to {@code record} changes.</li>
 *   <li>{@code storage.newRequestLogWriter(LogWriter.Options.defaults("request-log"))} and
 *       {@code storage.newErrorLogWriter(LogWriter.Options.defaults("error-log"), sanitizer)};
 *       the relay calls {@code offer(entry)} per upstream attempt (never blocks).</li>
 *   <li>{@code storage.newRetentionJob(() -> RetentionPolicy.fromSettings(current values)).start(TIMEZONE)}.</li>
 * </ol>
 *
 * <h2>Stop</h2>
 * {@code storage.close()} (or the shutdown hook): stops the retention job, flushes the log
 * writers and the key-state write-behind, then closes the pool.
 */
package io.geminibalance.storage;
