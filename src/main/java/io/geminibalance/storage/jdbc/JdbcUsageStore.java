package io.geminibalance.storage.jdbc;

import io.geminibalance.storage.TimeBucket;
import io.geminibalance.storage.UsageDimension;
import io.geminibalance.storage.UsageQuery;
import io.geminibalance.storage.UsageRow;
import io.geminibalance.storage.UsageStore;
import io.geminibalance.storage.UsageSums;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
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
    List<Object> parameters = new ArrayList<>();
    String sql = sql(query, parameters);
    return jdbc.call("read usage roll-ups", connection -> {
      try (PreparedStatement select = connection.prepareStatement(sql)) {
        for (int i = 0; i < parameters.size(); i++) {
          select.setObject(i + 1, parameters.get(i));
        }
        return read(select, query);
      }
    });
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
    // Literals, not parameters: PostgreSQL uses its partial index only when the plan sees the value.
    String all = "'" + UsageRollups.ALL + "'";
    if (query.key() != null) {
      select.append(" WHERE key_fp = ?");
      parameters.add(query.key());
    } else if (query.byKey()) {
      select.append(" WHERE key_fp <> ").append(all);
    } else {
      select.append(" WHERE key_fp = ").append(all);
      // Rows of every key hold real clients only; those summed over keys also a row of every client.
      if (query.client() == null) {
        select.append(query.dimensions().contains(UsageDimension.CLIENT) ? " AND client_fp <> " : " AND client_fp = ")
            .append(all);
      }
    }
    select.append(" AND bucket_start >= ? AND bucket_start < ?");
    parameters.add(query.from().toEpochMilli());
    parameters.add(query.to().toEpochMilli());
    if (query.client() != null) {
      select.append(" AND client_fp = ?");
      parameters.add(query.client());
    }
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
