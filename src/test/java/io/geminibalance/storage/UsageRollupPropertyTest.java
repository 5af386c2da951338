package io.geminibalance.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.geminibalance.protocol.gemini.TokenUsage;
import io.geminibalance.requestlog.KeyIdentity;
import io.geminibalance.requestlog.RequestLogEntry;
import io.geminibalance.storage.support.ServerTestDatabase;
import io.geminibalance.storage.support.SqliteTestDatabase;
import io.geminibalance.storage.support.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * For any batches of request-log rows, each roll-up (minute, hour, day) holds exactly the sums of
 * the raw rows: per client, model and key (against SQL sums over t_request_log), and per bucket
 * (against sums worked out here from the rows' times).
 */
class UsageRollupPropertyTest {
  static final Instant BASE = Instant.parse("2026-11-20T23:15:00Z");
  static final List<KeyIdentity> KEYS = List.of(KeyIdentity.ofSecret("AIzaSyPropertyKeyA00000000000000000000a1"),
      KeyIdentity.ofSecret("AIzaSyPropertyKeyB00000000000000000000b2"),
      KeyIdentity.ofSecret("AIzaSyPropertyKeyC00000000000000000000c3"));
  static final List<KeyIdentity> CLIENTS = List.of(new KeyIdentity("tk_prop_1", "aaaa"),
      new KeyIdentity("fpprop2", "bbbb"));
  static final List<String> MODELS = List.of("gemini-2.5-pro", "gemini-2.5-flash", "");

  /** A database and the storage open on it. */
  private record Backend(TestDatabase database, Storage storage) {}

  private static Backend sqlite;
  /**
   * Opened by its first try: MariaDB writes the roll-ups through multi-row statements
   * (SqlDialect.rowsPerUpsertAdd), the other engines through a JDBC batch.
   */
  private static Backend mariadb;

  @BeforeContainer
  static void open() throws Exception {
    SqliteTestDatabase database = new SqliteTestDatabase();
    sqlite = new Backend(database, Storage.open(database.config()));
  }

  @AfterContainer
  static void close() throws Exception {
    for (Backend backend : new Backend[] {sqlite, mariadb}) {
      if (backend != null) {
        backend.storage().close();
        backend.database().close();
      }
    }
  }

  @Provide
  Arbitrary<List<List<RequestLogEntry>>> batches() {
    Arbitrary<Integer> count = Arbitraries.integers().between(0, 5_000).injectNull(0.3);
    Arbitrary<TokenUsage> usage = Combinators.combine(count, count, count, count, count, count)
        .as(TokenUsage::new);
    Arbitrary<RequestLogEntry> entry = Combinators.combine(
        Arbitraries.longs().between(0, Duration.ofDays(2).toSeconds()),
        Arbitraries.of(MODELS), Arbitraries.of(KEYS), Arbitraries.integers().between(-1, CLIENTS.size() - 1),
        Arbitraries.of(true, false), Arbitraries.of(true, false), usage)
        .as((seconds, model, key, client, success, abandoned, u) -> new RequestLogEntry(BASE.plusSeconds(seconds),
            model.isEmpty() ? null : model, key, success, success ? 200 : 503, 10, u, abandoned, false, 1, "req",
            client < 0 ? null : CLIENTS.get(client)));
    return entry.list().ofMinSize(1).ofMaxSize(60).list().ofMinSize(1).ofMaxSize(5);
  }

  @Property(tries = 40)
  void everyRollupHoldsTheSumsOfTheRawRows(@ForAll("batches") List<List<RequestLogEntry>> batches) throws Exception {
    check(sqlite, batches);
  }

  @Property(tries = 15)
  void everyRollupHoldsTheSumsOfTheRawRowsOnMariaDb(@ForAll("batches") List<List<RequestLogEntry>> batches)
      throws Exception {
    if (mariadb == null) {
      ServerTestDatabase database = ServerTestDatabase.mariadb();
      mariadb = new Backend(database, Storage.open(database.config()));
    }
    check(mariadb, batches);
  }

  private static void check(Backend backend, List<List<RequestLogEntry>> batches) throws Exception {
    TestDatabase database = backend.database();
    Storage storage = backend.storage();
    database.execute("DELETE FROM t_request_log", "DELETE FROM gb_usage_minute", "DELETE FROM gb_usage_hour",
        "DELETE FROM gb_usage_day");
    List<RequestLogEntry> all = new ArrayList<>();
    for (List<RequestLogEntry> batch : batches) {
      storage.requestLogs().insert(batch).join();
      all.addAll(batch);
    }
    Map<List<String>, UsageSums> raw = rawSums(database);
    Instant from = BASE.minus(Duration.ofDays(1));
    Instant to = BASE.plus(Duration.ofDays(3));
    for (TimeBucket granularity : TimeBucket.values()) {
      Map<List<String>, UsageSums> rolled = new HashMap<>();
      for (UsageRow row : storage.usage().query(new UsageQuery(granularity, from, to, null, null, null,
          Set.of(UsageDimension.CLIENT, UsageDimension.MODEL, UsageDimension.KEY))).join()) {
        rolled.merge(List.of(row.client(), row.model(), row.key()), row.sums(), UsageSums::plus);
      }
      assertThat(rolled).as("%s per client, model and key", granularity).isEqualTo(raw);

      Map<Long, UsageSums> expected = new HashMap<>();
      long width = switch (granularity) {
        case MINUTE -> 60_000L;
        case HOUR -> 3_600_000L;
        case DAY -> 86_400_000L;
      };
      for (RequestLogEntry e : all) {
        long millis = e.time().toEpochMilli();
        expected.merge(millis - Math.floorMod(millis, width), sums(e), UsageSums::plus);
      }
      Map<Long, UsageSums> buckets = new HashMap<>();
      for (UsageRow row : storage.usage().query(new UsageQuery(granularity, from, to, null, null, null,
          Set.of(UsageDimension.BUCKET))).join()) {
        buckets.put(row.bucketStart(), row.sums());
      }
      assertThat(buckets).as("%s per bucket", granularity).isEqualTo(expected);
      everyShapeReadsEachCallOnce(storage, granularity, width, all);
    }
  }

  /**
   * Every grouping and filter /api/usage can ask for, over a span not aligned on days or hours (a
   * query without buckets reads whole days from the day roll-up and only its edges from the finer
   * one), reads one of the four row levels only: each call counted once.
   */
  private static void everyShapeReadsEachCallOnce(Storage storage, TimeBucket granularity, long width,
      List<RequestLogEntry> all) {
    Instant from = BASE.plus(Duration.ofMinutes(7 * 60 + 13)).plusSeconds(7);
    Instant to = BASE.plus(Duration.ofMinutes(47 * 60 + 41)).plusSeconds(30);
    // A filter of each kind, and none; calls without a client token as a client of their own.
    List<String> clients = Arrays.asList(CLIENTS.get(0).fingerprint(), "", null);
    List<String> models = Arrays.asList(MODELS.get(1), null);
    List<String> keys = Arrays.asList(KEYS.get(2).fingerprint(), null);
    List<UsageDimension> groupable = List.of(UsageDimension.CLIENT, UsageDimension.MODEL, UsageDimension.KEY);
    for (int mask = 0; mask < 16; mask++) {
      Set<UsageDimension> dimensions = new java.util.HashSet<>();
      for (int d = 0; d < 3; d++) {
        if ((mask & (1 << d)) != 0) {
          dimensions.add(groupable.get(d));
        }
      }
      if ((mask & 8) != 0) {
        dimensions.add(UsageDimension.BUCKET);
      }
      for (String client : clients) {
        for (String model : models) {
          for (String key : keys) {
            Map<List<Object>, UsageSums> expected = new HashMap<>();
            for (RequestLogEntry e : all) {
              long millis = e.time().toEpochMilli();
              long bucket = millis - Math.floorMod(millis, width);
              String c = e.client() == null ? "" : e.client().fingerprint();
              String m = e.model() == null ? "" : e.model(); // as the roll-ups store it
              if (bucket < from.toEpochMilli() || bucket >= to.toEpochMilli() || (client != null && !client.equals(c))
                  || (model != null && !model.equals(m))
                  || (key != null && !key.equals(e.key().fingerprint()))) {
                continue;
              }
              expected.merge(Arrays.asList(dimensions.contains(UsageDimension.BUCKET) ? bucket : null,
                  dimensions.contains(UsageDimension.CLIENT) ? c : null,
                  dimensions.contains(UsageDimension.MODEL) ? m : null,
                  dimensions.contains(UsageDimension.KEY) ? e.key().fingerprint() : null), sums(e), UsageSums::plus);
            }
            Map<List<Object>, UsageSums> read = new HashMap<>();
            for (UsageRow row : storage.usage().query(new UsageQuery(granularity, from, to, client, model, key,
                dimensions)).join()) {
              UsageSums previous = read.put(Arrays.asList(row.bucketStart(), row.client(), row.model(), row.key()),
                  row.sums());
              assertThat(previous).as("one row per group").isNull();
            }
            assertThat(read).as("%s by %s, client %s, model %s, key %s", granularity, dimensions, client, model, key)
                .isEqualTo(expected);
          }
        }
      }
    }
  }

  private static UsageSums sums(RequestLogEntry e) {
    TokenUsage u = e.usage();
    return new UsageSums(1, e.success() ? 0 : 1, e.abandoned() ? 1 : 0, zero(u.prompt()), zero(u.cached()),
        zero(u.output()), zero(u.thinking()), zero(u.image()), zero(u.audio()));
  }

  private static long zero(Integer value) {
    return value == null ? 0 : value;
  }

  /** The raw rows summed by SQL (completion holds output and thinking together). */
  private static Map<List<String>, UsageSums> rawSums(TestDatabase database) throws SQLException {
    Map<List<String>, UsageSums> sums = new HashMap<>();
    try (Connection connection = database.connect(); Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery("SELECT COALESCE(gb_client_fingerprint, ''), COALESCE(model_name, ''),"
            + " gb_key_fingerprint, COUNT(*), SUM(CASE WHEN is_success THEN 0 ELSE 1 END),"
            + " SUM(CASE WHEN gb_abandoned THEN 1 ELSE 0 END), COALESCE(SUM(gb_prompt_tokens), 0),"
            + " COALESCE(SUM(gb_cached_tokens), 0),"
            + " COALESCE(SUM(gb_completion_tokens), 0) - COALESCE(SUM(gb_thinking_tokens), 0),"
            + " COALESCE(SUM(gb_thinking_tokens), 0), COALESCE(SUM(gb_image_tokens), 0),"
            + " COALESCE(SUM(gb_audio_tokens), 0) FROM t_request_log"
            + " GROUP BY gb_client_fingerprint, model_name, gb_key_fingerprint")) {
      while (rows.next()) {
        sums.merge(List.of(rows.getString(1), rows.getString(2), rows.getString(3)),
            new UsageSums(rows.getLong(4), rows.getLong(5), rows.getLong(6), rows.getLong(7), rows.getLong(8),
                rows.getLong(9), rows.getLong(10), rows.getLong(11), rows.getLong(12)), UsageSums::plus);
      }
    }
    return sums;
  }
}
