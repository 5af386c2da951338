package io.geminibalance.storage.jdbc;

import io.geminibalance.protocol.gemini.TokenUsage;
import io.geminibalance.requestlog.KeyIdentity;
import io.geminibalance.requestlog.RequestLogEntry;
import io.geminibalance.storage.KeyMatch;
import io.geminibalance.storage.RequestLogRow;
import io.geminibalance.storage.RequestLogStore;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * {@link RequestLogStore} on {@code t_request_log}. The original {@code api_key} column gets the
 * masked key (it held the full key in gemini-balance); the identity lives in our gb_ columns.
 */
public final class JdbcRequestLogStore implements RequestLogStore {
  private static final List<String> COLUMNS = List.of("request_time", "model_name", "api_key", "is_success",
      "status_code", "latency_ms", "gb_key_fingerprint", "gb_key_last4", "gb_prompt_tokens", "gb_completion_tokens",
      "gb_stream", "gb_attempt", "gb_request_id", "gb_client_fingerprint", "gb_client_masked", "gb_cached_tokens",
      "gb_thinking_tokens", "gb_image_tokens", "gb_audio_tokens", "gb_abandoned");

  private final Jdbc jdbc;
  private final JdbcValues values;
  private final MultiRowInsert<RequestLogEntry> inserter;

  JdbcRequestLogStore(Jdbc jdbc, JdbcValues values) {
    this.jdbc = jdbc;
    this.values = values;
    this.inserter = new MultiRowInsert<>(jdbc.dialect(), "t_request_log", COLUMNS, this::bind);
  }

  @Override
  public CompletableFuture<Void> insert(List<RequestLogEntry> entries) {
    List<RequestLogEntry> copy = List.copyOf(entries);
    return jdbc.transaction("write request log", connection -> {
      inserter.insert(connection, copy);
      // The same transaction: the roll-ups hold exactly the rows written, even when a batch is retried.
      UsageRollups.write(connection, jdbc.dialect(), copy);
      return null;
    });
  }

  /** Binds the {@link #COLUMNS} of one row, the first at parameter {@code first}. */
  private void bind(PreparedStatement insert, int first, RequestLogEntry entry) throws SQLException {
    jdbc.dialect().setTime(insert, first, values.local(entry.time()));
    insert.setString(first + 1, JdbcValues.truncate(entry.model(), 100));
    insert.setString(first + 2, entry.key().masked());
    insert.setBoolean(first + 3, entry.success());
    JdbcValues.setInt(insert, first + 4, entry.statusCode());
    insert.setInt(first + 5, JdbcValues.clampToInt(entry.latencyMs()));
    insert.setString(first + 6, entry.key().fingerprint());
    insert.setString(first + 7, entry.key().last4());
    TokenUsage usage = entry.usage();
    JdbcValues.setInt(insert, first + 8, usage.prompt());
    // Output and thinking, as this column held before thinking had its own (gb_thinking_tokens).
    JdbcValues.setInt(insert, first + 9, usage.completion());
    insert.setBoolean(first + 10, entry.stream());
    insert.setInt(first + 11, entry.attempt());
    insert.setString(first + 12, JdbcValues.truncate(entry.requestId(), 64));
    KeyIdentity client = entry.client();
    insert.setString(first + 13, client == null ? null : client.fingerprint());
    insert.setString(first + 14, client == null ? null : client.masked());
    JdbcValues.setInt(insert, first + 15, usage.cached());
    JdbcValues.setInt(insert, first + 16, usage.thinking());
    JdbcValues.setInt(insert, first + 17, usage.image());
    JdbcValues.setInt(insert, first + 18, usage.audio());
    insert.setBoolean(first + 19, entry.abandoned());
  }

  @Override
  public CompletableFuture<List<RequestLogRow>> recent(Instant from, Instant to, KeyMatch key, int limit) {
    String sql = "SELECT id, request_time, model_name, api_key, is_success, status_code, latency_ms,"
        + " gb_key_fingerprint, gb_key_last4, gb_request_id, gb_attempt FROM t_request_log WHERE request_time >= ? AND request_time < ?"
        + (key == null ? "" : " AND " + KeyCondition.sql(key, "api_key")) + " ORDER BY request_time DESC LIMIT ?";
    List<Object> keyValues = key == null ? List.of() : KeyCondition.values(key);
    return jdbc.call("list request log", connection -> {
      try (PreparedStatement select = connection.prepareStatement(sql)) {
        int index = bindWindow(select, from, to);
        for (Object value : keyValues) {
          select.setObject(index++, value);
        }
        select.setInt(index, limit);
        return readRows(select);
      }
    });
  }

  private int bindWindow(PreparedStatement statement, Instant from, Instant to) throws SQLException {
    jdbc.dialect().setTime(statement, 1, values.local(from));
    jdbc.dialect().setTime(statement, 2, values.local(to));
    return 3;
  }

  private List<RequestLogRow> readRows(PreparedStatement select) throws SQLException {
    List<RequestLogRow> result = new ArrayList<>();
    try (ResultSet rows = select.executeQuery()) {
      while (rows.next()) {
        KeyIdentity key = JdbcValues.keyOf(rows.getString("gb_key_fingerprint"), rows.getString("gb_key_last4"),
            rows.getString("api_key"));
        result.add(new RequestLogRow(rows.getLong("id"), values.instant(jdbc.dialect().getTime(rows, "request_time")),
            rows.getString("model_name"), key.fingerprint(), key.masked(), rows.getBoolean("is_success"),
            JdbcValues.getInt(rows, "status_code"), JdbcValues.getInt(rows, "latency_ms"),
            rows.getString("gb_request_id"), JdbcValues.getInt(rows, "gb_attempt")));
      }
    }
    return result;
  }

  @Override
  public CompletableFuture<Integer> deleteOlderThan(Instant cutoff, int batchSize) {
    return jdbc.call("delete old request log", connection ->
        BoundedDelete.olderThan(connection, jdbc.dialect(), "t_request_log", values.local(cutoff), batchSize));
  }
}
