package io.geminibalance.admin;

import io.geminibalance.auth.ClientToken;
import io.geminibalance.auth.ClientTokenRegistry;
import io.geminibalance.storage.RetentionJob;
import io.geminibalance.storage.TimeBucket;
import io.geminibalance.storage.UsageDimension;
import io.geminibalance.storage.UsageQuery;
import io.geminibalance.storage.UsageRow;
import io.geminibalance.storage.UsageStore;
import io.geminibalance.storage.UsageSums;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * {@code GET /api/usage}: tokens and estimated cost (MODEL_PRICES) per bucket, client token, model
 * and key, read from the usage roll-ups only (never the request log, so a month costs the same
 * whatever the traffic). Client tokens appear by name when managed, else by their masked last
 * characters; keys masked.
 */
public final class UsageApi {
  /** Named periods, ending now. */
  static final Map<String, Duration> PERIODS = periods();
  /** The longest span of each granularity: the roll-up keeps no more (see RetentionJob). */
  static final Map<TimeBucket, Duration> LONGEST = Map.of(TimeBucket.MINUTE, RetentionJob.MINUTE_ROLLUP_AGE,
      TimeBucket.HOUR, RetentionJob.HOUR_ROLLUP_AGE, TimeBucket.DAY, Duration.ofDays(36_500));
  private static final List<String> GRANULARITIES = List.of("minute", "hour", "day");
  private static final List<String> GROUPS = List.of("token", "model", "key");

  /** One answer's reads, filled one after the other. */
  private static final class Answer {
    List<UsageRow> series;
    List<UsageRow> byToken;
    List<UsageRow> byModel;
    List<UsageRow> byKey;
  }

  private final UsageStore usage;
  private final ClientTokenRegistry tokens;
  private final Supplier<ModelPrices> prices;
  private final InstantSource clock;
  private final ZoneId zone;

  /**
   * @param prices MODEL_PRICES in force
   * @param zone how {@code from} and {@code to} without an offset are read
   */
  public UsageApi(UsageStore usage, ClientTokenRegistry tokens, Supplier<ModelPrices> prices, InstantSource clock,
      ZoneId zone) {
    this.usage = usage;
    this.tokens = tokens;
    this.prices = prices;
    this.clock = clock;
    this.zone = zone;
  }

  private static Map<String, Duration> periods() {
    Map<String, Duration> periods = new LinkedHashMap<>();
    periods.put("24h", Duration.ofHours(24));
    periods.put("7d", Duration.ofDays(7));
    periods.put("30d", Duration.ofDays(30));
    periods.put("90d", Duration.ofDays(90));
    return periods;
  }

  /**
   * {@code GET /api/usage?period=24h|7d|30d|90d} or {@code from=&to=} (ISO), {@code granularity=
   * minute|hour|day}, {@code token=} (managed token id or client fingerprint, {@code none} for calls
   * without one), {@code model=}, {@code key=} (key fingerprint), {@code group_by=token|model|key}.
   */
  public void usage(RoutingContext rc) {
    UsageQuery query;
    String groupBy;
    try {
      groupBy = QueryParams.choice(rc, "group_by", null, GROUPS);
      query = query(rc, groupBy);
    } catch (QueryParams.BadParam e) {
      e.answer(rc);
      return;
    }
    ModelPrices priced = prices.get();
    AdminResponses.whenDone(rc, read(query, groupBy), "read the usage roll-ups",
        answer -> rc.json(body(query, groupBy, answer, priced)));
  }

  private UsageQuery query(RoutingContext rc, String groupBy) {
    String period = QueryParams.choice(rc, "period", null, List.copyOf(PERIODS.keySet()));
    Instant from = QueryParams.time(rc, "from", zone);
    Instant to = QueryParams.time(rc, "to", zone);
    Instant now = clock.instant();
    if (period != null && (from != null || to != null)) {
      throw new QueryParams.BadParam("period", "period: give either period or from/to, not both");
    }
    if (from == null) {
      if (to != null) {
        throw new QueryParams.BadParam("from", "from: missing (to needs a from)");
      }
      from = now.minus(PERIODS.get(period == null ? "24h" : period));
    }
    if (to == null) {
      to = now;
    }
    if (!from.isBefore(to)) {
      throw new QueryParams.BadParam("from", "from: " + from + " (expected: before to, " + to + ")");
    }
    Duration span = Duration.between(from, to);
    String fallback = span.compareTo(Duration.ofDays(7)) <= 0 ? "hour" : "day";
    TimeBucket granularity = TimeBucket.valueOf(
        QueryParams.choice(rc, "granularity", fallback, GRANULARITIES).toUpperCase(Locale.ROOT));
    if (span.compareTo(LONGEST.get(granularity)) > 0) {
      throw new QueryParams.BadParam("granularity", "granularity: '" + granularity.name().toLowerCase(Locale.ROOT)
          + "' over " + span.toHours() + " hours (expected: minute for at most 48 hours, hour for at most 31 days,"
          + " else day)");
    }
    String token = QueryParams.text(rc, "token", 100);
    String client = token == null ? null : token.equals("none") ? "" : token;
    String model = QueryParams.text(rc, "model", 100);
    String key = QueryParams.text(rc, "key", 64);
    // "*" marks the roll-up rows summed over every client or key; as a filter it would count them twice.
    if ("*".equals(client)) {
      throw new QueryParams.BadParam("token", "token: '*' (expected: a token id or fingerprint, or none)");
    }
    if ("*".equals(key)) {
      throw new QueryParams.BadParam("key", "key: '*' (expected: a key fingerprint)");
    }
    Set<UsageDimension> series = EnumSet.of(UsageDimension.BUCKET, UsageDimension.MODEL);
    if (groupBy != null) {
      series.add(dimension(groupBy));
    }
    return new UsageQuery(granularity, from, to, client, model, key, series);
  }

