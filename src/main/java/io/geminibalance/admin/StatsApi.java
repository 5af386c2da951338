package io.geminibalance.admin;

import io.geminibalance.keypool.ModelNames;
import io.geminibalance.keypool.PacificDay;
import io.geminibalance.keypool.QuotaSnapshot.ModelTotals;
import io.geminibalance.storage.BucketCount;
import io.geminibalance.storage.KeyMatch;
import io.geminibalance.storage.KeyUsage;
import io.geminibalance.storage.LatencyPercentiles;
import io.geminibalance.storage.ModelUsage;
import io.geminibalance.storage.RequestLogRow;
import io.geminibalance.storage.RequestLogStore;
import io.geminibalance.storage.StatsStore;
import io.geminibalance.storage.TimeBucket;
import io.geminibalance.storage.UsageTotals;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * The statistics behind the /stats page, every figure aggregated by the database ({@link StatsStore});
 * only the call list ({@code /api/stats/details}) returns rows, newest first and bounded. Keys
 * appear masked, with their fingerprint to ask further about them.
 */
public final class StatsApi {
  /** A chart's time range: its length and the width of its bars. */
  enum Range {
    HOUR("1h", Duration.ofHours(1), TimeBucket.MINUTE),
    DAY("24h", Duration.ofHours(24), TimeBucket.HOUR),
    WEEK("7d", Duration.ofDays(7), TimeBucket.HOUR),
    MONTH("30d", Duration.ofDays(30), TimeBucket.DAY);

    final String name;
    final Duration length;
    final TimeBucket bucket;

    Range(String name, Duration length, TimeBucket bucket) {
      this.name = name;
      this.length = length;
      this.bucket = bucket;
    }

    static final List<String> NAMES = Arrays.stream(values()).map(r -> r.name).toList();

    static Range named(String name) {
      return Arrays.stream(values()).filter(r -> r.name.equals(name)).findFirst().orElseThrow();
    }

    @Override
    public String toString() {
      return name;
    }
  }

  /** The overview's aggregates of one range, filled one after the other. */
  private static final class Overview {
    final Range range;
    final Instant from;
    final Instant to;
    List<BucketCount> counts;
    List<LatencyPercentiles> bucketLatency;
    UsageTotals totals;
    LatencyPercentiles latency;
    List<ModelUsage> models;
    List<LatencyPercentiles> modelLatency;
    List<KeyUsage> keys;

    Overview(Range range, Instant from, Instant to) {
      this.range = range;
      this.from = from;
      this.to = to;
    }
  }

  /** gemini-balance's call-list periods. */
  private static final Map<String, Duration> PERIODS = Map.of("1m", Duration.ofMinutes(1), "1h",
      Duration.ofHours(1), "8h", Duration.ofHours(8), "24h", Duration.ofHours(24));
  private static final List<String> PERIOD_NAMES = List.of("1m", "1h", "8h", "24h");
  /** The status codes of the "keys needing attention" panel. */
  static final List<Integer> ATTENTION_CODES = List.of(429, 403, 400);
  /** On the call lists: "true" when the period held more calls than {@code limit}, else "false". */
  static final String TRUNCATED_HEADER = "X-Truncated";

  private final StatsStore stats;
  private final RequestLogStore requests;
  private final Supplier<CompletableFuture<List<ModelTotals>>> poolTotals;
  private final InstantSource clock;
  private final ZoneId zone;
  /**
   * Gateway-wide, one overview is computed at a time (several aggregates, each possibly seconds
   * over a large log, on the database threads the log writers and admin sessions share): the same
   * range asked again meanwhile shares the running one, another range is answered 503.
   */
  private final SingleFlight<Range, Overview> overviews = new SingleFlight<>("the overview of range");

  /**
   * @param poolTotals the pool's totals per model; O(keys x models), so the caller computes them
   *     off the event loop
   * @param zone the zone of the request log's naive times (bucket labels are in it)
   */
  public StatsApi(StatsStore stats, RequestLogStore requests, Supplier<CompletableFuture<List<ModelTotals>>> poolTotals,
      InstantSource clock, ZoneId zone) {
    this.stats = stats;
    this.requests = requests;
    this.poolTotals = poolTotals;
    this.clock = clock;
    this.zone = zone;
  }

