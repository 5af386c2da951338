package io.geminibalance.storage;

import io.geminibalance.protocol.gemini.ResourceKind;
import static org.assertj.core.api.Assertions.assertThat;

import io.geminibalance.keypool.ApiKey;
import io.geminibalance.requestlog.KeyIdentity;
import io.geminibalance.requestlog.RequestLogEntry;
import io.geminibalance.storage.support.DatabaseScan;
import io.geminibalance.storage.support.TestDatabase;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Pointing the gateway at a database gemini-balance already uses: its settings and history are
 * read, our columns and tables are added, and none of its rows change.
 */
abstract class LegacySchemaContractTest {
  static final String KEY_ONE = "AIzaSyLegacyKeyOne_00000000000000000001";
  static final String KEY_TWO = "AIzaSyLegacyKeyTwo_00000000000000000002";
  /** The fixture's naive times are container-local time of a Shanghai deployment. */
  static final ZoneId ZONE = ZoneId.of("Asia/Shanghai");
  static final Instant WINDOW_START = Instant.parse("2026-11-20T10:00:00Z");
  static final Instant WINDOW_END = Instant.parse("2026-11-20T11:00:00Z");

  private TestDatabase database;
  private StorageConfig config;

  abstract TestDatabase createDatabase() throws Exception;

  /** The classpath SQL that builds gemini-balance's schema and rows for this engine. */
  abstract String fixture();

  @BeforeEach
  void createLegacyDatabase() throws Exception {
    database = createDatabase();
    database.runScript(fixture());
    config = database.config().withZone(ZONE);
  }

  @AfterEach
  void dropDatabase() throws Exception {
    if (database != null) {
      database.close();
    }
  }

  @Test
  void readsTheSavedSettingsIncludingApiKeysAsAJsonList() {
    try (Storage storage = Storage.open(config)) {
      Map<String, String> saved = storage.settings().loadAll().join();
      assertThat(saved).containsEntry("MAX_FAILURES", "10").containsKeys("API_KEYS", "ALLOWED_TOKENS");

      List<String> keys = io.geminibalance.config.ConfigValues.listItems("API_KEYS", saved.get("API_KEYS"));
      assertThat(keys).containsExactly(KEY_ONE, KEY_TWO);
      assertThat(storage.apiKeys().addAll(keys).join()).isEqualTo(2);
      assertThat(storage.apiKeys().list().join()).extracting(ApiKey::secret).containsExactly(KEY_ONE, KEY_TWO);

      storage.settings().save(Map.of("MAX_FAILURES", "5")).join();
      assertThat(storage.settings().loadAll().join()).containsEntry("MAX_FAILURES", "5").hasSize(4);
    }
  }

  @Test
  void keepsTheExistingRowsAsTheyWere() throws Exception {
    Storage.open(config).close();

    assertThat(database.count("SELECT COUNT(*) FROM t_request_log")).isEqualTo(3);
    assertThat(database.count("SELECT COUNT(*) FROM t_request_log WHERE api_key = '" + KEY_ONE + "'")).isEqualTo(2);
    assertThat(database.count("SELECT COUNT(*) FROM t_error_logs WHERE error_code = 429")).isEqualTo(1);
    assertThat(database.count("SELECT COUNT(*) FROM t_file_records WHERE name = 'files/abc123'")).isEqualTo(1);
    assertThat(database.count("SELECT COUNT(*) FROM t_settings")).isEqualTo(4);
  }

  /** One call of KEY_ONE written by us (fingerprint, no whole key) in the middle of the window. */
  private static KeyIdentity logOneNewCall(Storage storage, String model) {
    KeyIdentity one = KeyIdentity.ofSecret(KEY_ONE);
    storage.requestLogs().insert(List.of(new RequestLogEntry(WINDOW_START.plusSeconds(1800), model, one, true, 200,
        500, 3, 4, false, 1, "req-new", null))).join();
    return one;
  }

