package io.geminibalance.storage.jdbc;

import io.geminibalance.requestlog.KeyIdentity;
import io.geminibalance.storage.BucketCount;
import io.geminibalance.storage.KeyMatch;
import io.geminibalance.storage.KeyUsage;
import io.geminibalance.storage.LatencyPercentiles;
import io.geminibalance.storage.ModelUsage;
import io.geminibalance.storage.StatsStore;
import io.geminibalance.storage.TimeBucket;
import io.geminibalance.storage.UsageTotals;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * {@link StatsStore}: every figure is a GROUP BY over {@code t_request_log} restricted to a time
 * window, served by the request_time indexes added in migration 2.
 */
public final class JdbcStatsStore implements StatsStore {
  private static final String COUNTS = "SUM(CASE WHEN is_success THEN 1 ELSE 0 END) AS ok,"
      + " SUM(CASE WHEN is_success THEN 0 ELSE 1 END) AS failed";
  private static final String TOKENS = "COALESCE(SUM(gb_prompt_tokens), 0) AS prompt,"
      + " COALESCE(SUM(gb_completion_tokens), 0) AS completion";
  private static final String WINDOW = " FROM t_request_log WHERE request_time >= ? AND request_time < ?";
  /** Old rows have no fingerprint but the full key; grouping by it keeps each old key apart. */
  private static final String KEY_GROUP = "COALESCE(gb_key_fingerprint, api_key)";
  private static final String KEY_COLUMNS = KEY_GROUP + " AS k, MAX(gb_key_fingerprint) AS fp,"
      + " MAX(gb_key_last4) AS last4, ";

  /**
   * The longest one aggregate may run. They share the few database threads with the log writers
   * and admin sessions; one running for minutes over a huge log would starve them.
   */
  public static final Duration QUERY_LIMIT = Duration.ofSeconds(30);

  private final Jdbc jdbc;
  private final JdbcValues values;

  JdbcStatsStore(Jdbc jdbc, JdbcValues values) {
    this.jdbc = jdbc;
    this.values = values;
  }

  @Override
  public CompletableFuture<List<BucketCount>> countsPer(TimeBucket bucket, Instant from, Instant to) {
    return bucketCounts(bucket, "", from, to);
  }

  @Override
  public CompletableFuture<List<BucketCount>> countsPerForKey(KeyMatch key, TimeBucket bucket, Instant from,
      Instant to) {
    return bucketCounts(bucket, " AND " + KeyCondition.sql(key, "api_key"), from, to,
        KeyCondition.values(key).toArray());
  }

  private CompletableFuture<List<BucketCount>> bucketCounts(TimeBucket bucket, String condition, Instant from,
      Instant to, Object... extra) {
    String label = jdbc.dialect().bucketLabel("request_time", bucket);
    String sql = "SELECT " + label + " AS b, " + COUNTS + WINDOW + condition + " GROUP BY " + label + " ORDER BY 1";
    return query("count calls per " + bucket, sql, from, to, rows -> new BucketCount(
        bucket.parseLabel(rows.getString("b")), rows.getLong("ok"), rows.getLong("failed")), extra);
  }

  @Override
  public CompletableFuture<UsageTotals> totals(Instant from, Instant to) {
    String sql = "SELECT " + COUNTS + ", " + TOKENS + WINDOW;
    return query("total calls", sql, from, to, rows -> new UsageTotals(rows.getLong("ok"), rows.getLong("failed"),
        rows.getLong("prompt"), rows.getLong("completion"))).thenApply(List::getFirst);
  }

  @Override
  public CompletableFuture<List<ModelUsage>> perModel(Instant from, Instant to) {
    String sql = "SELECT model_name, " + COUNTS + ", " + TOKENS + WINDOW
        + " GROUP BY model_name ORDER BY COUNT(*) DESC, model_name";
    return query("calls per model", sql, from, to, JdbcStatsStore::modelUsage);
  }

  private static ModelUsage modelUsage(ResultSet rows) throws SQLException {
    return new ModelUsage(rows.getString("model_name"), rows.getLong("ok"), rows.getLong("failed"),
        rows.getLong("prompt"), rows.getLong("completion"));
  }

  @Override
  public CompletableFuture<List<ModelUsage>> perModelForKey(KeyMatch key, Instant from, Instant to) {
    String sql = "SELECT model_name, " + COUNTS + ", " + TOKENS + WINDOW + " AND " + KeyCondition.sql(key, "api_key")
        + " GROUP BY model_name ORDER BY COUNT(*) DESC, model_name";
    return query("calls per model of a key", sql, from, to, JdbcStatsStore::modelUsage,
        KeyCondition.values(key).toArray());
  }

  @Override
  public CompletableFuture<LatencyPercentiles> latency(Instant from, Instant to) {
    return percentiles("latency", null, from, to).thenApply(rows -> rows.isEmpty()
        ? new LatencyPercentiles("", 0, 0, 0) : rows.getFirst());
  }

  @Override
  public CompletableFuture<List<LatencyPercentiles>> latencyPerModel(Instant from, Instant to) {
    return percentiles("latency per model", "model_name", from, to);
  }

  @Override
  public CompletableFuture<List<LatencyPercentiles>> latencyPer(TimeBucket bucket, Instant from, Instant to) {
    return percentiles("latency per " + bucket, jdbc.dialect().bucketLabel("request_time", bucket), from, to);
  }