  /**
   * {@code GET /api/stats/overview?range=1h|24h|7d|30d&keys_limit=}: calls per bucket (every bucket
   * of the range, empty ones as zero) with latency p50/p95, totals with tokens, per model, and the
   * busiest keys. 503 with Retry-After while another range's overview is computed.
   */
  public void overview(RoutingContext rc) {
    Range range;
    int keysLimit;
    try {
      range = Range.named(QueryParams.choice(rc, "range", "24h", Range.NAMES));
      keysLimit = QueryParams.integer(rc, "keys_limit", 20, 1, 1000);
    } catch (QueryParams.BadParam e) {
      e.answer(rc);
      return;
    }
    int limit = keysLimit;
    AdminResponses.whenDone(rc, overviews.run(range, () -> compute(range)), "aggregate the request log",
        o -> rc.json(overviewBody(o, limit)));
  }

  /**
   * One aggregate after the other, never in parallel: each holds a database thread while it runs,
   * and the log writers need the others.
   */
  private CompletableFuture<Overview> compute(Range range) {
    Instant to = clock.instant();
    Overview o = new Overview(range, to.minus(range.length), to);
    Instant from = o.from;
    return stats.countsPer(range.bucket, from, to).thenAccept(v -> o.counts = v)
        .thenCompose(v -> stats.latencyPer(range.bucket, from, to)).thenAccept(v -> o.bucketLatency = v)
        .thenCompose(v -> stats.totals(from, to)).thenAccept(v -> o.totals = v)
        .thenCompose(v -> stats.latency(from, to)).thenAccept(v -> o.latency = v)
        .thenCompose(v -> stats.perModel(from, to)).thenAccept(v -> o.models = v)
        .thenCompose(v -> stats.latencyPerModel(from, to)).thenAccept(v -> o.modelLatency = v)
        .thenCompose(v -> stats.perKey(from, to)).thenAccept(v -> o.keys = v)
        .thenApply(v -> o);
  }

  private JsonObject overviewBody(Overview o, int keysLimit) {
    UsageTotals t = o.totals;
    return new JsonObject().put("range", o.range.name)
        .put("bucket", o.range.bucket.name().toLowerCase(Locale.ROOT))
        .put("from", o.from.toString()).put("to", o.to.toString())
        .put("buckets", buckets(o.range.bucket, o.from, o.to, o.counts, o.bucketLatency))
        .put("totals", new JsonObject().put("success", t.success()).put("failure", t.failure())
            .put("total", t.total()).put("prompt_tokens", t.promptTokens())
            .put("completion_tokens", t.completionTokens()).put("latency_p50_ms", o.latency.p50())
            .put("latency_p95_ms", o.latency.p95()))
        .put("models", models(o.models, o.modelLatency))
        .put("keys", keys(o.keys.stream().limit(keysLimit).toList()))
        .put("keys_total", o.keys.size());
  }

  /** Every bucket from the one holding {@code from} to the one holding {@code to}, epoch seconds. */
  private JsonArray buckets(TimeBucket bucket, Instant from, Instant to, List<BucketCount> counts,
      List<LatencyPercentiles> latencies) {
    Map<LocalDateTime, BucketCount> byStart = counts.stream()
        .collect(Collectors.toMap(BucketCount::start, Function.identity(), (a, b) -> a));
    Map<LocalDateTime, LatencyPercentiles> latencyByStart = new HashMap<>();
    latencies.forEach(l -> latencyByStart.put(bucket.parseLabel(l.group()), l));
    JsonArray result = new JsonArray();
    LocalDateTime end = LocalDateTime.ofInstant(to, zone);
    for (LocalDateTime start = bucket.truncate(LocalDateTime.ofInstant(from, zone)); !start.isAfter(end);
        start = next(bucket, start)) {
      BucketCount count = byStart.get(start);
      LatencyPercentiles latency = latencyByStart.get(start);
      result.add(new JsonObject().put("t", start.atZone(zone).toEpochSecond())
          .put("success", count == null ? 0 : count.success()).put("failure", count == null ? 0 : count.failure())
          .put("latency_p50_ms", latency == null ? null : latency.p50())
          .put("latency_p95_ms", latency == null ? null : latency.p95()));
    }
    return result;
  }

