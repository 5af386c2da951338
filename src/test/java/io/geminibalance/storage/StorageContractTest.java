package io.geminibalance.storage;

import io.geminibalance.protocol.gemini.ResourceKind;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.geminibalance.auth.ClientProtocol;
import io.geminibalance.auth.ClientToken;
import io.geminibalance.auth.TokenLimits;
import io.geminibalance.keypool.ApiKey;
import io.geminibalance.protocol.gemini.TokenUsage;
import io.geminibalance.requestlog.ErrorLogEntry;
import io.geminibalance.requestlog.ErrorLogSanitizer;
import io.geminibalance.requestlog.KeyIdentity;
import io.geminibalance.requestlog.LogWriter;
import io.geminibalance.requestlog.RequestLogEntry;
import io.geminibalance.requestlog.SecretRedactor;
import io.geminibalance.storage.support.TestDatabase;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.opentest4j.TestAbortedException;

/**
 * What every storage backend must do. Subclasses only say which database to use; the same tests
 * run on SQLite (every build) and on the real MariaDB and PostgreSQL servers.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class StorageContractTest {
  static final String SECRET_A = "AIzaSyContractKeyA_00000000000000000001";
  static final String SECRET_B = "AIzaSyContractKeyB_00000000000000000002";
  static final KeyIdentity KEY_A = KeyIdentity.ofSecret(SECRET_A);
  static final KeyIdentity KEY_B = KeyIdentity.ofSecret(SECRET_B);
  /** Whole seconds: MySQL DATETIME keeps no fraction. */
  static final Instant BASE = Instant.parse("2026-11-20T10:15:00Z");
  /** Not UTC, so that bucket labels prove the zone is applied. */
  static final ZoneId ZONE = ZoneId.of("Asia/Shanghai");

  private TestDatabase database;
  private StorageConfig config;
  private Storage storage;
  private TestAbortedException unavailable;

  /** Creates this backend's throw-away database (or skips/fails when the server is unreachable). */
  abstract TestDatabase createDatabase() throws Exception;

  @BeforeAll
  void createDatabaseOnce() throws Exception {
    try {
      database = createDatabase();
      config = database.config().withZone(ZONE);
    } catch (TestAbortedException serverAway) {
      // Re-thrown per test, so that every test of the class is reported as skipped with the reason.
      unavailable = serverAway;
    }
  }

  @AfterAll
  void dropDatabase() throws Exception {
    if (database != null) {
      database.close();
    }
  }

  @BeforeEach
  void openAndClean() throws Exception {
    if (unavailable != null) {
      throw unavailable;
    }
    storage = Storage.open(config);
    database.execute("DELETE FROM t_request_log", "DELETE FROM t_error_logs", "DELETE FROM t_settings",
        "DELETE FROM gb_api_keys", "DELETE FROM gb_key_state", "DELETE FROM gb_key_model_state",
        "DELETE FROM gb_admin_token", "DELETE FROM gb_audit_log", "DELETE FROM gb_admin_session",
        "DELETE FROM gb_resource", "DELETE FROM gb_client", "DELETE FROM t_file_records",
        "DELETE FROM gb_upload_session", "DELETE FROM gb_response", "DELETE FROM gb_client_token",
        "DELETE FROM gb_usage_minute", "DELETE FROM gb_usage_hour", "DELETE FROM gb_usage_day");
  }

  @AfterEach
  void closeStorage() {
    if (storage != null) {
      storage.close();
    }
  }

  TestDatabase database() {
    return database;
  }

  Storage reopen() {
    storage.close();
    storage = Storage.open(config);
    return storage;
  }

  @Test
  void migratingAgainChangesNothing() {
    storage.close();
    storage = Storage.open(config);
    assertThat(storage.settings().loadAll().join()).isEmpty();
  }

  @Test
  void migratesAgainSafelyWhenOurHistoryTableIsLost() throws Exception {
    storage.settings().save(Map.of("MAX_FAILURES", "10")).join();
    storage.close();
    // A restored backup without our history table: every migration runs again over existing objects.
    database.execute("DROP TABLE gb_schema_history");

    storage = Storage.open(config);
    assertThat(storage.settings().loadAll().join()).containsEntry("MAX_FAILURES", "10");
  }

  @Test
  void settingsAreSavedUpdatedAndDeleted() {
    storage.settings().save(Map.of("MAX_FAILURES", "10", "API_KEYS", "[\"a\",\"b\"]")).join();
    storage.settings().save(Map.of("MAX_FAILURES", "5")).join();

    assertThat(reopen().settings().loadAll().join())
        .containsExactlyInAnyOrderEntriesOf(Map.of("MAX_FAILURES", "5", "API_KEYS", "[\"a\",\"b\"]"));
    assertThat(storage.settings().delete("MAX_FAILURES").join()).isTrue();
    assertThat(storage.settings().delete("MAX_FAILURES").join()).isFalse();
    assertThat(storage.settings().loadAll().join()).containsOnlyKeys("API_KEYS");
  }

  @Test
  void apiKeysAreMergedWithoutDuplicatesAndSurviveRestart() {
    assertThat(storage.apiKeys().addAll(List.of(SECRET_A, " " + SECRET_B + " ", SECRET_A, "")).join()).isEqualTo(2);
    assertThat(storage.apiKeys().addAll(List.of(SECRET_B)).join()).isZero();

    assertThat(reopen().apiKeys().list().join()).containsExactly(new ApiKey(SECRET_A), new ApiKey(SECRET_B));
    storage.keyStates().upsert(List.of(new KeyState(KEY_A.fingerprint(), true, "dead", 3,
        List.of(new ModelState("gemini-2.5-pro", null, null, null, 0)), BASE))).join();
    assertThat(storage.apiKeys().removeAll(List.of(SECRET_A, "AIzaSyNeverStored")).join()).isEqualTo(1);
    assertThat(storage.apiKeys().list().join()).containsExactly(new ApiKey(SECRET_B));
    assertThat(storage.keyStates().loadAll().join()).isEmpty();
  }

  @Test
  void startUpSeedsKeysFromTheEnvironmentAndTheSavedSetting() {
    storage.apiKeys().addAll(List.of("AIzaSyAddedInTheAdminUi")).join();
    ApiKeySeeding seeding = new ApiKeySeeding(storage.apiKeys());

    List<ApiKey> keys = seeding.seed(SECRET_A + "," + SECRET_B, Map.of("API_KEYS", "[\"" + SECRET_B + "\"]")).join();

    assertThat(keys).extracting(ApiKey::secret).containsExactly("AIzaSyAddedInTheAdminUi", SECRET_A, SECRET_B);
  }

  @Test
  void disabledKeysCooldownsAndTodaysUsageSurviveRestart() {
    LocalDate pacificToday = LocalDate.of(2026, 11, 20);
    KeyState dead = new KeyState(KEY_A.fingerprint(), true, "API_KEY_INVALID", 3, List.of(), BASE);
    KeyState cooling = new KeyState(KEY_B.fingerprint(), false, null, 1, List.of(
        new ModelState("gemini-2.5-pro", BASE.plusSeconds(3600), "429 per-day quota", pacificToday, 250),
        new ModelState("gemini-2.5-flash", null, null, pacificToday, 17)), BASE);
    storage.keyStates().upsert(List.of(dead, cooling)).join();

    List<KeyState> loaded = reopen().keyStates().loadAll().join();

    assertThat(loaded).containsExactlyInAnyOrder(dead, new KeyState(KEY_B.fingerprint(), false, null, 1,
        List.of(cooling.models().get(1), cooling.models().get(0)), BASE));
  }

  @Test
  void upsertReplacesAKeysStateAndItsModelRows() {
    ModelState parked = new ModelState("gemini-2.5-pro", BASE.plusSeconds(60), "429", LocalDate.of(2026, 11, 20), 3);
    storage.keyStates().upsert(List.of(new KeyState(KEY_A.fingerprint(), false, null, 2, List.of(parked), BASE))).join();
    ModelState freed = new ModelState("gemini-2.5-pro", null, null, LocalDate.of(2026, 11, 21), 1);
    KeyState later = new KeyState(KEY_A.fingerprint(), false, null, 0, List.of(freed), BASE.plusSeconds(120));
    storage.keyStates().upsert(List.of(later)).join();

    assertThat(storage.keyStates().loadAll().join()).containsExactly(later);
  }

  @Test
  void aModelRowTheStateNoLongerNamesIsDeleted() throws Exception {
    ModelState parked = new ModelState("gemini-2.5-pro", BASE.plusSeconds(60), "429", LocalDate.of(2026, 11, 20), 3);
    ModelState used = new ModelState("gemini-2.5-flash", null, null, LocalDate.of(2026, 11, 20), 7);
    storage.keyStates().upsert(List.of(new KeyState(KEY_A.fingerprint(), false, null, 0, List.of(parked, used), BASE),
        new KeyState(KEY_B.fingerprint(), false, null, 0, List.of(used), BASE))).join();
    KeyState parkOver = new KeyState(KEY_A.fingerprint(), false, null, 0, List.of(used), BASE.plusSeconds(120));
    storage.keyStates().upsert(List.of(parkOver)).join();
    KeyState dayOver = new KeyState(KEY_B.fingerprint(), false, null, 0, List.of(), BASE.plusSeconds(120));
    storage.keyStates().upsert(List.of(dayOver)).join();

    assertThat(reopen().keyStates().loadAll().join()).containsExactlyInAnyOrder(parkOver, dayOver);
    try (var connection = database.connect(); var statement = connection.createStatement();
        ResultSet rows = statement.executeQuery("SELECT COUNT(*) FROM gb_key_model_state")) {
      rows.next();
      assertThat(rows.getInt(1)).isEqualTo(1);
    }
  }

  @Test
  void writeBehindKeepsTheLatestStatePerKeyAndFlushesOnClose() {
    KeyStateWriteBehind writeBehind = storage.newKeyStateWriteBehind(Duration.ofHours(1));
    writeBehind.record(new KeyState(KEY_A.fingerprint(), false, null, 1, List.of(), BASE));
    writeBehind.record(new KeyState(KEY_A.fingerprint(), false, null, 2, List.of(), BASE.plusSeconds(1)));
    KeyState last = new KeyState(KEY_A.fingerprint(), true, "3 failures", 3, List.of(), BASE.plusSeconds(2));
    writeBehind.record(last);
    assertThat(writeBehind.pendingCount()).isEqualTo(1);

    assertThat(reopen().keyStates().loadAll().join()).containsExactly(last);
  }

  @Test
  void writeBehindFlushesPeriodically() throws InterruptedException {
    KeyStateWriteBehind writeBehind = storage.newKeyStateWriteBehind(Duration.ofMillis(50));
    KeyState state = new KeyState(KEY_B.fingerprint(), true, "suspended", 1, List.of(), BASE);
    writeBehind.record(state);
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (writeBehind.pendingCount() > 0 && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertThat(storage.keyStates().loadAll().join()).containsExactly(state);
  }

  @Test
  void requestLogWriterStoresRowsWithoutTheFullKey() throws Exception {
    LogWriter<RequestLogEntry> writer = storage.newRequestLogWriter(LogWriter.Options.defaults("request-log"));
    KeyIdentity client = KeyIdentity.ofSecret("sk-client-token-0123456789");
    writer.offer(new RequestLogEntry(BASE, "gemini-2.5-flash-search", KEY_A, true, 200, 812, 11, 22, true, 2,
        "req-1", client));
    assertThat(writer.awaitIdle(Duration.ofSeconds(10))).isTrue();

    List<RequestLogRow> rows = storage.requestLogs().recent(BASE.minusSeconds(1), BASE.plusSeconds(1), null, 10).join();
    assertThat(rows).singleElement().satisfies(row -> {
      assertThat(row.time()).isEqualTo(BASE);
      assertThat(row.model()).isEqualTo("gemini-2.5-flash-search");
      assertThat(row.keyFingerprint()).isEqualTo(KEY_A.fingerprint());
      assertThat(row.maskedKey()).isEqualTo("...0001");
      assertThat(row.statusCode()).isEqualTo(200);
      assertThat(row.latencyMs()).isEqualTo(812);
      assertThat(row.requestId()).isEqualTo("req-1");
      assertThat(row.attempt()).isEqualTo(2);
    });
    assertThat(database.count("SELECT COUNT(*) FROM t_request_log WHERE api_key = '...0001' AND gb_stream = TRUE"
        + " AND gb_attempt = 2 AND gb_prompt_tokens = 11 AND gb_client_masked = '...6789'")).isEqualTo(1);
    assertThat(database.count("SELECT COUNT(*) FROM t_request_log WHERE api_key LIKE '%ContractKey%'")).isZero();
  }

  /** 123 rows: whole multi-row statements and a leftover; every column as given, in order. */
  @Test
  void aLargeRequestLogBatchStoresEveryRowAsGiven() throws Exception {
    List<RequestLogEntry> entries = IntStream.range(0, 123).mapToObj(StorageContractTest::variedCall).toList();

    storage.requestLogs().insert(entries).join();

    List<RequestLogRow> rows = storage.requestLogs().recent(BASE, BASE.plusSeconds(200), null, 1000).join();
    assertThat(rows).extracting(RequestLogRow::time)
        .containsExactlyElementsOf(entries.stream().map(RequestLogEntry::time).toList().reversed());
    assertThat(storedColumns()).containsExactlyElementsOf(entries.stream().map(StorageContractTest::columnsOf).toList());
  }

  private static RequestLogEntry variedCall(int i) {
    KeyIdentity client = i % 4 == 0 ? null : KeyIdentity.ofSecret("sk-client-" + i % 3 + "-0123456789");
    return new RequestLogEntry(BASE.plusSeconds(i), "model-" + i % 5 + "-\u00e9'\"", i % 2 == 0 ? KEY_A : KEY_B,
        i % 5 != 0, i % 7 == 0 ? null : 200 + i, i * 3L, i % 3 == 0 ? null : i, i % 6 == 0 ? null : 2 * i,
        i % 2 == 0, 1 + i % 3, "req-" + i, client);
  }

  private static List<Object> columnsOf(RequestLogEntry e) {
    KeyIdentity client = e.client();
    return Arrays.asList(e.model(), e.key().masked(), e.success(), e.statusCode(), (int) e.latencyMs(),
        e.key().fingerprint(), e.key().last4(), e.promptTokens(), e.completionTokens(), e.stream(), e.attempt(),
        e.requestId(), client == null ? null : client.fingerprint(), client == null ? null : client.masked());
  }

  /** Every request-log column but the time (read above through the store), in id order. */
  private List<List<Object>> storedColumns() throws Exception {
    List<List<Object>> result = new ArrayList<>();
    try (var connection = database.connect(); var statement = connection.createStatement();
        var rows = statement.executeQuery("SELECT model_name, api_key, is_success, status_code, latency_ms,"
            + " gb_key_fingerprint, gb_key_last4, gb_prompt_tokens, gb_completion_tokens, gb_stream, gb_attempt,"
            + " gb_request_id, gb_client_fingerprint, gb_client_masked FROM t_request_log ORDER BY id")) {
      while (rows.next()) {
        result.add(Arrays.asList(rows.getString(1), rows.getString(2), rows.getBoolean(3), intOrNull(rows, 4),
            intOrNull(rows, 5), rows.getString(6), rows.getString(7), intOrNull(rows, 8), intOrNull(rows, 9),
            rows.getBoolean(10), intOrNull(rows, 11), rows.getString(12), rows.getString(13), rows.getString(14)));
      }
    }
    return result;
  }

  private static Integer intOrNull(ResultSet rows, int column) throws SQLException {
    int value = rows.getInt(column);
    return rows.wasNull() ? null : value;
  }

  @Test
  void statisticsAreAggregatedPerBucketModelAndKey() {
    storage.requestLogs().insert(List.of(
        call(BASE, "gemini-2.5-flash", KEY_A, true, 200, 10, 20),
        call(BASE.plusSeconds(30), "gemini-2.5-flash", KEY_A, false, 429, null, null),
        call(BASE.plusSeconds(90), "gemini-2.5-pro", KEY_B, true, 200, 5, 7),
        call(BASE.plusSeconds(7200), "gemini-2.5-flash", KEY_B, false, 500, null, null),
        call(BASE.plus(Duration.ofDays(1)), "gemini-2.5-pro", KEY_A, true, 200, 1, 1))).join();
    Instant from = BASE.minusSeconds(3600);
    Instant to = BASE.plusSeconds(3 * 3600);
    StatsStore stats = storage.stats();

    assertThat(stats.countsPer(TimeBucket.MINUTE, from, to).join()).containsExactly(
        new BucketCount(local("2026-11-20T18:15"), 1, 1), new BucketCount(local("2026-11-20T18:16"), 1, 0),
        new BucketCount(local("2026-11-20T20:15"), 0, 1));
    assertThat(stats.countsPer(TimeBucket.HOUR, from, to).join()).containsExactly(
        new BucketCount(local("2026-11-20T18:00"), 2, 1), new BucketCount(local("2026-11-20T20:00"), 0, 1));
    assertThat(stats.countsPer(TimeBucket.DAY, BASE.minus(Duration.ofDays(1)), BASE.plus(Duration.ofDays(2))).join())
        .containsExactly(new BucketCount(local("2026-11-20T00:00"), 2, 2), new BucketCount(local("2026-11-21T00:00"), 1, 0));
    assertThat(stats.countsPerForKey(KeyMatch.ofFingerprint(KEY_B.fingerprint()), TimeBucket.HOUR, from, to).join()).containsExactly(
        new BucketCount(local("2026-11-20T18:00"), 1, 0), new BucketCount(local("2026-11-20T20:00"), 0, 1));
    assertThat(stats.totals(from, to).join()).isEqualTo(new UsageTotals(2, 2, 15, 27));
    assertThat(stats.perModel(from, to).join()).containsExactly(
        new ModelUsage("gemini-2.5-flash", 1, 2, 10, 20), new ModelUsage("gemini-2.5-pro", 1, 0, 5, 7));
    assertThat(stats.perKey(from, to).join()).containsExactlyInAnyOrder(
        new KeyUsage(KEY_A.fingerprint(), "...0001", 1, 1), new KeyUsage(KEY_B.fingerprint(), "...0002", 1, 1));
    assertThat(stats.topKeysWithStatus(429, from, to, 10).join())
        .containsExactly(new KeyUsage(KEY_A.fingerprint(), "...0001", 0, 1));
  }

  /**
   * Nearest rank: of the successful latencies 10..100 ms (ten calls) of flash, p50 is the 5th (50)
   * and p95 the 10th (100); pro's single call is both; failures and calls without a latency count not.
   */
  @Test
  void latencyPercentilesAreRankedInTheDatabase() {
    List<RequestLogEntry> calls = new ArrayList<>();
    for (int i = 10; i >= 1; i--) {
      calls.add(timed(BASE.plusSeconds(i), "gemini-2.5-flash", KEY_A, true, i * 10L));
    }
    calls.add(timed(BASE.plusSeconds(20), "gemini-2.5-flash", KEY_B, false, 9_999));
    calls.add(timed(BASE.plusSeconds(3600), "gemini-2.5-pro", KEY_B, true, 700));
    storage.requestLogs().insert(calls).join();
    StatsStore stats = storage.stats();
    Instant from = BASE.minusSeconds(60);
    Instant to = BASE.plusSeconds(7200);

    assertThat(stats.latencyPerModel(from, to).join()).containsExactly(
        new LatencyPercentiles("gemini-2.5-flash", 10, 50, 100), new LatencyPercentiles("gemini-2.5-pro", 1, 700, 700));
    assertThat(stats.latency(from, to).join()).isEqualTo(new LatencyPercentiles("", 11, 60, 700));
    assertThat(stats.latencyPer(TimeBucket.HOUR, from, to).join()).containsExactly(
        new LatencyPercentiles("2026-11-20 18", 10, 50, 100), new LatencyPercentiles("2026-11-20 19", 1, 700, 700));
    assertThat(stats.latency(to, to.plusSeconds(60)).join()).isEqualTo(new LatencyPercentiles("", 0, 0, 0));
    assertThat(stats.perModelForKey(KeyMatch.ofFingerprint(KEY_B.fingerprint()), from, to).join()).containsExactly(
        new ModelUsage("gemini-2.5-flash", 0, 1, 0, 0), new ModelUsage("gemini-2.5-pro", 1, 0, 0, 0));
  }

  @Test
  void errorLogsAreFoundByKeyTextCaseInsensitivelyAndSortedByTime() {
    storage.errorLogs().insert(List.of(
        failure(BASE.plusSeconds(30), KEY_A, 429, "Quota 100% used", null),
        failure(BASE, KEY_B, 500, "internal_error", null),
        failure(BASE.plusSeconds(10), KEY_B, 503, "quota 100 used", null))).join();
    ErrorLogStore errors = storage.errorLogs();

    assertThat(errors.search(new ErrorLogQuery(null, "0002", null, null, null, null, true, true, 0, 10)).join().rows())
        .extracting(ErrorLogRow::statusCode).containsExactly(503, 500);
    assertThat(errors.search(new ErrorLogQuery(null, "0002", null, null, null, null, true, false, 0, 10)).join()
        .rows()).extracting(ErrorLogRow::statusCode).containsExactly(500, 503);
    assertThat(errors.search(new ErrorLogQuery(null, null, "QUOTA 100%", null, null, null, false, true, 0, 10)).join()
        .rows()).extracting(ErrorLogRow::statusCode).containsExactly(429);
    assertThat(errors.search(new ErrorLogQuery(null, null, "l_e", null, null, null, false, true, 0, 10)).join()
        .rows()).extracting(ErrorLogRow::statusCode).containsExactly(500);
    assertThat(errors.search(new ErrorLogQuery(null, "9999", null, null, null, null, false, true, 0, 10)).join()
        .total()).isZero();
  }

  @Test
  void statisticsOfAnEmptyWindowAreZero() {
    Instant from = BASE.minus(Duration.ofDays(400));
    assertThat(storage.stats().totals(from, from.plusSeconds(60)).join()).isEqualTo(new UsageTotals(0, 0, 0, 0));
    assertThat(storage.stats().countsPer(TimeBucket.HOUR, from, from.plusSeconds(60)).join()).isEmpty();
  }

  @Test
  void errorLogsAreRedactedAndKeepTheBodyOnlyWhenAskedTo() throws Exception {
    AtomicBoolean recordBody = new AtomicBoolean(false);
    SecretRedactor redactor = new SecretRedactor();
    redactor.register("client-secret-token-42");
    LogWriter<ErrorLogEntry> writer = storage.newErrorLogWriter(LogWriter.Options.defaults("error-log"),
        new ErrorLogSanitizer(redactor, recordBody::get, new ObjectMapper()));
    String message = "API key not valid: " + SECRET_A + " (client client-secret-token-42)";
    writer.offer(failure(BASE, KEY_A, 400, message, "{\"key\":\"" + SECRET_B + "\"}"));
    assertThat(writer.awaitIdle(Duration.ofSeconds(10))).isTrue();
    recordBody.set(true);
    writer.offer(failure(BASE.plusSeconds(1), KEY_A, 400, "bad", "{\"key\":\"" + SECRET_B + "\"}"));
    writer.offer(failure(BASE.plusSeconds(2), KEY_A, 500, "boom", "not json"));
    assertThat(writer.awaitIdle(Duration.ofSeconds(10))).isTrue();

    List<ErrorLogRow> rows = storage.errorLogs().search(ErrorLogQuery.firstPage(10)).join().rows();
    assertThat(rows).extracting(ErrorLogRow::message).containsExactly("boom", "bad",
        "API key not valid: AIza...0001 (client ...n-42)");
    assertThat(rows).extracting(ErrorLogRow::requestBody).containsExactly("\"not json\"",
        "{\"key\":\"AIza...0002\"}", null);
    assertThat(rows).extracting(ErrorLogRow::maskedKey).containsOnly("...0001");
  }

  @Test
  void aLargeRequestBodyIsStoredAsAMarkedValidJsonExcerpt() throws Exception {
    LogWriter<ErrorLogEntry> writer = storage.newErrorLogWriter(LogWriter.Options.defaults("error-log"),
        new ErrorLogSanitizer(new SecretRedactor(), () -> true, new ObjectMapper()));
    byte[] body = ("{\"contents\":[{\"parts\":[{\"text\":\"" + "\u00e9t\u00e9 ".repeat(1_000_000) + "\"}]}]}")
        .getBytes(java.nio.charset.StandardCharsets.UTF_8);
    String excerpt = io.geminibalance.requestlog.RequestBodyExcerpt.of(Arrays.copyOf(body, 16 * 1024), body.length);
    writer.offer(failure(BASE, KEY_A, 400, "bad", excerpt));
    assertThat(writer.awaitIdle(Duration.ofSeconds(10))).isTrue();

    ErrorLogRow row = storage.errorLogs().search(ErrorLogQuery.firstPage(10)).join().rows().get(0);
    com.fasterxml.jackson.databind.JsonNode stored = new ObjectMapper().readTree(row.requestBody());
    assertThat(stored.path("truncated").path("totalBytes").asLong()).isEqualTo(body.length);
    assertThat(stored.path("head").asText()).startsWith("{\"contents\":[{\"parts\":[{\"text\":\"\u00e9t\u00e9 ");
    assertThat(row.requestBody().length()).isLessThan(20_000);
  }

  @Test
  void errorLogsAreSearchedPagedAndDeleted() {
    storage.errorLogs().insert(List.of(
        failure(BASE, KEY_A, 429, "quota exceeded", null),
        failure(BASE.plusSeconds(10), KEY_B, 403, "permission denied", null),
        failure(BASE.plusSeconds(20), KEY_B, 429, "quota exceeded again", null))).join();
    ErrorLogStore errors = storage.errorLogs();

    Page<ErrorLogRow> quota = errors.search(new ErrorLogQuery(null, null, "quota", 429, null, null, false, true, 0, 1)).join();
    assertThat(quota.total()).isEqualTo(2);
    assertThat(quota.rows()).extracting(ErrorLogRow::message).containsExactly("quota exceeded again");
    Page<ErrorLogRow> ofB = errors.search(new ErrorLogQuery(KeyMatch.ofFingerprint(KEY_B.fingerprint()), null, null, null, BASE,
        BASE.plusSeconds(15), false, false, 0, 10)).join();
    assertThat(ofB.rows()).extracting(ErrorLogRow::statusCode).containsExactly(403);
    long id = ofB.rows().getFirst().id();
    assertThat(errors.get(id).join()).hasValueSatisfying(row -> assertThat(row.time()).isEqualTo(BASE.plusSeconds(10)));

    assertThat(errors.findByRequestId("req").join()).hasSize(3);
    assertThat(errors.findByRequestId("other").join()).isEmpty();
    assertThat(errors.delete(List.of(id)).join()).isEqualTo(1);
    assertThat(errors.get(id).join()).isEmpty();
    assertThat(errors.deleteAll().join()).isEqualTo(2);
    assertThat(errors.deleteAll().join()).isZero();
  }

  /** More rows than one statement deletes: chosen ids go in chunks, "all" in bounded batches. */
  @Test
  void errorLogsAreDeletedInChunksAndBatches() {
    ErrorLogStore errors = storage.errorLogs();
    int rows = io.geminibalance.storage.jdbc.JdbcErrorLogStore.DELETE_ALL_BATCH * 2 + 7;
    errors.insert(IntStream.range(0, rows).mapToObj(i -> failure(BASE.plusSeconds(i), KEY_A, 429, "q" + i, null))
        .toList()).join();
    List<Long> ids = errors.search(new ErrorLogQuery(null, null, null, null, null, null, false, false, 0, 1000))
        .join().rows().stream().map(ErrorLogRow::id).toList();
    List<Long> chosen = ids.stream().limit(ids.size() - 1).toList();
    java.util.ArrayList<Long> withUnknown = new java.util.ArrayList<>(chosen);
    withUnknown.add(Long.MAX_VALUE);

    assertThat(errors.delete(withUnknown).join()).isEqualTo(chosen.size());
    assertThat(errors.get(ids.getLast()).join()).isPresent();
    assertThat(errors.get(ids.getFirst()).join()).isEmpty();
    assertThat(errors.deleteAll().join()).isEqualTo(rows - chosen.size());
    assertThat(errors.search(ErrorLogQuery.firstPage(10)).join().total()).isZero();
  }

  /**
   * 77 rows without request bodies (whole multi-row statements and a leftover), then a batch with
   * bodies (one row per statement); every field as given, in order.
   */
  @Test
  void largeErrorLogBatchesStoreEveryRowAsGiven() {
    List<ErrorLogEntry> withoutBodies = IntStream.range(0, 77).mapToObj(i -> variedFailure(i, null)).toList();
    List<ErrorLogEntry> withBodies = IntStream.range(77, 80).mapToObj(i -> variedFailure(i, "{\"n\":" + i + "}"))
        .toList();

    storage.errorLogs().insert(withoutBodies).join();
    storage.errorLogs().insert(withBodies).join();

    List<ErrorLogRow> rows = storage.errorLogs().search(new ErrorLogQuery(null, null, null, null, null, null, false, false, 0, 100))
        .join().rows();
    assertThat(rows.stream().map(StorageContractTest::fieldsOf).toList()).containsExactlyElementsOf(
        Stream.concat(withoutBodies.stream(), withBodies.stream()).map(StorageContractTest::expectedFieldsOf).toList());
  }

  private static ErrorLogEntry variedFailure(int i, String body) {
    return new ErrorLogEntry(BASE.plusSeconds(i), i % 9 == 0 ? null : i % 2 == 0 ? KEY_A : KEY_B,
        "model-" + i % 4, "type-" + i % 3, i % 5 == 0 ? null : 400 + i, "failed \u00e9'\" " + i, body, "req-" + i);
  }

  private static List<Object> fieldsOf(ErrorLogRow row) {
    return Arrays.asList(row.time(), row.keyFingerprint(), row.maskedKey(), row.model(), row.errorType(),
        row.statusCode(), row.message(), row.requestBody(), row.requestId());
  }

  /** A row without a key reads back with an empty identity. */
  private static List<Object> expectedFieldsOf(ErrorLogEntry e) {
    KeyIdentity key = e.key() == null ? new KeyIdentity("", "") : e.key();
    return Arrays.asList(e.time(), key.fingerprint(), key.masked(), e.model(), e.errorType(), e.statusCode(),
        e.message(), e.requestBody(), e.requestId());
  }

  private static ErrorLogEntry variedFailure(int i) {
    return new ErrorLogEntry(BASE.plusSeconds(i), i % 9 == 0 ? null : i % 2 == 0 ? KEY_A : KEY_B,
        "model-" + i % 4, "type-" + i % 3, i % 5 == 0 ? null : 400 + i, "failed \u00e9'\" " + i,
        i % 3 == 0 ? null : "{\"n\":" + i + "}", "req-" + i);
  }

  static final KeyIdentity CLIENT_X = new KeyIdentity("tk_contract_x", "xxxx");
  static final KeyIdentity CLIENT_Y = new KeyIdentity("fp_contract_y", "yyyy");

  static RequestLogEntry used(Instant time, String model, KeyIdentity key, KeyIdentity client, boolean success,
      boolean abandoned, TokenUsage usage) {
    return new RequestLogEntry(time, model, key, success, success ? 200 : 500, 100, usage, abandoned, false, 1, "req",
        client);
  }

  private static UsageSums total(List<UsageRow> rows) {
    return rows.stream().map(UsageRow::sums).reduce(UsageSums.ZERO, UsageSums::plus);
  }

  private UsageSums usage(TimeBucket granularity, String client, String model, String key,
      UsageDimension... dimensions) {
    return total(storage.usage().query(new UsageQuery(granularity, BASE.minus(Duration.ofDays(3)),
        BASE.plus(Duration.ofDays(3)), client, model, key, Set.of(dimensions))).join());
  }

  @Test
  void usageRollupsSumTheRequestLogPerBucketClientModelAndKey() {
    storage.requestLogs().insert(List.of(
        used(BASE, "gemini-2.5-pro", KEY_A, CLIENT_X, true, false, new TokenUsage(100, 40, 10, 5, 1, 2)),
        used(BASE.plusSeconds(30), "gemini-2.5-pro", KEY_B, CLIENT_X, true, true, new TokenUsage(50, null, 7, null, null, null)),
        used(BASE.plusSeconds(90), "gemini-2.5-flash", KEY_A, CLIENT_Y, false, false, TokenUsage.NONE),
        used(BASE.plus(Duration.ofHours(2)), "gemini-2.5-flash", KEY_A, null, true, false,
            new TokenUsage(20, null, 3, null, null, null)))).join();
    storage.requestLogs().insert(List.of(
        used(BASE.plus(Duration.ofDays(1)), "gemini-2.5-pro", KEY_B, CLIENT_X, true, false,
            new TokenUsage(1000, 0, 100, 50, 0, 0)))).join();

    UsageSums all = new UsageSums(5, 1, 1, 1170, 40, 120, 55, 1, 2);
    for (TimeBucket granularity : TimeBucket.values()) {
      assertThat(usage(granularity, null, null, null)).as("%s", granularity).isEqualTo(all);
      assertThat(usage(granularity, null, null, null, UsageDimension.KEY)).as("%s by key", granularity).isEqualTo(all);
      assertThat(usage(granularity, null, null, null, UsageDimension.CLIENT, UsageDimension.KEY)).isEqualTo(all);
      assertThat(usage(granularity, null, null, null, UsageDimension.BUCKET, UsageDimension.MODEL)).isEqualTo(all);
      assertThat(usage(granularity, CLIENT_X.fingerprint(), null, null))
          .isEqualTo(new UsageSums(3, 0, 1, 1150, 40, 117, 55, 1, 2));
      assertThat(usage(granularity, "", null, null)).isEqualTo(new UsageSums(1, 0, 0, 20, 0, 3, 0, 0, 0));
      assertThat(usage(granularity, null, "gemini-2.5-flash", KEY_A.fingerprint()))
          .isEqualTo(new UsageSums(2, 1, 0, 20, 0, 3, 0, 0, 0));
      assertThat(usage(granularity, CLIENT_X.fingerprint(), "gemini-2.5-pro", KEY_B.fingerprint()))
          .isEqualTo(new UsageSums(2, 0, 1, 1050, 0, 107, 50, 0, 0));
    }

    List<UsageRow> byKey = storage.usage().query(new UsageQuery(TimeBucket.DAY, BASE.minus(Duration.ofDays(3)),
        BASE.plus(Duration.ofDays(3)), null, null, null, Set.of(UsageDimension.KEY, UsageDimension.CLIENT))).join();
    assertThat(byKey).extracting(UsageRow::key, UsageRow::keyMasked, UsageRow::client, UsageRow::clientMasked)
        .containsExactlyInAnyOrder(tuple(KEY_A.fingerprint(), KEY_A.masked(), CLIENT_X.fingerprint(), "...xxxx"),
            tuple(KEY_B.fingerprint(), KEY_B.masked(), CLIENT_X.fingerprint(), "...xxxx"),
            tuple(KEY_A.fingerprint(), KEY_A.masked(), CLIENT_Y.fingerprint(), "...yyyy"),
            tuple(KEY_A.fingerprint(), KEY_A.masked(), "", ""));
    List<UsageRow> minutes = storage.usage().query(new UsageQuery(TimeBucket.MINUTE, BASE, BASE.plus(Duration.ofHours(1)),
        null, null, null, Set.of(UsageDimension.BUCKET))).join();
    assertThat(minutes).extracting(UsageRow::bucketStart, r -> r.sums().requests())
        .containsExactly(tuple(BASE.toEpochMilli(), 2L), tuple(BASE.plusSeconds(60).toEpochMilli(), 1L));
    List<UsageRow> days = storage.usage().query(new UsageQuery(TimeBucket.DAY, BASE.minus(Duration.ofDays(3)),
        BASE.plus(Duration.ofDays(3)), null, null, null, Set.of(UsageDimension.BUCKET))).join();
    long day = BASE.toEpochMilli() - BASE.toEpochMilli() % 86_400_000L;
    assertThat(days).extracting(UsageRow::bucketStart, r -> r.sums().requests())
        .containsExactly(tuple(day, 4L), tuple(day + 86_400_000L, 1L));
  }

  /**
   * A batch with more groups than one upsert-add statement takes (SqlDialect.rowsPerUpsertAdd: full
   * statements and a leftover), written twice, so that the second adds to every row of the first.
   */
  @Test
  void usageRollupsAddBatchesOfManyGroupsToEveryRow() {
    int models = 237;
    List<RequestLogEntry> batch = new ArrayList<>();
    for (int m = 0; m < models; m++) {
      batch.add(used(BASE.plusSeconds(m % 50), "model-" + m, m % 2 == 0 ? KEY_A : KEY_B, CLIENT_X, true, false,
          new TokenUsage(m, null, 1, null, null, null)));
    }
    storage.requestLogs().insert(batch).join();
    storage.requestLogs().insert(batch).join();

    for (TimeBucket granularity : TimeBucket.values()) {
      List<UsageRow> byModel = storage.usage().query(new UsageQuery(granularity, BASE.minus(Duration.ofDays(3)),
          BASE.plus(Duration.ofDays(3)), null, null, null, Set.of(UsageDimension.MODEL, UsageDimension.KEY))).join();
      assertThat(byModel).as("%s", granularity).hasSize(models);
      for (UsageRow row : byModel) {
        int m = Integer.parseInt(row.model().substring("model-".length()));
        assertThat(row.key()).isEqualTo((m % 2 == 0 ? KEY_A : KEY_B).fingerprint());
        assertThat(row.sums()).as("%s %s", granularity, row.model())
            .isEqualTo(new UsageSums(2, 0, 0, 2L * m, 0, 2, 0, 0, 0));
      }
      assertThat(usage(granularity, CLIENT_X.fingerprint(), null, null).requests()).isEqualTo(2L * models);
    }
  }

  @Test
  void usageRollupsKeepModelsAndClientsThatDifferOnlyInCaseApart() throws Exception {
    KeyIdentity upperClient = new KeyIdentity(CLIENT_X.fingerprint().toUpperCase(java.util.Locale.ROOT), "XXXX");
    insertModelsDifferingInCase(upperClient);

    assertModelsDifferingInCaseAreApart(TimeBucket.values());
    for (TimeBucket granularity : TimeBucket.values()) {
      assertThat(usage(granularity, upperClient.fingerprint(), null, null).requests()).as("%s", granularity)
          .isEqualTo(1);
      assertThat(usage(granularity, CLIENT_X.fingerprint(), null, null).requests()).as("%s", granularity)
          .isEqualTo(2);
    }

    // The same from the backfill of an upgrade (V13 creating the tables, then V16).
    storage.close();
    database.execute("DROP TABLE gb_usage_minute", "DROP TABLE gb_usage_hour", "DROP TABLE gb_usage_day",
        "DELETE FROM gb_schema_history WHERE version IN ('13', '14', '15', '16')");
    storage = Storage.open(config);
    // The day roll-up reaches back to any row; the minute and hour ones only as far as they are kept.
    assertModelsDifferingInCaseAreApart(TimeBucket.DAY);
  }

  /** Two calls of "Gemini-2.5-Pro" and one of "gemini-2.5-pro" (the last one by {@code client}). */
  void insertModelsDifferingInCase(KeyIdentity client) {
    storage.requestLogs().insert(List.of(
        used(BASE, "Gemini-2.5-Pro", KEY_A, CLIENT_X, true, false, new TokenUsage(100, null, 10, null, null, null)),
        used(BASE.plusSeconds(1), "Gemini-2.5-Pro", KEY_A, CLIENT_X, true, false,
            new TokenUsage(200, null, 20, null, null, null)),
        used(BASE.plusSeconds(2), "gemini-2.5-pro", KEY_A, client, true, false,
            new TokenUsage(7, null, 1, null, null, null)))).join();
  }

  /** What {@link #insertModelsDifferingInCase} wrote reads back as two models, each with its own sums. */
  void assertModelsDifferingInCaseAreApart(TimeBucket... granularities) {
    for (TimeBucket granularity : granularities) {
      List<UsageRow> byModel = storage.usage().query(new UsageQuery(granularity, BASE.minus(Duration.ofDays(3)),
          BASE.plus(Duration.ofDays(3)), null, null, null, Set.of(UsageDimension.MODEL))).join();
      assertThat(byModel).as("%s", granularity).extracting(UsageRow::model, r -> r.sums().requests(),
          r -> r.sums().prompt(), r -> r.sums().output())
          .containsExactlyInAnyOrder(tuple("Gemini-2.5-Pro", 2L, 300L, 30L), tuple("gemini-2.5-pro", 1L, 7L, 1L));
      assertThat(usage(granularity, null, "gemini-2.5-pro", null).requests()).as("%s", granularity).isEqualTo(1);
      assertThat(usage(granularity, null, "Gemini-2.5-Pro", KEY_A.fingerprint()).requests()).isEqualTo(2);
    }
  }

  @Test
  void usageRollupsCountEveryRowWhenSeveralInstancesWriteTheSameGroupsAtOnce() throws Exception {
    int writers = 4;
    int batches = 15;
    List<Storage> instances = new ArrayList<>();
    List<Thread> threads = new ArrayList<>();
    List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
    try {
      for (int w = 0; w < writers; w++) {
        Storage instance = Storage.open(config);
        instances.add(instance);
        threads.add(Thread.ofPlatform().start(() -> {
          for (int b = 0; b < batches; b++) {
            List<RequestLogEntry> batch = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
              batch.add(used(BASE.plusSeconds(i * 7L), i % 2 == 0 ? "gemini-2.5-pro" : "gemini-2.5-flash",
                  i % 3 == 0 ? KEY_A : KEY_B, i % 4 == 0 ? null : CLIENT_X, true, false,
                  new TokenUsage(10, 1, 2, 3, 0, 0)));
            }
            // As the LogWriter does: a batch that failed (a deadlock victim) is written again whole.
            for (int attempt = 0; ; attempt++) {
              try {
                instance.requestLogs().insert(batch).join();
                break;
              } catch (RuntimeException e) {
                if (SqlErrors.isPermanent(e) || attempt >= 20) {
                  failures.add(e);
                  break;
                }
              }
            }
          }
        }));
      }
      for (Thread thread : threads) {
        thread.join();
      }
    } finally {
      instances.forEach(Storage::close);
    }
    assertThat(failures).isEmpty();
    long rows = (long) writers * batches * 20;
    assertThat(database.count("SELECT COUNT(*) FROM t_request_log")).isEqualTo(rows);
    for (TimeBucket granularity : TimeBucket.values()) {
      assertThat(usage(granularity, null, null, null)).isEqualTo(new UsageSums(rows, 0, 0, rows * 10, rows, rows * 2,
          rows * 3, 0, 0));
      assertThat(usage(granularity, null, null, null, UsageDimension.KEY).requests()).isEqualTo(rows);
    }
  }

  @Test
  void usageRollupsAreBackfilledFromTheRequestLogOnceWhenTheirTablesAreCreated() throws Exception {
    storage.requestLogs().insert(List.of(
        used(BASE, "gemini-2.5-pro", KEY_A, CLIENT_X, true, false, new TokenUsage(100, 40, 10, 5, 1, 2)),
        used(BASE.plusSeconds(90), "gemini-2.5-flash", KEY_B, null, false, true, TokenUsage.NONE))).join();
    storage.close();
    // An upgrade: the rows are there, the roll-ups and their history entry are not.
    database.execute("DROP TABLE gb_usage_minute", "DROP TABLE gb_usage_hour", "DROP TABLE gb_usage_day",
        // V14 to V16 go too: Flyway runs a lost version only above the highest one left.
        "DELETE FROM gb_schema_history WHERE version IN ('13', '14', '15', '16')");
    storage = Storage.open(config);
    UsageSums both = new UsageSums(2, 1, 1, 100, 40, 10, 5, 1, 2);
    // The day roll-up reaches back to any row; the minute and hour ones only as far as they are kept.
    assertThat(usage(TimeBucket.DAY, null, null, null)).isEqualTo(both);
    assertThat(usage(TimeBucket.DAY, CLIENT_X.fingerprint(), null, KEY_A.fingerprint()))
        .isEqualTo(new UsageSums(1, 0, 0, 100, 40, 10, 5, 1, 2));

    // Our history lost: the migration runs again over the existing tables and adds nothing.
    storage.close();
    database.execute("DROP TABLE gb_schema_history");
    storage = Storage.open(config);
    assertThat(usage(TimeBucket.DAY, null, null, null)).isEqualTo(both);
  }

  @Test
  void retentionTrimsEachUsageRollupByItsOwnAge() throws Exception {
    Instant now = BASE;
    storage.requestLogs().insert(List.of(
        used(now.minus(Duration.ofDays(100)), "m", KEY_A, CLIENT_X, true, false, TokenUsage.NONE),
        used(now.minus(Duration.ofDays(40)), "m", KEY_A, CLIENT_X, true, false, TokenUsage.NONE),
        used(now.minus(Duration.ofDays(3)), "m", KEY_A, CLIENT_X, true, false, TokenUsage.NONE),
        used(now.minus(Duration.ofHours(1)), "m", KEY_A, CLIENT_X, true, false, TokenUsage.NONE))).join();
    RetentionJob job = new RetentionJob(storage.requestLogs(), storage.errorLogs(), storage.responses(),
        storage.usage(), () -> new RetentionPolicy(false, 7, false, 30, 90), Clock.fixed(now, ZoneOffset.UTC), 1);

    RetentionJob.Result result = job.runOnce();

    Instant from = now.minus(Duration.ofDays(1000));
    Instant to = now.plus(Duration.ofDays(1));
    java.util.function.Function<TimeBucket, Long> requests = g -> total(storage.usage().query(
        new UsageQuery(g, from, to, null, null, null, Set.of())).join()).requests();
    assertThat(requests.apply(TimeBucket.MINUTE)).isEqualTo(1);
    assertThat(requests.apply(TimeBucket.HOUR)).isEqualTo(2);
    assertThat(requests.apply(TimeBucket.DAY)).isEqualTo(3);
    // Each entry has four rows in each roll-up (its key and client, every key, every client, both).
    assertThat(result.usageRowsDeleted()).isEqualTo(3 * 4 + 2 * 4 + 4);
    assertThat(database.count("SELECT COUNT(*) FROM t_request_log")).isEqualTo(4);
  }

  @Test
  void retentionDeletesOldRowsInBatchesAsThePolicySays() {
    Instant now = BASE;
    storage.errorLogs().insert(List.of(failure(now.minus(Duration.ofDays(10)), KEY_A, 500, "old", null),
        failure(now.minus(Duration.ofDays(9)), KEY_A, 500, "old", null),
        failure(now.minus(Duration.ofDays(8)), KEY_A, 500, "old", null),
        failure(now.minus(Duration.ofDays(1)), KEY_A, 500, "recent", null))).join();
    storage.requestLogs().insert(List.of(call(now.minus(Duration.ofDays(40)), "m", KEY_A, true, 200, null, null),
        call(now.minus(Duration.ofDays(31)), "m", KEY_A, true, 200, null, null),
        call(now.minus(Duration.ofDays(1)), "m", KEY_A, true, 200, null, null))).join();
    Clock clock = Clock.fixed(now, ZoneOffset.UTC);

    RetentionJob defaults = new RetentionJob(storage.requestLogs(), storage.errorLogs(), storage.responses(),
        () -> RetentionPolicy.DEFAULTS, clock, 2);
    assertThat(defaults.runOnce()).isEqualTo(new RetentionJob.Result(3, 0, 0));
    RetentionJob both = new RetentionJob(storage.requestLogs(), storage.errorLogs(), storage.responses(),
        () -> new RetentionPolicy(true, 7, true, 30), clock, 1);
    assertThat(both.runOnce()).isEqualTo(new RetentionJob.Result(0, 2, 0));

    assertThat(storage.errorLogs().search(ErrorLogQuery.firstPage(10)).join().rows())
        .extracting(ErrorLogRow::message).containsExactly("recent");
  }

  @Test
  void logWriterKeepsAcceptingDuringAnOutageCountsDropsAndResumes() throws Exception {
    LogWriter<RequestLogEntry> writer = storage.newRequestLogWriter(new LogWriter.Options("request-log", 20, 5,
        Duration.ofMillis(20), Duration.ofMillis(200), Duration.ofSeconds(2)));
    database.execute(database.renameTable("t_request_log", "t_request_log_away"));
    try {
      long started = System.nanoTime();
      for (int i = 0; i < 50; i++) {
        writer.offer(call(BASE.plusSeconds(i), "gemini-2.5-flash", KEY_A, true, 200, null, null));
      }
      assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofMillis(500));
      assertThat(writer.droppedCount()).isEqualTo(30);
      Thread.sleep(300);
      assertThat(writer.writtenCount()).isZero();
    } finally {
      database.execute(database.renameTable("t_request_log_away", "t_request_log"));
    }

    assertThat(writer.awaitIdle(Duration.ofSeconds(15))).isTrue();
    assertThat(writer.writtenCount()).isEqualTo(20);
    assertThat(database.count("SELECT COUNT(*) FROM t_request_log")).isEqualTo(20);
  }

  @Test
  void theAdminTokenHashIsCreatedOnceReplacedOnRotationAndSurvivesRestart() {
    String first = "sha256:" + "a".repeat(64);
    String second = "sha256:" + "b".repeat(64);
    assertThat(storage.adminToken().load().join()).isEmpty();

    assertThat(storage.adminToken().createIfAbsent(first).join()).isTrue();
    assertThat(storage.adminToken().createIfAbsent(second).join()).as("a second start keeps the first").isFalse();
    assertThat(reopen().adminToken().load().join()).hasValue(first);

    storage.adminToken().replace(second).join();
    assertThat(reopen().adminToken().load().join()).hasValue(second);
  }

  private static AdminSession adminSession(char id, Instant created, long lifetimeSeconds) {
    String idHash = String.valueOf(id).repeat(64);
    return new AdminSession(idHash, "csrf-" + id, "fp-" + id, "cred-1", "203.0.113.7", created,
        created.plusSeconds(lifetimeSeconds), created);
  }

  @Test
  void anAdminSessionIsStoredFoundTouchedAndDeletedByItsIdHash() {
    AdminSession made = adminSession('a', BASE, 3600);
    storage.adminSessions().create(made).join();

    assertThat(storage.adminSessions().find(made.idHash()).join()).hasValue(made);
    assertThat(storage.adminSessions().find("b".repeat(64)).join()).isEmpty();

    storage.adminSessions().touch(made.idHash(), BASE.plusMillis(90_123)).join();
    assertThat(storage.adminSessions().find(made.idHash()).join().orElseThrow().lastSeenAt())
        .isEqualTo(BASE.plusMillis(90_123));

    assertThat(storage.adminSessions().delete(made.idHash()).join()).isTrue();
    assertThat(storage.adminSessions().delete(made.idHash()).join()).isFalse();
    assertThat(storage.adminSessions().find(made.idHash()).join()).isEmpty();
  }

  @Test
  void adminSessionsAreSeenAndEndedThroughAnotherInstancesPool() {
    AdminSession made = adminSession('c', BASE, 600);
    storage.adminSessions().create(made).join();
    try (Storage other = Storage.open(config)) {
      assertThat(other.adminSessions().find(made.idHash()).join()).hasValue(made);
      assertThat(other.adminSessions().delete(made.idHash()).join()).isTrue();
    }
    assertThat(storage.adminSessions().find(made.idHash()).join()).as("ended for every instance").isEmpty();
  }

  @Test
  void deletingExpiredAdminSessionsLeavesTheLiveOnes() throws Exception {
    storage.adminSessions().create(adminSession('1', BASE, 300)).join();
    storage.adminSessions().create(adminSession('2', BASE, 600)).join();
    storage.adminSessions().create(adminSession('3', BASE, 86_400)).join();

    assertThat(storage.adminSessions().deleteExpired(BASE.plusSeconds(600)).join()).as("expiry is exclusive")
        .isEqualTo(2);
    assertThat(storage.adminSessions().find("3".repeat(64)).join()).isPresent();
    assertThat(database.count("SELECT COUNT(*) FROM gb_admin_session")).isEqualTo(1);
  }

  @Test
  void aSecondAdminSessionWithTheSameIdHashIsRefused() {
    AdminSession made = adminSession('d', BASE, 600);
    storage.adminSessions().create(made).join();
    assertThat(storage.adminSessions().create(adminSession('d', BASE.plusSeconds(1), 600)))
        .failsWithin(Duration.ofSeconds(10));
    assertThat(storage.adminSessions().find(made.idHash()).join()).hasValue(made);
  }

  @Test
  void uploadSessionsAreSharedFoundByHashAndExpire() throws Exception {
    UploadSession file = new UploadSession("a".repeat(64), "/upload/v1beta/files?upload_id=G-1&upload_protocol=resumable",
        KEY_A.fingerprint(), KEY_A.last4(), "c_owner000000000000001", 2L * 1024 * 1024 * 1024 * 1024,
        UploadSession.Kind.FILE, null, BASE.toEpochMilli(), BASE.plusSeconds(600).toEpochMilli());
    UploadSession store = new UploadSession("b".repeat(64), "/upload/v1beta/fileSearchStores/s1:uploadToFileSearchStore"
        + "?upload_id=G-2", KEY_B.fingerprint(), KEY_B.last4(), "c_owner000000000000002", -1,
        UploadSession.Kind.FILE_SEARCH_STORE, "fileSearchStores/s1", BASE.toEpochMilli(),
        BASE.plusSeconds(60).toEpochMilli());
    storage.uploadSessions().create(file).join();
    storage.uploadSessions().create(store).join();

    try (Storage other = Storage.open(config)) {
      assertThat(other.uploadSessions().find(file.idHash()).join()).hasValue(file);
      assertThat(other.uploadSessions().find(store.idHash()).join()).hasValue(store);
    }
    assertThat(storage.uploadSessions().find("c".repeat(64)).join()).isEmpty();
    assertThat(storage.uploadSessions().create(file)).as("one row per id").failsWithin(Duration.ofSeconds(10));

    assertThat(storage.uploadSessions().countOpen("c_owner000000000000001", BASE.toEpochMilli()).join()).isEqualTo(1);
    assertThat(storage.uploadSessions().countOpen("c_owner000000000000002", BASE.plusSeconds(60).toEpochMilli())
        .join()).as("expired at that time").isZero();
    assertThat(storage.uploadSessions().countOpen("c_nobody", BASE.toEpochMilli()).join()).isZero();
    assertThat(storage.uploadSessions().deleteExpired(BASE.plusSeconds(60).toEpochMilli()).join()).isEqualTo(1);
    assertThat(storage.uploadSessions().find(store.idHash()).join()).isEmpty();
    assertThat(storage.uploadSessions().delete(file.idHash()).join()).isTrue();
    assertThat(storage.uploadSessions().delete(file.idHash()).join()).isFalse();
    assertThat(database.count("SELECT COUNT(*) FROM gb_upload_session")).isZero();
  }

  /** A per-owner bound no test here reaches. */
  private static final int KEEP_ALL = 1000;

  private static StoredResponse created(String id, String owner, long createdAtMillis) {
    return new StoredResponse(id, owner, "gemini-2.5-flash", createdAtMillis, createdAtMillis + 3_600_000, "{}");
  }

  private List<String> responseIds(String owner) throws Exception {
    List<String> ids = new ArrayList<>();
    for (String id : List.of("resp_1", "resp_2", "resp_3", "resp_4", "resp_5", "resp_6", "resp_o1", "resp_o2")) {
      if (storage.responses().find(id, owner, BASE.toEpochMilli()).join().isPresent()) {
        ids.add(id);
      }
    }
    return ids;
  }

  @Test
  void aSaveBeyondTheOwnersBoundForgetsItsOldestResponsesOnly() throws Exception {
    long t = BASE.toEpochMilli();
    storage.responses().save(created("resp_o1", "c_other", t), KEEP_ALL).join();
    storage.responses().save(created("resp_o2", "c_other", t + 1), KEEP_ALL).join();
    for (int i = 1; i <= 5; i++) {
      storage.responses().save(created("resp_" + i, "c_owner1", t + 10 + i), 3).join();
      assertThat(database.count("SELECT COUNT(*) FROM gb_response WHERE owner = 'c_owner1'"))
          .as("after save %d", i).isEqualTo(Math.min(i, 3));
    }
    assertThat(responseIds("c_owner1")).as("the newest three").containsExactly("resp_3", "resp_4", "resp_5");
    assertThat(responseIds("c_other")).as("another owner's").containsExactly("resp_o1", "resp_o2");

    storage.responses().save(new StoredResponse("resp_4", "c_owner1", "gemini-2.5-pro", t + 14, t + 7_200_000,
        "{\"later\":true}"), 3).join();
    assertThat(responseIds("c_owner1")).as("a later state of a kept one forgets nothing")
        .containsExactly("resp_3", "resp_4", "resp_5");

    storage.responses().save(created("resp_6", "c_owner1", t), 3).join();
    assertThat(responseIds("c_owner1")).as("the response saved is kept even when it is the oldest")
        .containsExactly("resp_4", "resp_5", "resp_6");

    storage.responses().save(created("resp_5", "c_owner1", t + 15), 1).join();
    assertThat(responseIds("c_owner1")).as("a lowered bound").containsExactly("resp_5");
    assertThat(responseIds("c_other")).containsExactly("resp_o1", "resp_o2");
    assertThat(storage.responses().save(created("resp_6", "c_owner1", t), 0)).as("a bound of 0")
        .failsWithin(Duration.ofSeconds(10));
  }

  @Test
  void responsesMadeInTheSameMillisecondAreBoundedToo() throws Exception {
    long t = BASE.toEpochMilli();
    for (int i = 1; i <= 6; i++) {
      storage.responses().save(created("resp_" + i, "c_owner1", t), 2).join();
      assertThat(responseIds("c_owner1")).as("after save %d", i).hasSize(Math.min(i, 2)).contains("resp_" + i);
    }
  }

  private static StoredResponse response(String id, String owner, long expiresAtMillis, String body) {
    return new StoredResponse(id, owner, "gemini-2.5-flash", BASE.toEpochMilli(), expiresAtMillis, body);
  }

  @Test
  void aStoredResponseIsSavedReplacedAndFoundByItsOwnerOnly() throws Exception {
    long now = BASE.toEpochMilli();
    // Over TEXT's 64 KB on MySQL, with characters outside ASCII and the BMP: the column type and charset matter.
    String large = "{\"output\":\"" + "\u00e9\u4e2d\ud83d\ude00 ".repeat(20_000) + "\"}";
    StoredResponse first = response("resp_" + "a".repeat(59), "c_owner1", now + 3_600_000, "{\"status\":\"in_progress\"}");
    storage.responses().save(first, KEEP_ALL).join();
    try (Storage other = Storage.open(config)) {
      assertThat(other.responses().find(first.id(), "c_owner1", now).join()).as("seen by another instance")
          .hasValue(first);
    }

    StoredResponse later = new StoredResponse(first.id(), "c_owner1", "gemini-2.5-pro", now + 5, now + 7_200_000, large);
    storage.responses().save(later, KEEP_ALL).join();
    assertThat(reopen().responses().find(first.id(), "c_owner1", now).join()).hasValue(later);
    assertThat(database.count("SELECT COUNT(*) FROM gb_response")).isEqualTo(1);

    assertThat(storage.responses().find(first.id(), "c_owner2", now).join()).as("another owner's").isEmpty();
    assertThat(storage.responses().find(first.id(), "C_OWNER1", now).join()).as("owners are case-sensitive")
        .isEmpty();
    assertThat(storage.responses().find(first.id().toUpperCase(), "c_owner1", now).join())
        .as("ids are case-sensitive").isEmpty();
    assertThat(storage.responses().find("resp_unknown", "c_owner1", now).join()).isEmpty();
    assertThat(storage.responses().save(response("resp_" + "a".repeat(60), "c_owner1", now, "{}"), KEEP_ALL))
        .as("an id longer than the column").failsWithin(Duration.ofSeconds(10));
  }

  @Test
  void anIdOrOwnerTheTableCannotHoldIsNeitherFoundNorStored() {
    // A client names the id (GET /v1/responses/{id}); on MySQL/MariaDB comparing the ascii_bin
    // column with a non-ASCII value is an error ("Illegal mix of collations"), not "no such row".
    long now = BASE.toEpochMilli();
    storage.responses().save(response("resp_a", "c_owner1", now + 60_000, "{}"), KEEP_ALL).join();

    assertThat(storage.responses().find("resp_\u00e9", "c_owner1", now).join()).isEmpty();
    assertThat(storage.responses().find("resp_\ud83d\ude00", "c_owner1", now).join()).isEmpty();
    assertThat(storage.responses().find("resp_a", "c_\u00f6wner1", now).join()).isEmpty();
    assertThat(storage.responses().find("resp_" + "a".repeat(200), "c_owner1", now).join()).isEmpty();
    assertThat(storage.responses().delete("resp_\u00e9", "c_owner1").join()).isFalse();
    assertThat(storage.responses().delete("resp_a", "c_\u00f6wner1").join()).isFalse();
    assertThat(storage.responses().save(response("resp_\u00e9", "c_owner1", now + 60_000, "{}"), KEEP_ALL))
        .as("an id outside ASCII").failsWithin(Duration.ofSeconds(10));
    assertThat(storage.responses().save(response("resp_b", "c_" + "o".repeat(39), now + 60_000, "{}"), KEEP_ALL))
        .as("an owner longer than the column").failsWithin(Duration.ofSeconds(10));
    assertThat(storage.responses().find("resp_a", "c_owner1", now).join()).isPresent();
  }

  @Test
  void anExpiredStoredResponseIsNotFound() {
    long now = BASE.toEpochMilli();
    storage.responses().save(response("resp_expiring", "c_owner1", now, "{}"), KEEP_ALL).join();

    assertThat(storage.responses().find("resp_expiring", "c_owner1", now - 1).join()).isPresent();
    assertThat(storage.responses().find("resp_expiring", "c_owner1", now).join()).as("expired at expires_at")
        .isEmpty();
    assertThat(storage.responses().find("resp_expiring", "c_owner1", now + 1).join()).isEmpty();
  }

  @Test
  void aStoredResponseIsDeletedByItsOwnerOnly() throws Exception {
    long now = BASE.toEpochMilli();
    storage.responses().save(response("resp_kept", "c_owner1", now + 60_000, "{}"), KEEP_ALL).join();

    assertThat(storage.responses().delete("resp_kept", "c_owner2").join()).as("another owner's").isFalse();
    assertThat(storage.responses().find("resp_kept", "c_owner1", now).join()).isPresent();
    assertThat(storage.responses().delete("resp_kept", "c_owner1").join()).isTrue();
    assertThat(storage.responses().delete("resp_kept", "c_owner1").join()).isFalse();
    assertThat(database.count("SELECT COUNT(*) FROM gb_response")).isZero();
  }

  @Test
  void expiredStoredResponsesAreDeletedInBoundedBatches() throws Exception {
    long now = BASE.toEpochMilli();
    for (int i = 0; i < 5; i++) {
      storage.responses().save(response("resp_old" + i, "c_owner" + i % 2, now - i, "{}"), KEEP_ALL).join();
    }
    storage.responses().save(response("resp_live", "c_owner1", now + 1, "{}"), KEEP_ALL).join();

    assertThat(storage.responses().deleteExpired(now, 2).join()).isEqualTo(2);
    assertThat(database.count("SELECT COUNT(*) FROM gb_response")).isEqualTo(4);
    assertThat(storage.responses().deleteExpired(now, 2).join()).isEqualTo(2);
    assertThat(storage.responses().deleteExpired(now, 2).join()).isEqualTo(1);
    assertThat(storage.responses().deleteExpired(now, 2).join()).isZero();
    assertThat(storage.responses().find("resp_live", "c_owner1", now).join()).isPresent();
    assertThat(storage.responses().deleteExpired(now, 0)).as("a limit of 0").failsWithin(Duration.ofSeconds(10));
  }

  @Test
  void theRetentionJobSweepsExpiredStoredResponsesWhateverTheLogPolicy() throws Exception {
    long now = BASE.toEpochMilli();
    for (int i = 0; i < 5; i++) {
      storage.responses().save(response("resp_old" + i, "c_owner1", now - 1000 + i, "{}"), KEEP_ALL).join();
    }
    storage.responses().save(response("resp_live", "c_owner1", now + 1, "{}"), KEEP_ALL).join();
    RetentionJob job = new RetentionJob(storage.requestLogs(), storage.errorLogs(), storage.responses(),
        () -> new RetentionPolicy(false, 7, false, 30), Clock.fixed(BASE, ZoneOffset.UTC), 2);

    assertThat(job.runOnce()).isEqualTo(new RetentionJob.Result(0, 0, 5));
    assertThat(database.count("SELECT COUNT(*) FROM gb_response")).isEqualTo(1);
    assertThat(storage.responses().find("resp_live", "c_owner1", now).join()).isPresent();
  }

  static ClientToken clientToken(String id, String name, String hash, long createdAt) {
    return new ClientToken(id, name, hash, "ab12", List.of("gemini-2.5-*", "gemini-2.0-flash"),
        Set.of(ClientProtocol.OPENAI, ClientProtocol.NATIVE), new TokenLimits(60L, 10_000L, null, 5_000_000_000L, 4),
        BASE.plusSeconds(3600), List.of("10.0.0.0/8", "2001:db8::/32"), true, null, Instant.ofEpochMilli(createdAt),
        Instant.ofEpochMilli(createdAt));
  }

  @Test
  void clientTokensAreAddedFoundListedOldestFirstAndUpdatedWhole() {
    long t = BASE.toEpochMilli();
    ClientToken later = clientToken("tk_b", "Zweites Team 第二", "b".repeat(64), t + 1000);
    ClientToken first = clientToken("tk_a", "first", "a".repeat(64), t);
    storage.clientTokens().insert(later).join();
    storage.clientTokens().insert(first).join();

    assertThat(reopen().clientTokens().loadAll().join()).containsExactly(first, later);
    assertThat(storage.clientTokens().find("tk_b").join()).contains(later);
    assertThat(storage.clientTokens().find("tk_B").join()).as("ids are case-sensitive").isEmpty();
    assertThat(storage.clientTokens().find("tk_none").join()).isEmpty();

    ClientToken changed = new ClientToken("tk_b", "renamed", "c".repeat(64), "cd34", List.of(), Set.of(),
        new TokenLimits(null, null, 1000L, null, null), null, List.of(), false, Instant.ofEpochMilli(t + 5000),
        Instant.ofEpochMilli(t + 999_999), Instant.ofEpochMilli(t + 5000));
    assertThat(storage.clientTokens().update(changed).join()).isTrue();
    assertThat(storage.clientTokens().find("tk_b").join()).as("everything but the creation time")
        .contains(new ClientToken("tk_b", "renamed", "c".repeat(64), "cd34", List.of(), Set.of(),
            new TokenLimits(null, null, 1000L, null, null), null, List.of(), false, Instant.ofEpochMilli(t + 5000),
            Instant.ofEpochMilli(t + 1000), Instant.ofEpochMilli(t + 5000)));
    assertThat(storage.clientTokens().update(clientToken("tk_none", "x", "d".repeat(64), t)).join()).isFalse();
    assertThat(storage.clientTokens().loadAll().join()).hasSize(2);
    // An edit read before another instance revoked the token must not bring it back.
    ClientToken editedBeforeTheRevoke = new ClientToken("tk_b", "edited", "c".repeat(64), "cd34", List.of(),
        Set.of(), TokenLimits.NONE, null, List.of(), true, null, Instant.ofEpochMilli(t + 1000),
        Instant.ofEpochMilli(t + 6000));
    assertThat(storage.clientTokens().update(editedBeforeTheRevoke).join()).as("a revoked token is final").isFalse();
    assertThat(storage.clientTokens().find("tk_b").join()).map(ClientToken::name).contains("renamed");
    assertThat(storage.clientTokens().find("tk_b").join()).map(ClientToken::revokedAt)
        .contains(Instant.ofEpochMilli(t + 5000));
  }

  @Test
  void aClientTokenValueHashOrIdIsNeverStoredTwice() {
    long t = BASE.toEpochMilli();
    storage.clientTokens().insert(clientToken("tk_a", "a", "a".repeat(64), t)).join();

    assertThat(storage.clientTokens().insert(clientToken("tk_b", "b", "a".repeat(64), t)))
        .as("same value hash").failsWithin(Duration.ofSeconds(10))
        .withThrowableThat().havingRootCause().isNotInstanceOf(ClientTokenStore.NameTaken.class);
    assertThat(storage.clientTokens().insert(clientToken("tk_a", "c", "c".repeat(64), t)))
        .as("same id").failsWithin(Duration.ofSeconds(10));
    assertThat(storage.clientTokens().update(clientToken("tk_c", "c", "a".repeat(64), t)).join()).isFalse();
    assertThat(storage.clientTokens().loadAll().join()).extracting(ClientToken::id).containsExactly("tk_a");
  }

  @Test
  void twoTokensNotRevokedNeverShareANameIgnoringCaseButARevokedOnesNameIsFree() {
    long t = BASE.toEpochMilli();
    ClientTokenStore tokens = storage.clientTokens();
    ClientToken first = clientToken("tk_a", "Team Ä", "a".repeat(64), t);
    tokens.insert(first).join();

    assertThat(tokens.insert(clientToken("tk_b", "team ä", "b".repeat(64), t))).as("same name, other case")
        .failsWithin(Duration.ofSeconds(10)).withThrowableThat().havingCause()
        .isInstanceOf(ClientTokenStore.NameTaken.class).withMessageContaining("'team ä'");
    tokens.insert(clientToken("tk_c", "other", "c".repeat(64), t)).join();
    ClientToken renamed = new ClientToken("tk_c", "TEAM ä", "c".repeat(64), "ab12", List.of(), Set.of(),
        TokenLimits.NONE, null, List.of(), true, null, Instant.ofEpochMilli(t), Instant.ofEpochMilli(t + 1));
    assertThat(tokens.update(renamed)).as("renamed onto a name in use")
        .failsWithin(Duration.ofSeconds(10)).withThrowableThat().havingCause()
        .isInstanceOf(ClientTokenStore.NameTaken.class);
    assertThat(tokens.loadAll().join()).extracting(ClientToken::name).containsExactly("Team Ä", "other");

    tokens.update(first.revoked(Instant.ofEpochMilli(t + 2))).join();
    tokens.insert(clientToken("tk_d", "team ä", "d".repeat(64), t + 3)).join();
    assertThat(tokens.update(renamed.revoked(Instant.ofEpochMilli(t + 4)))).as("a revoked token keeps any name")
        .succeedsWithin(Duration.ofSeconds(10)).isEqualTo(true);
    assertThat(reopen().clientTokens().loadAll().join()).extracting(ClientToken::id, ClientToken::name)
        .containsExactly(tuple("tk_a", "Team Ä"), tuple("tk_c", "TEAM ä"), tuple("tk_d", "team ä"));
  }

  @Test
  void auditEntriesAreKeptWholeAndPagedNewestFirst() {
    for (int i = 1; i <= 5; i++) {
      storage.auditLog().append(new AuditEntry(BASE.plusSeconds(i), "settings.update", "2001:db8::" + i,
          i == 5 ? null : "fp" + i, List.of(new AuditEntry.Change("MAX_RETRIES", String.valueOf(i - 1), String.valueOf(i)),
              new AuditEntry.Change("CUSTOM_HEADERS", "{}", "{x-\u00e9t\u00e9 \"quoted\"} (values hidden)")))).join();
    }

    Page<AuditRow> first = reopen().auditLog().page(0, 2).join();
    assertThat(first.total()).isEqualTo(5);
    assertThat(first.rows()).extracting(row -> row.entry().time()).containsExactly(BASE.plusSeconds(5), BASE.plusSeconds(4));
    AuditEntry newest = first.rows().get(0).entry();
    assertThat(newest).isEqualTo(new AuditEntry(BASE.plusSeconds(5), "settings.update", "2001:db8::5", null,
        List.of(new AuditEntry.Change("MAX_RETRIES", "4", "5"),
            new AuditEntry.Change("CUSTOM_HEADERS", "{}", "{x-\u00e9t\u00e9 \"quoted\"} (values hidden)"))));
    assertThat(storage.auditLog().page(4, 2).join().rows()).extracting(row -> row.entry().adminFingerprint())
        .containsExactly("fp1");
    assertThat(storage.auditLog().page(5, 2).join().rows()).isEmpty();
  }

  @Test
  void aResourceIsSavedFoundReplacedAndDeletedByItsName() throws Exception {
    ResourceRecord cache = resource("cachedContents/abc", ResourceKind.CACHED_CONTENT, "c_owner1", 0, 0);
    storage.resources().save(cache).join();

    try (Storage other = Storage.open(config)) {
      assertThat(other.resources().find("cachedContents/abc").join()).as("seen by another instance").hasValue(cache);
    }
    ResourceRecord later = cache.withState("ACTIVE", BASE.plusSeconds(3600).toEpochMilli(), "{\"ttl\":\"3600s\"}");
    storage.resources().save(later).join();
    assertThat(reopen().resources().find("cachedContents/abc").join()).hasValue(later);
    assertThat(database.count("SELECT COUNT(*) FROM gb_resource")).isEqualTo(1);
    assertThat(storage.resources().find("cachedContents/ABC").join()).as("names are case-sensitive").isEmpty();

    assertThat(storage.resources().delete("cachedContents/abc").join()).isTrue();
    assertThat(storage.resources().delete("cachedContents/abc").join()).isFalse();
    assertThat(storage.resources().find("cachedContents/abc").join()).isEmpty();
  }

  @Test
  void resourcesAreListedNewestFirstPerKindAndOwnerWithoutExpiredOnes() {
    long now = BASE.toEpochMilli();
    List<ResourceRecord> saved = List.of(
        resource("batches/b1", ResourceKind.BATCH, "c_alice", 1, 0),
        resource("batches/b2", ResourceKind.BATCH, "c_bob", 2, now + 1),
        resource("batches/b3", ResourceKind.BATCH, "c_alice", 3, now),
        resource("batches/b4", ResourceKind.BATCH, "c_alice", 4, now + 60_000),
        resource("batches/b5", ResourceKind.BATCH, "c_bob", 5, 0),
        resource("models/veo-3/operations/o1", ResourceKind.OPERATION, "c_alice", 6, 0));
    saved.forEach(record -> storage.resources().save(record).join());
    ResourceStore resources = storage.resources();

    assertThat(resources.list(ResourceKind.BATCH, null, now, 10, 0).join()).as("b3 expired at now")
        .extracting(ResourceRecord::name).containsExactly("batches/b5", "batches/b4", "batches/b2", "batches/b1");
    assertThat(resources.list(ResourceKind.BATCH, null, now, 2, 2).join()).extracting(ResourceRecord::name)
        .containsExactly("batches/b2", "batches/b1");
    assertThat(resources.list(ResourceKind.BATCH, null, now, 2, 4).join()).isEmpty();
    assertThat(resources.list(ResourceKind.BATCH, "c_alice", now, 10, 0).join()).extracting(ResourceRecord::name)
        .containsExactly("batches/b4", "batches/b1");
    assertThat(resources.list(ResourceKind.BATCH, "C_ALICE", now, 10, 0).join()).as("owners are case-sensitive")
        .isEmpty();
    assertThat(resources.list(ResourceKind.OPERATION, "c_alice", now, 10, 0).join()).containsExactly(saved.get(5));
    assertThat(resources.list(ResourceKind.BATCH, "c_bob", now + 1, 10, 0).join()).extracting(ResourceRecord::name)
        .containsExactly("batches/b5");
  }

  @Test
  void expiredResourcesOfEveryKindComeOldestExpiryFirst() {
    long now = BASE.toEpochMilli();
    storage.resources().save(resource("cachedContents/late", ResourceKind.CACHED_CONTENT, "c_a", 1, now)).join();
    storage.resources().save(resource("files/early", ResourceKind.FILE, "c_a", 2, now - 2000)).join();
    storage.resources().save(resource("batches/middle", ResourceKind.BATCH, "c_b", 3, now - 1000)).join();
    storage.resources().save(resource("batches/live", ResourceKind.BATCH, "c_b", 4, now + 1)).join();
    storage.resources().save(resource("batches/forever", ResourceKind.BATCH, "c_b", 5, 0)).join();

    assertThat(storage.resources().expired(now, 10).join()).extracting(ResourceRecord::name)
        .containsExactly("files/early", "batches/middle", "cachedContents/late");
    assertThat(storage.resources().expired(now, 2).join()).extracting(ResourceRecord::name)
        .containsExactly("files/early", "batches/middle");
  }

  /** Files go to gemini-balance's table with its columns filled from Google's File JSON; key and owner masked. */
  @Test
  void aFileIsKeptInGeminiBalancesTableAndReadBackAsSaved() throws Exception {
    String metadata = """
        {"name":"files/cat1","displayName":"cat.png","mimeType":"image/png","sizeBytes":"1024",
         "sha256Hash":"c2hh","state":"ACTIVE","createTime":"2026-11-20T10:15:00.123456Z",
         "updateTime":"2026-11-20T10:15:05Z","expirationTime":"2026-11-22T10:15:00Z",
         "uri":"https://generativelanguage.googleapis.com/v1beta/files/cat1"}""";
    ResourceRecord file = new ResourceRecord("files/cat1", ResourceKind.FILE, ResourceRecord.GEMINI_POOL,
        KEY_A.fingerprint(), KEY_A.last4(), "c_fileOwner0000000009", BASE.toEpochMilli() + 7, 0, "ACTIVE", metadata);
    storage.resources().save(file).join();

    assertThat(reopen().resources().find("files/cat1").join()).hasValue(file);
    assertThat(storage.resources().find("files/CAT1").join()).as("names are case-sensitive").isEmpty();
    assertThat(storage.resources().list(ResourceKind.FILE, "c_fileOwner0000000009", BASE.toEpochMilli(), 10, 0)
        .join()).containsExactly(file);
    assertThat(database.count("SELECT COUNT(*) FROM gb_resource")).isZero();
    Map<String, String> row = fileRow("files/cat1");
    assertThat(row).containsEntry("display_name", "cat.png").containsEntry("mime_type", "image/png")
        .containsEntry("size_bytes", "1024").containsEntry("sha256_hash", "c2hh").containsEntry("state", "ACTIVE")
        .containsEntry("uri", "https://generativelanguage.googleapis.com/v1beta/files/cat1")
        .containsEntry("api_key", "...0001").containsEntry("user_token", "...0009");
    // Google's times, as naive times of the configured zone (Shanghai: UTC+8).
    assertThat(row.get("create_time")).startsWith("2026-11-20 18:15:00");
    assertThat(row.get("update_time")).startsWith("2026-11-20 18:15:05");
    assertThat(row.get("expiration_time")).startsWith("2026-11-22 18:15:00");
    assertThat(row.get("upload_completed")).startsWith("2026-11-20 18:15:00");
    assertThat(database.count("SELECT COUNT(*) FROM t_file_records WHERE api_key LIKE '%ContractKey%'")).isZero();

    ResourceRecord failed = file.withState("FAILED", 0, null);
    storage.resources().save(failed).join();
    assertThat(storage.resources().find("files/cat1").join()).hasValue(failed);
    assertThat(fileRow("files/cat1")).containsEntry("state", "FAILED").containsEntry("mime_type", "");
    assertThat(database.count("SELECT COUNT(*) FROM t_file_records")).isEqualTo(1);
    assertThat(storage.resources().delete("files/cat1").join()).isTrue();
    assertThat(database.count("SELECT COUNT(*) FROM t_file_records")).isZero();
  }

  @Test
  void aFileGoogleGaveNoExpiryForExpiresInGeminiBalancesColumnAfter48Hours() throws Exception {
    ResourceRecord file = resource("files/bare", ResourceKind.FILE, "c_x", 0, 0).withState("STATE_UNSPECIFIED", 0,
        "not json");
    storage.resources().save(file).join();

    assertThat(storage.resources().find("files/bare").join()).hasValue(file);
    Map<String, String> row = fileRow("files/bare");
    assertThat(row).containsEntry("state", "PROCESSING").containsEntry("size_bytes", "0").containsEntry("uri", "");
    assertThat(row.get("create_time")).startsWith("2026-11-20 18:15:00");
    assertThat(row.get("expiration_time")).startsWith("2026-11-22 18:15:00");
  }

  /** A reused gemini-balance database: its file rows have no owner and are never taken for ours. */
  @Test
  void geminiBalancesOwnFileRowsAreNeitherReadNorDeleted() throws Exception {
    database.execute("INSERT INTO t_file_records (name, mime_type, size_bytes, state, create_time, update_time,"
        + " expiration_time, uri, api_key) VALUES ('files/legacy', 'image/png', 1, 'ACTIVE', '2026-11-20 10:00:00',"
        + " '2026-11-20 10:00:00', '2026-11-20 10:00:01', 'https://x/files/legacy', '" + SECRET_A + "')");
    long now = BASE.toEpochMilli();

    assertThat(storage.resources().find("files/legacy").join()).isEmpty();
    assertThat(storage.resources().list(ResourceKind.FILE, null, now, 10, 0).join()).isEmpty();
    assertThat(storage.resources().expired(now, 10).join()).isEmpty();
    assertThat(storage.resources().delete("files/legacy").join()).isFalse();
    assertThat(database.count("SELECT COUNT(*) FROM t_file_records WHERE name = 'files/legacy'")).isEqualTo(1);
  }

  @Test
  void aFileRecordMustBeNamedAsAFileAndOnlyAFile() {
    assertThat(storage.resources().save(resource("cachedContents/x", ResourceKind.FILE, "c_a", 0, 0)))
        .failsWithin(Duration.ofSeconds(10));
    assertThat(storage.resources().save(resource("files/x", ResourceKind.BATCH, "c_a", 0, 0)))
        .failsWithin(Duration.ofSeconds(10));
    assertThat(storage.resources().list(ResourceKind.BATCH, null, 0, 10, 0).join()).isEmpty();
  }

  @Test
  void aClientIdIsStablePerTokenFingerprintAndDistinctAcrossThem() {
    String first = storage.resources().clientId("f".repeat(16)).join();
    String second = storage.resources().clientId("e".repeat(16)).join();

    assertThat(first).matches("c_[A-Za-z0-9_-]{20}");
    assertThat(second).matches("c_[A-Za-z0-9_-]{20}").isNotEqualTo(first);
    assertThat(storage.resources().clientId("f".repeat(16)).join()).isEqualTo(first);
    try (Storage other = Storage.open(config)) {
      assertThat(other.resources().clientId("f".repeat(16)).join()).isEqualTo(first);
    }
    assertThat(reopen().resources().clientId("e".repeat(16)).join()).isEqualTo(second);
  }

  /** Two gateways asked for a new client at once, many times each: one id, one row. */
  @Test
  void concurrentFirstUsesOfOneTokenGetOneClientId() throws Exception {
    try (Storage other = Storage.open(config)) {
      List<java.util.concurrent.CompletableFuture<String>> calls = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        calls.add(storage.resources().clientId("abcdef0123456789"));
        calls.add(other.resources().clientId("abcdef0123456789"));
      }
      List<String> ids = new ArrayList<>();
      for (var call : calls) {
        ids.add(call.get(30, java.util.concurrent.TimeUnit.SECONDS));
      }
      assertThat(ids).hasSize(16).containsOnly(ids.get(0));
    }
    assertThat(database.count("SELECT COUNT(*) FROM gb_client")).isEqualTo(1);
  }

  /** gemini-balance's columns of one t_file_records row, as text. */
  private Map<String, String> fileRow(String name) throws SQLException {
    try (var connection = database.connect(); var select = connection.prepareStatement("SELECT display_name,"
        + " mime_type, size_bytes, sha256_hash, state, create_time, update_time, expiration_time, uri, api_key,"
        + " user_token, upload_completed FROM t_file_records WHERE name = ?")) {
      select.setString(1, name);
      try (ResultSet rows = select.executeQuery()) {
        assertThat(rows.next()).as(name).isTrue();
        Map<String, String> row = new java.util.HashMap<>();
        for (int i = 1; i <= rows.getMetaData().getColumnCount(); i++) {
          row.put(rows.getMetaData().getColumnLabel(i).toLowerCase(java.util.Locale.ROOT), rows.getString(i));
        }
        return row;
      }
    }
  }

  /** A record of KEY_B created {@code createdSeconds} after BASE, expiring at {@code expiresMillis}. */
  static ResourceRecord resource(String name, ResourceKind kind, String owner, int createdSeconds,
      long expiresMillis) {
    return new ResourceRecord(name, kind, ResourceRecord.GEMINI_POOL, KEY_B.fingerprint(), KEY_B.last4(), owner,
        BASE.plusSeconds(createdSeconds).toEpochMilli(), expiresMillis, null, null);
  }

  static RequestLogEntry call(Instant time, String model, KeyIdentity key, boolean success, Integer status,
      Integer promptTokens, Integer completionTokens) {
    return new RequestLogEntry(time, model, key, success, status, 100, promptTokens, completionTokens, false, 1,
        "req", null);
  }

  static RequestLogEntry timed(Instant time, String model, KeyIdentity key, boolean success, long latencyMs) {
    return new RequestLogEntry(time, model, key, success, success ? 200 : 500, latencyMs, null, null, false, 1,
        "req", null);
  }

  static ErrorLogEntry failure(Instant time, KeyIdentity key, int status, String message, String body) {
    return new ErrorLogEntry(time, key, "gemini-2.5-pro", "gemini-chat-non-stream", status, message, body, "req");
  }

  static LocalDateTime local(String text) {
    return LocalDateTime.parse(text);
  }
}
