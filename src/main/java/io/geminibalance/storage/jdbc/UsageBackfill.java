package io.geminibalance.storage.jdbc;

import io.geminibalance.protocol.gemini.TokenUsage;
import io.geminibalance.requestlog.KeyIdentity;
import io.geminibalance.requestlog.RequestLogEntry;
import io.geminibalance.storage.RetentionJob;
import io.geminibalance.storage.TimeBucket;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the usage roll-ups from the request-log rows already stored (once, when the roll-up tables
 * are created; the usage bench seeds with it too). It reads the log in chunks of rows by id and
 * writes the sums once they cover a few chunks' worth of groups, so memory stays bounded whatever
 * the table's size. Rows older than a roll-up keeps (see {@link #horizon}) are left out of it.
 */
final class UsageBackfill {
  static final int DEFAULT_CHUNK = 10_000;
  /**
   * A roll-up's sums are written once they cover this many rows per chunk read: memory stays
   * bounded (at most a chunk's four groups per row more, per roll-up) while each roll-up row is
   * added to a few times instead of once per chunk.
   */
  private static final int FLUSH_GROUPS_PER_CHUNK_ROW = 4;
  private static final Logger LOG = LoggerFactory.getLogger(UsageBackfill.class);
  /** How often a long backfill says how far it is: it runs before the gateway listens. */
  private static final long PROGRESS_NANOS = 30_000_000_000L;

  private static final String SELECT = "SELECT id, request_time, model_name, api_key, is_success, gb_key_fingerprint,"
      + " gb_key_last4, gb_prompt_tokens, gb_completion_tokens, gb_client_fingerprint, gb_client_masked,"
      + " gb_cached_tokens, gb_thinking_tokens, gb_image_tokens, gb_audio_tokens, gb_abandoned"
      + " FROM t_request_log WHERE id > ? ORDER BY id LIMIT ?";

  private UsageBackfill() {}

  /** How far back a roll-up reaches at most (the day roll-up: every row, trimmed by the retention job). */
  static Duration horizon(TimeBucket granularity) {
    return switch (granularity) {
      case MINUTE -> RetentionJob.MINUTE_ROLLUP_AGE;
      case HOUR -> RetentionJob.HOUR_ROLLUP_AGE;
      case DAY -> Duration.ofDays(100_000);
    };
  }

  /**
   * Adds every request-log row to the roll-ups; returns how many rows were read. Call it once on
   * empty roll-ups (it adds, so a second run counts everything twice).
   */
  static long run(Connection connection, SqlDialect dialect, JdbcValues values, Instant now, int chunk)
      throws SQLException {
    long lastId = 0;
    long total = 0;
    List<TimeBucket> granularities = List.of(TimeBucket.values());
    long highestId = highestId(connection);
    long started = System.nanoTime();
    long reported = started;
    if (highestId > 0) {
      LOG.info("storage: building the usage roll-ups from the request log (once, ids up to {}); the gateway"
          + " starts listening when it is done", highestId);
    }
    // Kept over several chunks: rows come in about time order, so a day's groups (and an hour's
    // across a chunk's edge) are written once or a few times instead of once per chunk.
    UsageRollups.Batch[] batches = granularities.stream().map(UsageRollups.Batch::new)
        .toArray(UsageRollups.Batch[]::new);
    try (PreparedStatement select = connection.prepareStatement(SELECT)) {
      while (true) {
        select.setLong(1, lastId);
        select.setInt(2, chunk);
        List<RequestLogEntry> entries = new ArrayList<>(Math.min(chunk, 100_000));
        int read = 0;
        try (ResultSet rows = select.executeQuery()) {
          while (rows.next()) {
            read++;
            lastId = rows.getLong("id");
            RequestLogEntry entry = entryOf(rows, dialect, values);
            if (entry != null) {
              entries.add(entry);
            }
          }
        }
        for (int g = 0; g < granularities.size(); g++) {
          Instant oldest = now.minus(horizon(granularities.get(g)));
          for (RequestLogEntry entry : entries) {
            if (!entry.time().isBefore(oldest)) {
              batches[g].add(entry);
            }
          }
          if (read < chunk || batches[g].groups() >= FLUSH_GROUPS_PER_CHUNK_ROW * chunk) {
            batches[g].write(connection, dialect);
            batches[g] = new UsageRollups.Batch(granularities.get(g));
          }
        }
        total += read;
        if (read < chunk) {
          if (total > 0) {
            LOG.info("storage: usage roll-ups built from {} request-log rows in {} s", total,
                (System.nanoTime() - started) / 1_000_000_000L);
          }
          return total;
        }
        if (System.nanoTime() - reported > PROGRESS_NANOS) {
          reported = System.nanoTime();
          LOG.info("storage: usage roll-ups: {} request-log rows read, at id {} of {}", total, lastId, highestId);
        }
      }
    }
  }

  private static long highestId(Connection connection) throws SQLException {
    try (PreparedStatement select = connection.prepareStatement("SELECT MAX(id) FROM t_request_log");
        ResultSet rows = select.executeQuery()) {
      return rows.next() ? rows.getLong(1) : 0;
    }
  }

  /** A stored row as the entry it was written from; null for a row without a time. */
  private static RequestLogEntry entryOf(ResultSet rows, SqlDialect dialect, JdbcValues values) throws SQLException {
    Instant time = values.instant(dialect.getTime(rows, "request_time"));
    if (time == null) {
      return null;
    }
    KeyIdentity key = JdbcValues.keyOf(rows.getString("gb_key_fingerprint"), rows.getString("gb_key_last4"),
        rows.getString("api_key"));
    String clientFp = rows.getString("gb_client_fingerprint");
    String clientMasked = rows.getString("gb_client_masked");
    KeyIdentity client = clientFp == null ? null
        : new KeyIdentity(clientFp, clientMasked == null ? ""
            : clientMasked.startsWith("...") ? clientMasked.substring(3) : clientMasked);
    Integer completion = JdbcValues.getInt(rows, "gb_completion_tokens");
    Integer thinking = JdbcValues.getInt(rows, "gb_thinking_tokens");
    // gb_completion_tokens holds output and thinking together.
    Integer output = completion == null ? null : completion - (thinking == null ? 0 : thinking);
    TokenUsage usage = new TokenUsage(JdbcValues.getInt(rows, "gb_prompt_tokens"),
        JdbcValues.getInt(rows, "gb_cached_tokens"), output, thinking, JdbcValues.getInt(rows, "gb_image_tokens"),
        JdbcValues.getInt(rows, "gb_audio_tokens"));
    return new RequestLogEntry(time, rows.getString("model_name"), key, rows.getBoolean("is_success"), null, 0,
        usage, rows.getBoolean("gb_abandoned"), false, 1, null, client);
  }
}
