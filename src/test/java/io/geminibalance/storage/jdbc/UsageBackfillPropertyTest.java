package io.geminibalance.storage.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import io.geminibalance.protocol.gemini.TokenUsage;
import io.geminibalance.requestlog.KeyIdentity;
import io.geminibalance.requestlog.RequestLogEntry;
import io.geminibalance.storage.Storage;
import io.geminibalance.storage.TimeBucket;
import io.geminibalance.storage.support.SqliteTestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * The upgrade's backfill, whatever its chunk size (and so however often it writes what it has
 * gathered over several chunks), builds the same roll-up rows as the live writer did for the same
 * request-log rows.
 */
class UsageBackfillPropertyTest {
  private static final Instant BASE = Instant.parse("2026-11-20T23:15:00Z");
  private static final List<KeyIdentity> KEYS = List.of(KeyIdentity.ofSecret("AIzaSyBackfillKeyA0000000000000000000a1"),
      KeyIdentity.ofSecret("AIzaSyBackfillKeyB0000000000000000000b2"));
  private static final List<KeyIdentity> CLIENTS = List.of(new KeyIdentity("tk_fill_1", "aaaa"),
      new KeyIdentity("fpfill2", "bbbb"));

  private static SqliteTestDatabase database;
  private static Storage storage;

  @BeforeContainer
  static void open() throws Exception {
    database = new SqliteTestDatabase();
    storage = Storage.open(database.config());
  }

  @AfterContainer
  static void close() throws Exception {
    storage.close();
    database.close();
  }

  @Provide
  Arbitrary<List<RequestLogEntry>> entries() {
    Arbitrary<Integer> count = Arbitraries.integers().between(0, 900).injectNull(0.2);
    Arbitrary<TokenUsage> usage = Combinators.combine(count, count, count, count, count, count).as(TokenUsage::new);
    return Combinators.combine(Arbitraries.longs().between(0, Duration.ofDays(2).toSeconds()),
            Arbitraries.of("gemini-2.5-pro", "gemini-2.5-flash"), Arbitraries.of(KEYS),
            Arbitraries.integers().between(-1, CLIENTS.size() - 1), Arbitraries.of(true, false),
            Arbitraries.of(true, false), usage)
        .as((seconds, model, key, client, success, abandoned, u) -> new RequestLogEntry(BASE.plusSeconds(seconds),
            model, key, success, success ? 200 : 503, 10, u, abandoned, false, 1, "req",
            client < 0 ? null : CLIENTS.get(client)))
        .list().ofMinSize(1).ofMaxSize(120)
        .map(list -> list.stream().sorted(Comparator.comparing(RequestLogEntry::time)).toList());
  }

  @Property(tries = 30)
  void theBackfillBuildsWhatTheLiveWriterBuilt(@ForAll("entries") List<RequestLogEntry> entries,
      @ForAll @IntRange(min = 1, max = 9) int chunk) throws Exception {
    database.execute("DELETE FROM t_request_log", "DELETE FROM gb_usage_minute", "DELETE FROM gb_usage_hour",
        "DELETE FROM gb_usage_day");
    storage.requestLogs().insert(entries).join();
    List<String> live = rollups();
    database.execute("DELETE FROM gb_usage_minute", "DELETE FROM gb_usage_hour", "DELETE FROM gb_usage_day");
    try (Connection connection = database.connect()) {
      connection.setAutoCommit(false);
      long read = UsageBackfill.run(connection, SqlDialect.of(database.config().type()),
          new JdbcValues(database.config().zone()), BASE.plus(Duration.ofDays(2)), chunk);
      connection.commit();
      assertThat(read).isEqualTo(entries.size());
    }
    assertThat(rollups()).isEqualTo(live);
  }

  /** Every roll-up row's key and sums, in order. */
  private static List<String> rollups() throws Exception {
    List<String> rows = new ArrayList<>();
    try (Connection connection = database.connect(); Statement statement = connection.createStatement()) {
      for (TimeBucket granularity : TimeBucket.values()) {
        String table = UsageRollups.table(granularity);
        try (ResultSet result = statement.executeQuery("SELECT * FROM " + table + " ORDER BY "
            + String.join(", ", UsageRollups.KEY_COLUMNS))) {
          while (result.next()) {
            StringBuilder row = new StringBuilder(table);
            for (String column : UsageRollups.KEY_COLUMNS) {
              row.append(' ').append(result.getString(column));
            }
            for (String column : UsageRollups.SUM_COLUMNS) {
              row.append(' ').append(result.getLong(column));
            }
            rows.add(row.toString());
          }
        }
      }
    }
    return rows;
  }
}
