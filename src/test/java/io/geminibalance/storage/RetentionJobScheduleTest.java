package io.geminibalance.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.geminibalance.requestlog.ErrorLogEntry;
import io.geminibalance.requestlog.KeyIdentity;
import io.geminibalance.storage.support.SqliteTestDatabase;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The scheduled run fires at midnight in the configured zone and deletes what the policy says. */
class RetentionJobScheduleTest {
  @Test
  void startedJobRunsAtTheComingMidnight() throws Exception {
    // 200 ms before midnight in Shanghai.
    Instant now = Instant.parse("2026-11-20T15:59:59.800Z");
    try (SqliteTestDatabase database = new SqliteTestDatabase();
        Storage storage = Storage.open(database.config(), Clock.fixed(now, ZoneOffset.UTC))) {
      KeyIdentity key = KeyIdentity.ofSecret("AIzaSyRetentionScheduleKey_000000000001");
      storage.errorLogs().insert(List.of(
          new ErrorLogEntry(now.minus(Duration.ofDays(8)), key, "m", "gemini-chat-stream", 500, "old", null, "r"),
          new ErrorLogEntry(now.minus(Duration.ofDays(1)), key, "m", "gemini-chat-stream", 500, "new", null, "r")))
          .join();

      storage.newRetentionJob(() -> RetentionPolicy.DEFAULTS).start(RetentionJob.DEFAULT_ZONE);

      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (database.count("SELECT COUNT(*) FROM t_error_logs") > 1 && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      assertThat(storage.errorLogs().search(ErrorLogQuery.firstPage(10)).join().rows())
          .extracting(ErrorLogRow::message).containsExactly("new");
    }
  }
}