  private static LocalDateTime next(TimeBucket bucket, LocalDateTime start) {
    return switch (bucket) {
      case MINUTE -> start.plusMinutes(1);
      case HOUR -> start.plusHours(1);
      case DAY -> start.plusDays(1);
    };
  }

  private static JsonArray models(List<ModelUsage> models, List<LatencyPercentiles> latencies) {
    Map<String, LatencyPercentiles> byModel = latencies.stream()
        .collect(Collectors.toMap(LatencyPercentiles::group, Function.identity(), (a, b) -> a));
    JsonArray result = new JsonArray();
    for (ModelUsage m : models) {
      LatencyPercentiles latency = byModel.get(m.model() == null ? "" : m.model());
      result.add(new JsonObject().put("model", m.model()).put("success", m.success()).put("failure", m.failure())
          .put("total", m.success() + m.failure()).put("prompt_tokens", m.promptTokens())
          .put("completion_tokens", m.completionTokens())
          .put("latency_p50_ms", latency == null ? null : latency.p50())
          .put("latency_p95_ms", latency == null ? null : latency.p95()));
    }
    return result;
  }

  private static JsonArray keys(List<KeyUsage> keys) {
    JsonArray result = new JsonArray();
    keys.forEach(k -> result.add(new JsonObject().put("key", k.maskedKey()).put("key_fingerprint", k.keyFingerprint())
        .put("success", k.success()).put("failure", k.failure()).put("total", k.total())));
    return result;
  }

  /**
   * {@code GET /api/stats/details?period=1m|1h|8h|24h&limit=&key=}: gemini-balance's call list, as
   * an array, newest first, at most {@code limit} (1..1000, default 100) calls; header
   * {@code X-Truncated: true} when the period held more. {@code key} (a whole
   * key or a fingerprint) narrows it to one key.
   */
  public void details(RoutingContext rc) {
    calls(rc, false);
  }

  /** {@code GET /api/stats/key-details?key=&period=}: gemini-balance's per-key call list; {@code key} is required. */
  public void keyDetails(RoutingContext rc) {
    calls(rc, true);
  }

  private void calls(RoutingContext rc, boolean keyRequired) {
    Duration period;
    int limit;
    KeyMatch key;
    try {
      period = PERIODS.get(QueryParams.choice(rc, "period", "1h", PERIOD_NAMES));
      limit = QueryParams.integer(rc, "limit", 100, 1, 1000);
      key = keyMatch(QueryParams.text(rc, "key", 200));
      if (keyRequired && key == null) {
        throw new QueryParams.BadParam("key", "key: required (a whole key or its fingerprint)");
      }
    } catch (QueryParams.BadParam e) {
      e.answer(rc);
      return;
    }
    Instant to = clock.instant();
    // One row more than asked tells whether the period held more calls than the answer (gemini-balance
    // returned them all; scripts see the cut in X-Truncated rather than a silently short list).
    AdminResponses.whenDone(rc, requests.recent(to.minus(period), to.plusSeconds(1), key, limit + 1),
        "read the request log", rows -> {
          JsonArray calls = new JsonArray();
          rows.stream().limit(limit).forEach(row -> calls.add(call(row)));
          rc.response().putHeader("content-type", "application/json; charset=UTF-8")
              .putHeader(TRUNCATED_HEADER, String.valueOf(rows.size() > limit)).end(calls.encode());
        });
  }

  private static JsonObject call(RequestLogRow row) {
    return new JsonObject().put("id", row.id()).put("timestamp", row.time().toString()).put("key", row.maskedKey())
        .put("key_fingerprint", row.keyFingerprint()).put("model", row.model())
        .put("status", row.success() ? "success" : "failure").put("status_code", row.statusCode())
        .put("latency_ms", row.latencyMs()).put("request_id", row.requestId()).put("attempt", row.attempt());
  }