  @Test
  void theUpgradeBuildsTheUsageRollupsFromTheOldRowsUnderEachKeysFingerprint() {
    try (Storage storage = Storage.open(config)) {
      List<UsageRow> rows = storage.usage().query(new UsageQuery(TimeBucket.DAY, WINDOW_START.minus(Duration.ofDays(1)),
          WINDOW_END.plus(Duration.ofDays(1)), null, null, null, Set.of(UsageDimension.KEY, UsageDimension.BUCKET)))
          .join();
      long day = Instant.parse("2026-11-20T00:00:00Z").toEpochMilli();
      assertThat(rows).extracting(UsageRow::bucketStart, UsageRow::key, UsageRow::keyMasked, r -> r.sums().requests(),
          r -> r.sums().failures()).containsExactlyInAnyOrder(
              org.assertj.core.api.Assertions.tuple(day, KeyIdentity.ofSecret(KEY_ONE).fingerprint(), "...0001", 2L, 1L),
              org.assertj.core.api.Assertions.tuple(day, KeyIdentity.ofSecret(KEY_TWO).fingerprint(), "...0002", 1L, 0L));
    }
  }

  @Test
  void countsOldHistoryInStatisticsWithoutEverReturningAFullKey() {
    try (Storage storage = Storage.open(config)) {
      KeyIdentity one = logOneNewCall(storage, "gemini-2.5-flash");

      assertThat(storage.stats().totals(WINDOW_START, WINDOW_END).join()).isEqualTo(new UsageTotals(3, 1, 3, 4));
      assertThat(storage.stats().perKey(WINDOW_START, WINDOW_END).join()).containsExactly(
          new KeyUsage(one.fingerprint(), "...0001", 2, 1),
          new KeyUsage(KeyIdentity.ofSecret(KEY_TWO).fingerprint(), "...0002", 1, 0));
      assertThat(storage.requestLogs().recent(WINDOW_START, WINDOW_END, null, 10).join())
          .extracting(RequestLogRow::maskedKey).containsExactly("...0002", "...0001", "...0001", "...0001");
      assertThat(storage.errorLogs().search(ErrorLogQuery.firstPage(10)).join().rows()).singleElement()
          .satisfies(row -> {
            assertThat(row.maskedKey()).isEqualTo("...0001");
            assertThat(row.keyFingerprint()).isEqualTo(one.fingerprint());
            assertThat(row.errorType()).isEqualTo("gemini-chat-non-stream");
            assertThat(row.time()).isEqualTo(Instant.parse("2026-11-20T10:15:30Z"));
          });
    }
  }

  /**
   * Without ENCRYPTION_KEY the old rows keep the whole key and have no fingerprint: asking with the
   * whole key finds them beside ours; a fingerprint alone finds ours only.
   */
  @Test
  void aWholeKeyFindsGeminiBalancesRowsOfThatKey() {
    try (Storage storage = Storage.open(config)) {
      KeyIdentity one = logOneNewCall(storage, "gemini-2.5-pro");
      KeyMatch whole = KeyMatch.ofSecret(KEY_ONE);
      KeyMatch byFingerprint = KeyMatch.ofFingerprint(one.fingerprint());

      assertThat(storage.requestLogs().recent(WINDOW_START, WINDOW_END, whole, 10).join())
          .extracting(RequestLogRow::keyFingerprint).containsExactly(one.fingerprint(), one.fingerprint(),
              one.fingerprint());
      assertThat(storage.requestLogs().recent(WINDOW_START, WINDOW_END, byFingerprint, 10).join()).hasSize(1);
      assertThat(storage.stats().perModelForKey(whole, WINDOW_START, WINDOW_END).join()).containsExactly(
          new ModelUsage("gemini-2.5-flash", 1, 1, 0, 0), new ModelUsage("gemini-2.5-pro", 1, 0, 3, 4));
      assertThat(storage.stats().countsPerForKey(whole, TimeBucket.HOUR, WINDOW_START, WINDOW_END).join())
          .singleElement().satisfies(bucket -> assertThat(bucket.success() + bucket.failure()).isEqualTo(3));
      assertThat(storage.errorLogs().search(new ErrorLogQuery(whole, null, null, null, null, null, false, true, 0,
          10)).join().rows()).singleElement().satisfies(row -> assertThat(row.statusCode()).isEqualTo(429));
      assertThat(storage.errorLogs().search(new ErrorLogQuery(KeyMatch.ofSecret(KEY_TWO), null, null, null, null,
          null, false, true, 0, 10)).join().total()).isZero();
      assertThat(storage.errorLogs().search(new ErrorLogQuery(byFingerprint, null, null, null, null, null, false,
          true, 0, 10)).join().total()).isZero();
    }
  }

