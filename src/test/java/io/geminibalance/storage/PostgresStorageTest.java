package io.geminibalance.storage;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.geminibalance.requestlog.ErrorLogSanitizer;
import io.geminibalance.requestlog.LogWriter;
import io.geminibalance.requestlog.RequestLogEntry;
import io.geminibalance.requestlog.SecretRedactor;
import io.geminibalance.storage.support.ServerTestDatabase;
import io.geminibalance.storage.support.TestDatabase;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The storage contract on a real PostgreSQL server, plus an outage of the whole server connection. */
class PostgresStorageTest extends StorageContractTest {
  @Override
  TestDatabase createDatabase() {
    return ServerTestDatabase.postgres();
  }

  @Test
  void logWriterSurvivesTheServerDroppingAndRefusingConnections() throws Exception {
    ServerTestDatabase server = (ServerTestDatabase) database();
    Storage storage = reopen();
    LogWriter<RequestLogEntry> writer = storage.newRequestLogWriter(new LogWriter.Options("request-log", 20, 5,
        Duration.ofMillis(50), Duration.ofMillis(500), Duration.ofSeconds(2)));
    server.refuseConnections(true);
    try {
      long started = System.nanoTime();
      for (int i = 0; i < 50; i++) {
        writer.offer(call(BASE.plusSeconds(i), "gemini-2.5-flash", KEY_A, true, 200, null, null));
      }
      assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofMillis(500));
      assertThat(writer.droppedCount()).isEqualTo(30);
      Thread.sleep(1_000);
      assertThat(writer.writtenCount()).isZero();
    } finally {
      server.refuseConnections(false);
    }

    assertThat(writer.awaitIdle(Duration.ofSeconds(30))).isTrue();
    assertThat(writer.writtenCount()).isEqualTo(20);
    assertThat(database().count("SELECT COUNT(*) FROM t_request_log")).isEqualTo(20);
  }

  @Test
  void closingWhileTheServerIsAwayEndsWellInsideAContainersStopGracePeriod() throws Exception {
    ServerTestDatabase server = (ServerTestDatabase) database();
    Storage storage = reopen();
    LogWriter<RequestLogEntry> writer = storage.newRequestLogWriter(LogWriter.Options.defaults("request-log"));
    KeyStateWriteBehind keyStates = storage.newKeyStateWriteBehind(Duration.ofHours(1));
    storage.newErrorLogWriter(LogWriter.Options.defaults("error-log"),
        new ErrorLogSanitizer(new SecretRedactor(), () -> false, new ObjectMapper()));
    server.refuseConnections(true);
    try {
      writer.offer(call(BASE, "gemini-2.5-flash", KEY_A, true, 200, null, null));
      keyStates.record(new KeyState(KEY_A.fingerprint(), true, "dead", 3, List.of(), BASE));

      long started = System.nanoTime();
      storage.close();
      assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(8));
      assertThat(writer.droppedCount()).isEqualTo(1);
    } finally {
      server.refuseConnections(false);
    }
  }
}