  /**
   * 16 hex digits are taken as a fingerprint; anything else as a whole key, which also finds the
   * rows gemini-balance wrote (they hold the key, no fingerprint).
   */
  static KeyMatch keyMatch(String key) {
    if (key == null) {
      return null;
    }
    return key.matches("[0-9a-f]{16}") ? KeyMatch.ofFingerprint(key) : KeyMatch.ofSecret(key);
  }

  /**
   * {@code GET /api/stats/attention-keys?limit=&status_code=}: the keys with most answers of that
   * status (default 429) in the last 24 h, most first: {@code [{key, key_fingerprint, count, status_code}]}.
   */
  public void attentionKeys(RoutingContext rc) {
    int limit;
    int status;
    try {
      limit = QueryParams.integer(rc, "limit", 20, 1, 1000);
      status = QueryParams.integer(rc, "status_code", 429, 100, 599);
    } catch (QueryParams.BadParam e) {
      e.answer(rc);
      return;
    }
    Instant to = clock.instant();
    AdminResponses.whenDone(rc, stats.topKeysWithStatus(status, to.minus(Duration.ofHours(24)), to.plusSeconds(1),
        limit), "count the keys' failures", keys -> {
          JsonArray result = new JsonArray();
          keys.forEach(k -> result.add(new JsonObject().put("key", k.maskedKey()).put("key_fingerprint",
              k.keyFingerprint()).put("count", k.total()).put("status_code", status)));
          rc.response().putHeader("content-type", "application/json; charset=UTF-8").end(result.encode());
        });
  }

  /**
   * {@code GET /api/key-usage-details/{key}}: calls per model of one key (a whole key or its
   * fingerprint) in the last 24 h, {@code {model: calls}} as gemini-balance answered.
   */
  public void keyUsage(RoutingContext rc) {
    String key = rc.pathParam("key");
    if (key == null || key.isBlank() || key.length() > 200) {
      AdminResponses.error(rc, 400, "key: expected a key or a key fingerprint", "key");
      return;
    }
    Instant to = clock.instant();
    AdminResponses.whenDone(rc, stats.perModelForKey(keyMatch(key), to.minus(Duration.ofHours(24)),
        to.plusSeconds(1)), "count the key's calls", models -> {
          JsonObject result = new JsonObject();
          models.forEach(m -> result.put(m.model() == null ? "" : m.model(), m.success() + m.failure()));
          rc.json(result);
        });
  }

  /**
   * {@code GET /api/stats/capacity}: per model the pool's keys by state and remaining requests
   * today (from the live pool), the calls of the last hour (from the request log) and, at that
   * rate, when the remaining requests run out ({@link Exhaustion}).
   */
  public void capacity(RoutingContext rc) {
    Instant now = clock.instant();
    var pool = poolTotals.get();
    var lastHour = stats.perModel(now.minus(Duration.ofHours(1)), now.plusSeconds(1));
    AdminResponses.whenDone(rc, CompletableFuture.allOf(pool, lastHour), "read the pool's capacity", v -> {
      Map<String, Long> callsPerBase = new HashMap<>();
      lastHour.join().forEach(m -> callsPerBase.merge(ModelNames.base(m.model() == null ? "" : m.model()),
          m.success() + m.failure(), Long::sum));
      long reset = PacificDay.nextResetMillis(now.toEpochMilli());
      JsonArray models = new JsonArray();
      for (ModelTotals m : pool.join()) {
        long calls = callsPerBase.getOrDefault(m.model(), 0L);
        Exhaustion forecast = Exhaustion.of(m.remainingToday(), calls, now.toEpochMilli(), reset);
        models.add(new JsonObject().put("model", m.model()).put("keys", m.keys()).put("usable", m.usable())
            .put("cooling", m.cooling()).put("parked", m.parked()).put("disabled", m.disabled())
            .put("rpm", m.rpmCapacity()).put("rpd", m.rpdCapacity()).put("remaining_today", m.remainingToday())
            .put("calls_last_hour", calls).put("exhausted_at", forecast.atMillis() == null ? null
                : Instant.ofEpochMilli(forecast.atMillis()).toString())
            .put("outlasts_day", forecast.outlastsDay()));
      }
      rc.json(new JsonObject().put("models", models).put("resets_at", Instant.ofEpochMilli(reset).toString()));
    });
  }
}