  private static UsageDimension dimension(String groupBy) {
    return switch (groupBy) {
      case "token" -> UsageDimension.CLIENT;
      case "key" -> UsageDimension.KEY;
      default -> UsageDimension.MODEL;
    };
  }

  /** One read after the other: each holds a database thread, and the log writers need the others. */
  private CompletableFuture<Answer> read(UsageQuery query, String groupBy) {
    Answer answer = new Answer();
    return usage.query(query).thenCompose(rows -> {
      answer.series = rows;
      return usage.query(query.groupedBy(Set.of(UsageDimension.CLIENT, UsageDimension.MODEL)));
    }).thenCompose(rows -> {
      answer.byToken = rows;
      return usage.query(query.groupedBy(Set.of(UsageDimension.MODEL)));
    }).thenCompose(rows -> {
      answer.byModel = rows;
      return usage.query(query.groupedBy(Set.of(UsageDimension.KEY, UsageDimension.MODEL)));
    }).thenApply(rows -> {
      answer.byKey = rows;
      return answer;
    });
  }

  /** Sums and cost of rows that share a group; cost over the priced models only. */
  private static final class Tally {
    final JsonObject labels = new JsonObject();
    UsageSums sums = UsageSums.ZERO;
    double cost;
    boolean anyPriced;
    long unpricedTokens;

    void add(UsageRow row, ModelPrices prices) {
      sums = sums.plus(row.sums());
      Double rowCost = prices.cost(row.model(), row.sums());
      if (rowCost == null) {
        unpricedTokens += row.sums().totalTokens();
      } else {
        cost += rowCost;
        anyPriced = true;
      }
    }

    JsonObject json() {
      JsonObject json = labels.copy();
      json.put("requests", sums.requests()).put("failures", sums.failures()).put("abandoned", sums.abandoned())
          .put("prompt_tokens", sums.prompt()).put("cached_tokens", sums.cached())
          .put("output_tokens", sums.output()).put("thinking_tokens", sums.thinking())
          .put("image_tokens", sums.image()).put("audio_tokens", sums.audio())
          .put("total_tokens", sums.totalTokens())
          .put("cost_usd", anyPriced ? Math.round(cost * 1e6) / 1e6 : null)
          .put("unpriced_tokens", unpricedTokens);
      return json;
    }
  }

  private static <K> JsonArray tally(List<UsageRow> rows, Function<UsageRow, K> group,
      java.util.function.BiConsumer<UsageRow, JsonObject> label, ModelPrices prices, boolean byTokens) {
    Map<K, Tally> tallies = new LinkedHashMap<>();
    for (UsageRow row : rows) {
      Tally tally = tallies.computeIfAbsent(group.apply(row), k -> {
        Tally t = new Tally();
        label.accept(row, t.labels);
        return t;
      });
      tally.add(row, prices);
    }
    List<Tally> ordered = new ArrayList<>(tallies.values());
    if (byTokens) {
      ordered.sort(Comparator.comparingLong((Tally t) -> t.sums.totalTokens()).reversed());
    }
    JsonArray array = new JsonArray();
    ordered.forEach(t -> array.add(t.json()));
    return array;
  }

  private JsonObject body(UsageQuery query, String groupBy, Answer answer, ModelPrices prices) {
    Function<UsageRow, Object> seriesGroup = groupBy == null ? UsageRow::bucketStart
        : row -> List.of(row.bucketStart(), String.valueOf(groupOf(row, groupBy)));
    JsonArray series = tally(answer.series, seriesGroup, (row, labels) -> {
      labels.put("start", Instant.ofEpochMilli(row.bucketStart()).toString());
      if (groupBy != null) {
        labels.put("group", groupOf(row, groupBy));
      }
    }, prices, false);
    Tally totals = new Tally();
    answer.byModel.forEach(row -> totals.add(row, prices));
    return new JsonObject()
        .put("from", query.from().toString())
        .put("to", query.to().toString())
        .put("granularity", query.granularity().name().toLowerCase(Locale.ROOT))
        .put("group_by", groupBy)
        .put("currency", "USD")
        .put("series", series)
        .put("totals", totals.json())
        .put("by_token", tally(answer.byToken, UsageRow::client, this::tokenLabels, prices, true))
        .put("by_model", tally(answer.byModel, UsageRow::model, (row, labels) -> labels.put("model", row.model()),
            prices, true))
        .put("by_key", tally(answer.byKey, UsageRow::key, (row, labels) -> labels.put("key", row.key())
            .put("key_masked", row.keyMasked()), prices, true));
  }

  private static String groupOf(UsageRow row, String groupBy) {
    return switch (groupBy) {
      case "token" -> row.client();
      case "key" -> row.key();
      default -> row.model();
    };
  }

  /** A managed token by its name; any other by its masked last characters; none as such. */
  private void tokenLabels(UsageRow row, JsonObject labels) {
    String client = row.client();
    labels.put("token", client);
    if (client == null || client.isEmpty()) {
      labels.put("name", null).put("masked", null);
      return;
    }
    ClientToken managed = tokens.byId(client);
    labels.put("name", managed == null ? null : managed.name())
        .put("masked", managed == null ? row.clientMasked() : "..." + managed.last4());
  }
}
