package io.geminibalance.storage.jdbc;

import io.geminibalance.storage.TimeBucket;
import io.geminibalance.storage.UsageDimension;
import io.geminibalance.storage.UsageQuery;
import io.geminibalance.storage.UsageRow;
import io.geminibalance.storage.UsageStore;
import io.geminibalance.storage.UsageSums;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;

/** {@link UsageStore} on the three roll-up tables (written by {@link JdbcRequestLogStore#insert}). */
public final class JdbcUsageStore implements UsageStore {
  private final Jdbc jdbc;

  JdbcUsageStore(Jdbc jdbc) {
    this.jdbc = jdbc;
  }

  @Override
  public CompletableFuture<List<UsageRow>> query(UsageQuery query) {
    return jdbc.call("read usage roll-ups", connection -> {
      List<UsageQuery> parts = parts(connection, query);
      List<UsageRow> rows = new ArrayList<>();
      for (UsageQuery part : parts) {
        List<Object> parameters = new ArrayList<>();
        try (PreparedStatement select = connection.prepareStatement(sql(part, parameters))) {
          for (int i = 0; i < parameters.size(); i++) {
            select.setObject(i + 1, parameters.get(i));
          }
          rows.addAll(read(select, part));
        }
      }
      return parts.size() == 1 ? rows : merged(rows);
    });
  }

  /**
   * The same buckets read from the coarsest roll-ups that hold them exactly: a query without buckets
   * (a breakdown over the whole span) reads the whole days inside its span from the day roll-up and
   * only the edges from the finer one, so a month of hours costs about 30 day rows per group
   * instead of 720 hour rows. Every roll-up is written in the same pass, so a day row is the sum
   * of its hours and an hour row that of its minutes, as far back as the finer one reaches: it is
   * trimmed sooner (see RetentionJob), so only its oldest bucket on counts, as a query of its own.
   */
  static List<UsageQuery> parts(Connection connection, UsageQuery query) throws SQLException {
    TimeBucket coarser = switch (query.granularity()) {
      case MINUTE -> TimeBucket.HOUR;
      case HOUR -> TimeBucket.DAY;
      case DAY -> null;
    };
    if (coarser == null || query.dimensions().contains(UsageDimension.BUCKET)) {
      return List.of(query);
    }
    // The buckets read are those starting in [from, to), i.e. in [ceil(from), ceil(to)) on the grid.
    long end = ceil(query.granularity(), query.to());
    Long oldest = oldestBucket(connection, query.granularity());
    if (oldest == null) {
      return List.of(query);
    }
    long first = Math.max(ceil(query.granularity(), query.from()), oldest);
    long innerFirst = ceil(coarser, Instant.ofEpochMilli(first));
    long innerEnd = UsageRollups.bucketStart(coarser, Instant.ofEpochMilli(end));
    if (innerFirst >= innerEnd) {
      return List.of(query);
    }
    List<UsageQuery> parts = new ArrayList<>(parts(connection, new UsageQuery(coarser, Instant.ofEpochMilli(innerFirst),
        Instant.ofEpochMilli(innerEnd), query.client(), query.model(), query.key(), query.dimensions())));
    if (first < innerFirst) {
      parts.add(new UsageQuery(query.granularity(), Instant.ofEpochMilli(first), Instant.ofEpochMilli(innerFirst),
          query.client(), query.model(), query.key(), query.dimensions()));
    }
    if (innerEnd < end) {
      parts.add(new UsageQuery(query.granularity(), Instant.ofEpochMilli(innerEnd), Instant.ofEpochMilli(end),
          query.client(), query.model(), query.key(), query.dimensions()));
    }
    return parts;
  }

  /** The first bucket a roll-up holds (its bucket index finds it), null when it is empty. */
  private static Long oldestBucket(Connection connection, TimeBucket granularity) throws SQLException {
    try (PreparedStatement select = connection.prepareStatement(
        "SELECT MIN(bucket_start) FROM " + UsageRollups.table(granularity));
        ResultSet rows = select.executeQuery()) {
      rows.next();
      long oldest = rows.getLong(1);
      return rows.wasNull() ? null : oldest;
    }
  }

  /** The start of the first bucket starting at or after {@code time}. */
  private static long ceil(TimeBucket granularity, Instant time) {
    long start = UsageRollups.bucketStart(granularity, time);
    return start == time.toEpochMilli() ? start : start + UsageRollups.bucketMillis(granularity);
  }

  /** The parts' rows summed per group (no bucket: {@link #parts} splits only queries without one). */
  private static List<UsageRow> merged(List<UsageRow> rows) {
    Map<List<String>, UsageRow> groups = new LinkedHashMap<>();
    for (UsageRow row : rows) {
      groups.merge(Arrays.asList(row.client(), row.model(), row.key()), row, (a, b) -> new UsageRow(null,
          a.client(), larger(a.clientMasked(), b.clientMasked()), a.model(), a.key(),
          larger(a.keyMasked(), b.keyMasked()), a.sums().plus(b.sums())));
    }
    return new ArrayList<>(groups.values());
  }