  /**
   * With ENCRYPTION_KEY, the full keys gemini-balance wrote into its log and file rows are masked the
   * way ours are written, its saved secrets are encrypted, and statistics still see the old rows.
   */
  @Test
  void anEncryptionKeyLeavesNoFullKeyOrTokenInGeminiBalancesRows() throws Exception {
    database.execute("UPDATE t_error_logs SET error_log = 'Client error for url https://x/v1beta/models/m?key="
        + KEY_ONE + "'", "UPDATE t_file_records SET user_token = 'sk-legacy-token-123456'");
    List<String> secrets = List.of(KEY_ONE, KEY_TWO, "sk-legacy-token-123456");
    assertThat(DatabaseScan.find(database, secrets)).hasSizeGreaterThanOrEqualTo(6);

    AtRestEncryption encryption = AtRestEncryption.fromEnv(Map.of("ENCRYPTION_KEY", EncryptionKey.generate()),
        name -> !name.equals("MAX_FAILURES") && !name.startsWith("AUTO_DELETE"));
    try (Storage storage = Storage.open(config, encryption)) {
      KeyIdentity one = KeyIdentity.ofSecret(KEY_ONE);
      assertThat(storage.settings().loadAll().join()).containsEntry("MAX_FAILURES", "10")
          .containsEntry("ALLOWED_TOKENS", "[\"sk-legacy-token-123456\"]");
      assertThat(storage.stats().perKey(WINDOW_START, WINDOW_END).join()).containsExactly(
          new KeyUsage(one.fingerprint(), "...0001", 1, 1),
          new KeyUsage(KeyIdentity.ofSecret(KEY_TWO).fingerprint(), "...0002", 1, 0));
      assertThat(storage.errorLogs().search(ErrorLogQuery.firstPage(10)).join().rows()).singleElement()
          .satisfies(row -> {
            assertThat(row.keyFingerprint()).isEqualTo(one.fingerprint());
            assertThat(row.message()).contains("?key=...0001").doesNotContain(KEY_ONE);
          });
    }

    assertThat(DatabaseScan.find(database, secrets)).isEmpty();
    assertThat(database.count("SELECT COUNT(*) FROM t_request_log WHERE api_key = '...0001'")).isEqualTo(2);
    assertThat(database.count("SELECT COUNT(*) FROM t_file_records WHERE api_key = '...0001'"
        + " AND user_token = '...3456'")).isEqualTo(1);
  }

  /** Its file rows have no owner: the resource store never takes them for ours, and ours go beside them. */
  @Test
  void geminiBalancesFileRowsStayItsOwnBesideOurs() throws Exception {
    KeyIdentity one = KeyIdentity.ofSecret(KEY_ONE);
    ResourceRecord ours = new ResourceRecord("files/ours1", ResourceKind.FILE, ResourceRecord.GEMINI_POOL,
        one.fingerprint(), one.last4(), "c_legacyTestOwner0001", WINDOW_START.toEpochMilli(), 0, "ACTIVE", null);
    try (Storage storage = Storage.open(config)) {
      assertThat(storage.resources().find("files/abc123").join()).isEmpty();
      storage.resources().save(ours).join();
      assertThat(storage.resources().list(ResourceKind.FILE, null, WINDOW_START.toEpochMilli(), 10, 0).join())
          .containsExactly(ours);
      assertThat(storage.resources().delete("files/abc123").join()).isFalse();
    }
    assertThat(database.count("SELECT COUNT(*) FROM t_file_records WHERE name = 'files/abc123' AND gb_owner IS NULL"
        + " AND api_key = '" + KEY_ONE + "'")).isEqualTo(1);
    assertThat(database.count("SELECT COUNT(*) FROM t_file_records WHERE name = 'files/ours1'"
        + " AND api_key = '...0001' AND user_token = '...0001'")).isEqualTo(1);
  }

  @Test
  void migratesAgainSafelyWhenItsHistoryIsLost() throws Exception {
    Storage.open(config).close();
    // A restored backup without our history table, or a half-finished first start.
    database.execute("DROP TABLE gb_schema_history");

    try (Storage storage = Storage.open(config)) {
      assertThat(storage.settings().loadAll().join()).hasSize(4);
    }
    assertThat(database.count("SELECT COUNT(*) FROM t_request_log")).isEqualTo(3);
  }
}
