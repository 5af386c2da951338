package io.geminibalance.storage.jdbc;

import io.geminibalance.protocol.gemini.TokenUsage;
import io.geminibalance.requestlog.KeyIdentity;
import io.geminibalance.requestlog.RequestLogEntry;
import io.geminibalance.storage.TimeBucket;
import io.geminibalance.storage.UsageSums;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes request-log rows into the usage roll-ups: a batch is summed in memory per bucket, client,
 * model and key, then each group is added to its roll-up row with one upsert-add (see
 * {@link SqlDialect#upsertAdd}), in the caller's transaction. Each call's groups go in primary-key
 * order, so that writers on several instances lock shared rows in the same order and do not deadlock.
 *
 * <p>Besides the row of each key, every (bucket, client, model) gets a row under {@link #ALL} keys
 * with the sum over its keys, every (bucket, key, model) a row under {@link #ALL} clients with the
 * sum over its clients, and every (bucket, model) a row under {@link #ALL} keys and {@link #ALL}
 * clients: a chart not about keys then reads one row per client and model instead of one per key
 * (the pool's hundreds of keys multiply the rows a query scans), a breakdown by key one row per key
 * and model instead of one per client too, and one about neither one row per model. No key or
 * client fingerprint is {@code *}; a query reads exactly one of the four row levels.
 */
final class UsageRollups {
  /** The key or client column of the rows summed over every key or client. */
  static final String ALL = "*";
  /** Primary key; a chart's rows share a (key_fp, client_fp) prefix and lie together by bucket. */
  static final List<String> KEY_COLUMNS = List.of("key_fp", "client_fp", "bucket_start", "model");
  static final List<String> SUM_COLUMNS = List.of("requests", "failures", "abandoned", "prompt_tokens",
      "cached_tokens", "output_tokens", "thinking_tokens", "image_tokens", "audio_tokens");
  static final List<String> LABEL_COLUMNS = List.of("client_masked", "key_masked");

  /** One roll-up row's primary key. */
  record Group(String key, long bucketStart, String client, String model) {}

  private record Labels(String clientMasked, String keyMasked) {}

  private static final Comparator<Group> KEY_ORDER = Comparator.comparing(Group::key).thenComparing(Group::client)
      .thenComparingLong(Group::bucketStart).thenComparing(Group::model);

  private UsageRollups() {}

  static String table(TimeBucket granularity) {
    return switch (granularity) {
      case MINUTE -> "gb_usage_minute";
      case HOUR -> "gb_usage_hour";
      case DAY -> "gb_usage_day";
    };
  }

  static long bucketMillis(TimeBucket granularity) {
    return switch (granularity) {
      case MINUTE -> 60_000L;
      case HOUR -> 3_600_000L;
      case DAY -> 86_400_000L;
    };
  }

  /** The start of the UTC-aligned bucket holding {@code time}. */
  static long bucketStart(TimeBucket granularity, Instant time) {
    long millis = time.toEpochMilli();
    return millis - Math.floorMod(millis, bucketMillis(granularity));
  }

  /** The sums of one batch for one roll-up table, ready to write. */
  static final class Batch {
    private final TimeBucket granularity;
    private final Map<Group, UsageSums> sums = new HashMap<>();
    private final Map<Group, Labels> labels = new HashMap<>();

    Batch(TimeBucket granularity) {
      this.granularity = granularity;
    }

    void add(RequestLogEntry entry) {
      long bucket = bucketStart(granularity, entry.time());
      KeyIdentity client = entry.client();
      String clientFp = client == null ? "" : JdbcValues.truncate(client.fingerprint(), 64);
      String clientMasked = client == null ? "" : JdbcValues.truncate(client.masked(), 16);
      String model = entry.model() == null ? "" : JdbcValues.truncate(entry.model(), 100);
      UsageSums one = sumsOf(entry);
      Group byKey = new Group(JdbcValues.truncate(entry.key().fingerprint(), 64), bucket, clientFp, model);
      Group allKeys = new Group(ALL, bucket, clientFp, model);
      Group allClients = new Group(byKey.key(), bucket, ALL, model);
      Group everything = new Group(ALL, bucket, ALL, model);
      sums.merge(byKey, one, UsageSums::plus);
      sums.merge(allKeys, one, UsageSums::plus);
      sums.merge(allClients, one, UsageSums::plus);
      sums.merge(everything, one, UsageSums::plus);
      String keyMasked = JdbcValues.truncate(entry.key().masked(), 16);
      labels.put(byKey, new Labels(clientMasked, keyMasked));
      labels.put(allKeys, new Labels(clientMasked, ""));
      labels.put(allClients, new Labels("", keyMasked));
      labels.put(everything, new Labels("", ""));
    }

    boolean isEmpty() {
      return sums.isEmpty();
    }

    /** How many rows {@link #write} would add to. */
    int groups() {
      return sums.size();
    }

    /**
     * Adds every group to its row, in primary-key order (also within a multi-row statement: InnoDB
     * locks a VALUES list's rows in their order), through {@link MultiRowInsert#upsertAdd}.
     */
    void write(Connection connection, SqlDialect dialect) throws SQLException {
      if (sums.isEmpty()) {
        return;
      }
      Map<Group, UsageSums> ordered = new TreeMap<>(KEY_ORDER);
      ordered.putAll(sums);
      MultiRowInsert.upsertAdd(dialect, table(granularity), KEY_COLUMNS, SUM_COLUMNS, LABEL_COLUMNS, this::bind)
          .insert(connection, List.copyOf(ordered.entrySet()));
      sums.clear();
      labels.clear();
    }

    /** Binds a row's {@link #KEY_COLUMNS}, {@link #SUM_COLUMNS} and {@link #LABEL_COLUMNS}, from {@code first}. */
    private void bind(PreparedStatement upsert, int first, Map.Entry<Group, UsageSums> row) throws SQLException {
      Group group = row.getKey();
      UsageSums s = row.getValue();
      Labels label = labels.get(group);
      upsert.setString(first, group.key());
      upsert.setString(first + 1, group.client());
      upsert.setLong(first + 2, group.bucketStart());
      upsert.setString(first + 3, group.model());
      long[] values = {s.requests(), s.failures(), s.abandoned(), s.prompt(), s.cached(), s.output(),
          s.thinking(), s.image(), s.audio()};
      for (int i = 0; i < values.length; i++) {
        upsert.setLong(first + 4 + i, values[i]);
      }
      upsert.setString(first + 4 + values.length, label.clientMasked());
      upsert.setString(first + 5 + values.length, label.keyMasked());
    }
  }

  /** One request-log row's contribution. */
  static UsageSums sumsOf(RequestLogEntry entry) {
    TokenUsage usage = entry.usage();
    return new UsageSums(1, entry.success() ? 0 : 1, entry.abandoned() ? 1 : 0, zero(usage.prompt()),
        zero(usage.cached()), zero(usage.output()), zero(usage.thinking()), zero(usage.image()),
        zero(usage.audio()));
  }

  /** Adds a batch of request-log rows to all three roll-ups, inside the caller's transaction. */
  static void write(Connection connection, SqlDialect dialect, List<RequestLogEntry> entries) throws SQLException {
    for (TimeBucket granularity : TimeBucket.values()) {
      Batch batch = new Batch(granularity);
      entries.forEach(batch::add);
      batch.write(connection, dialect);
    }
  }

  private static long zero(Integer value) {
    return value == null ? 0 : value;
  }
}