  /** As SQL's MAX over the labels, which every part reads. */
  private static String larger(String a, String b) {
    if (a == null || b == null) {
      return a == null ? b : a;
    }
    return a.compareTo(b) >= 0 ? a : b;
  }

  /**
   * A query not about keys reads only the rows summed over every key ({@link UsageRollups#ALL}), and
   * one about neither keys nor clients only those summed over both, which the primary key's first
   * two columns find directly.
   */
  static String sql(UsageQuery query, List<Object> parameters) {
    List<String> groupColumns = new ArrayList<>();
    for (UsageDimension dimension : UsageDimension.values()) {
      if (query.dimensions().contains(dimension)) {
        groupColumns.add(column(dimension));
      }
    }
    StringBuilder select = new StringBuilder("SELECT ");
    for (String column : groupColumns) {
      select.append(column).append(", ");
    }
    if (query.dimensions().contains(UsageDimension.CLIENT)) {
      select.append("MAX(client_masked) AS client_masked, ");
    }
    if (query.dimensions().contains(UsageDimension.KEY)) {
      select.append("MAX(key_masked) AS key_masked, ");
    }
    select.append(UsageRollups.SUM_COLUMNS.stream().map(c -> "SUM(" + c + ") AS " + c)
        .collect(Collectors.joining(", ")));
    select.append(" FROM ").append(UsageRollups.table(query.granularity()));
    // Literals, not parameters: PostgreSQL and SQLite use their partial indexes only when the plan sees the value.
    String all = "'" + UsageRollups.ALL + "'";
    // Exactly one row level (see UsageRollups): a real key or client where the query filters or
    // groups by it, else the rows summed over them. Any other pair would count a call twice.
    if (query.key() != null) {
      select.append(" WHERE key_fp = ?");
      parameters.add(query.key());
    } else {
      select.append(" WHERE key_fp ").append(query.dimensions().contains(UsageDimension.KEY) ? "<> " : "= ")
          .append(all);
    }
    if (query.client() != null) {
      // Implied (no client is named '*'), but said, so that the plan may use the partial index of
      // the rows of one client and key, which the value of a parameter does not show it matches.
      select.append(" AND client_fp = ? AND client_fp <> ").append(all);
      parameters.add(query.client());
    } else {
      select.append(" AND client_fp ").append(query.dimensions().contains(UsageDimension.CLIENT) ? "<> " : "= ")
          .append(all);
    }
    select.append(" AND bucket_start >= ? AND bucket_start < ?");
    parameters.add(query.from().toEpochMilli());
    parameters.add(query.to().toEpochMilli());
    if (query.model() != null) {
      select.append(" AND model = ?");
      parameters.add(query.model());
    }
    if (!groupColumns.isEmpty()) {
      select.append(" GROUP BY ").append(String.join(", ", groupColumns));
    }
    if (query.dimensions().contains(UsageDimension.BUCKET)) {
      select.append(" ORDER BY bucket_start");
    }
    return select.toString();
  }

  private static String column(UsageDimension dimension) {
    return switch (dimension) {
      case BUCKET -> "bucket_start";
      case CLIENT -> "client_fp";
      case MODEL -> "model";
      case KEY -> "key_fp";
    };
  }

  private static List<UsageRow> read(PreparedStatement select, UsageQuery query) throws SQLException {
    boolean bucket = query.dimensions().contains(UsageDimension.BUCKET);
    boolean client = query.dimensions().contains(UsageDimension.CLIENT);
    boolean model = query.dimensions().contains(UsageDimension.MODEL);
    boolean key = query.dimensions().contains(UsageDimension.KEY);
    List<UsageRow> result = new ArrayList<>();
    try (ResultSet rows = select.executeQuery()) {
      while (rows.next()) {
        if (rows.getObject("requests") == null) {
          continue; // no row matched an ungrouped query: SUM over nothing
        }
        UsageSums sums = new UsageSums(rows.getLong("requests"), rows.getLong("failures"), rows.getLong("abandoned"),
            rows.getLong("prompt_tokens"), rows.getLong("cached_tokens"), rows.getLong("output_tokens"),
            rows.getLong("thinking_tokens"), rows.getLong("image_tokens"), rows.getLong("audio_tokens"));
        result.add(new UsageRow(bucket ? rows.getLong("bucket_start") : null,
            client ? rows.getString("client_fp") : null, client ? rows.getString("client_masked") : null,
            model ? rows.getString("model") : null, key ? rows.getString("key_fp") : null,
            key ? rows.getString("key_masked") : null, sums));
      }
    }
    return result;
  }

  @Override
  public CompletableFuture<Integer> deleteOlderThan(TimeBucket granularity, Instant cutoff, int batchSize) {
    return jdbc.call("delete old usage roll-ups", connection -> BoundedDelete.bucketsBefore(connection,
        jdbc.dialect(), UsageRollups.table(granularity), cutoff.toEpochMilli(), batchSize));
  }
}