  /**
   * p50 and p95 per group ({@code group} an SQL expression, or null for the whole window) by the nearest rank: the row whose rank r (1..n, by latency) is the
   * first with r >= p * n, i.e. {@code r * 100 >= p * n > (r - 1) * 100} in whole numbers (integer
   * division differs between the engines, comparisons do not). Window functions, which all three
   * engines have (SQLite 3.25, MariaDB 10.2), rank inside the database; two rows per group come back.
   */
  private CompletableFuture<List<LatencyPercentiles>> percentiles(String operation, String group, Instant from,
      Instant to) {
    // PostgreSQL refuses a constant in PARTITION BY: the whole window is "no partition".
    String partition = group == null ? "" : "PARTITION BY " + group;
    String sql = "SELECT g, n, latency_ms, r FROM (SELECT " + (group == null ? "CAST(NULL AS CHAR(1))" : group)
        + " AS g, latency_ms, ROW_NUMBER() OVER (" + partition + " ORDER BY latency_ms) AS r,"
        + " COUNT(*) OVER (" + partition + ") AS n" + WINDOW
        + " AND is_success AND latency_ms IS NOT NULL) ranked"
        + " WHERE (r * 100 >= 50 * n AND (r - 1) * 100 < 50 * n) OR (r * 100 >= 95 * n AND (r - 1) * 100 < 95 * n)"
        + " ORDER BY g, r";
    return query(operation, sql, from, to, rows -> new RankedLatency(rows.getString("g"), rows.getLong("n"),
        rows.getLong("r"), rows.getInt("latency_ms"))).thenApply(JdbcStatsStore::pairUp);
  }

  private record RankedLatency(String group, long calls, long rank, int latency) {}

  /** One or two rows per group (one when p50 and p95 are the same row), in rank order. */
  private static List<LatencyPercentiles> pairUp(List<RankedLatency> rows) {
    Map<String, List<RankedLatency>> byGroup = new LinkedHashMap<>();
    rows.forEach(row -> byGroup.computeIfAbsent(row.group() == null ? "" : row.group(), g -> new ArrayList<>())
        .add(row));
    List<LatencyPercentiles> result = new ArrayList<>();
    byGroup.forEach((group, ranked) -> result.add(new LatencyPercentiles(group, ranked.getFirst().calls(),
        ranked.getFirst().latency(), ranked.getLast().latency())));
    return result;
  }

  @Override
  public CompletableFuture<List<KeyUsage>> perKey(Instant from, Instant to) {
    String sql = "SELECT " + KEY_COLUMNS + COUNTS + WINDOW + " GROUP BY " + KEY_GROUP;
    return query("calls per key", sql, from, to, JdbcStatsStore::keyUsage)
        .thenApply(rows -> mergeByFingerprint(rows, Integer.MAX_VALUE));
  }

  @Override
  public CompletableFuture<List<KeyUsage>> topKeysWithStatus(int statusCode, Instant from, Instant to, int limit) {
    String sql = "SELECT " + KEY_COLUMNS + COUNTS + WINDOW + " AND status_code = ? GROUP BY " + KEY_GROUP;
    return query("keys with status " + statusCode, sql, from, to, JdbcStatsStore::keyUsage,
        statusCode).thenApply(rows -> mergeByFingerprint(rows, limit));
  }

  private static KeyUsage keyUsage(ResultSet rows) throws SQLException {
    KeyIdentity key = JdbcValues.keyOf(rows.getString("fp"), rows.getString("last4"), rows.getString("k"));
    return new KeyUsage(key.fingerprint(), key.masked(), rows.getLong("ok"), rows.getLong("failed"));
  }

  /** A key with old and new rows comes back as two groups (full key, fingerprint); add them up. */
  private static List<KeyUsage> mergeByFingerprint(List<KeyUsage> rows, int limit) {
    Map<String, KeyUsage> merged = new LinkedHashMap<>();
    for (KeyUsage row : rows) {
      merged.merge(row.keyFingerprint(), row, (a, b) -> new KeyUsage(a.keyFingerprint(), a.maskedKey(),
          a.success() + b.success(), a.failure() + b.failure()));
    }
    return merged.values().stream()
        .sorted(Comparator.comparingLong(KeyUsage::total).reversed().thenComparing(KeyUsage::keyFingerprint))
        .limit(limit)
        .toList();
  }

  private interface RowMapper<T> {
    T map(ResultSet rows) throws SQLException;
  }

  /** Runs a windowed aggregate; {@code extra} values bind after the two window bounds. */
  private <T> CompletableFuture<List<T>> query(String operation, String sql, Instant from, Instant to,
      RowMapper<T> mapper, Object... extra) {
    return jdbc.call(operation, connection -> {
      try (PreparedStatement select = connection.prepareStatement(sql)) {
        jdbc.dialect().setTime(select, 1, values.local(from));
        jdbc.dialect().setTime(select, 2, values.local(to));
        for (int i = 0; i < extra.length; i++) {
          select.setObject(3 + i, extra[i]);
        }
        return jdbc.withinTime(operation, select, QUERY_LIMIT, () -> {
          List<T> result = new ArrayList<>();
          try (ResultSet rows = select.executeQuery()) {
            while (rows.next()) {
              result.add(mapper.map(rows));
            }
          }
          return result;
        });
      }
    });
  }
}
