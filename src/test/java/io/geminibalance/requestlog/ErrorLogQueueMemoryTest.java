package io.geminibalance.requestlog;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.geminibalance.storage.SqlErrors;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Error-log rows waiting for a stalled database hold at most ERROR_LOG_QUEUE_MB of bodies and
 * messages: beyond it a row keeps its metadata, its body is replaced by a mark, and it is counted.
 */
class ErrorLogQueueMemoryTest {
  private static final long BUDGET = 1024 * 1024;
  private static final String BODY = "{\"contents\":\"" + "x".repeat(16 * 1024 - 16) + "\"}";

  /** A database that answers only once the gate opens, and can refuse meanwhile. */
  private static final class StalledSink implements BatchSink<ErrorLogEntry> {
    final List<ErrorLogEntry> rows = new CopyOnWriteArrayList<>();
    final CountDownLatch gate = new CountDownLatch(1);
    final AtomicBoolean down = new AtomicBoolean();

    @Override
    public void write(List<ErrorLogEntry> batch) throws Exception {
      gate.await();
      if (down.get()) {
        throw new SQLException("Connection refused", "08001");
      }
      rows.addAll(batch);
    }
  }

  private final StalledSink sink = new StalledSink();
  private final LogWriter<ErrorLogEntry> writer = new LogWriter<>(new LogWriter.Options("error-log", 10_000, 500,
      Duration.ofMillis(10), Duration.ofMillis(50), Duration.ofSeconds(2)), sink, SqlErrors::isPermanent,
      ErrorLogMemory.budget(BUDGET));

  @AfterEach
  void close() {
    sink.gate.countDown();
    writer.close();
  }

  private static ErrorLogEntry row(int i, String message, String body) {
    return new ErrorLogEntry(Instant.ofEpochMilli(1_000_000L + i), null, "gemini-2.5-flash",
        "gemini-chat-non-stream", 400, message, body, "req-" + i);
  }

  @Test
  void aStalledDatabaseHoldsAtMostTheBudgetAndEveryRowArrivesWithItsMetadata() throws Exception {
    int rows = 500; // 500 x 16 KiB = 8 MiB of bodies (16 MiB of heap at two bytes a character)
    long light = ErrorLogMemory.bytes(ErrorLogMemory.lighten(row(0, "Request contains an invalid argument.", BODY)));
    assertThat(light).isLessThan(512);
    for (int i = 0; i < rows; i++) {
      assertThat(writer.offer(row(i, "Request contains an invalid argument.", BODY))).isTrue();
      assertThat(writer.heldBytes()).isLessThanOrEqualTo(BUDGET + writer.lightenedCount() * light);
    }
    long whole = BUDGET / ErrorLogMemory.bytes(row(0, "Request contains an invalid argument.", BODY));
    assertThat(writer.lightenedCount()).isEqualTo(rows - whole);
    assertThat(writer.droppedCount()).isZero();

    sink.gate.countDown();
    assertThat(writer.awaitIdle(Duration.ofSeconds(10))).isTrue();
    assertThat(writer.heldBytes()).isZero();
    assertThat(sink.rows).hasSize(rows);
    ObjectMapper json = new ObjectMapper();
    for (int i = 0; i < rows; i++) {
      ErrorLogEntry stored = sink.rows.get(i);
      assertThat(stored.requestId()).isEqualTo("req-" + i);
      assertThat(stored.statusCode()).isEqualTo(400);
      assertThat(stored.model()).isEqualTo("gemini-2.5-flash");
      assertThat(stored.message()).isEqualTo("Request contains an invalid argument.");
      if (i < whole) {
        assertThat(stored.requestBody()).isEqualTo(BODY);
      } else {
        JsonNode mark = json.readTree(stored.requestBody());
        assertThat(mark.path("dropped").path("reason").asText()).contains("ERROR_LOG_QUEUE_MB");
        assertThat(mark.path("dropped").path("chars").asInt()).isEqualTo(BODY.length());
      }
    }
    // Written, the rows free their share: a new row keeps its body again.
    assertThat(writer.offer(row(rows, "again", BODY))).isTrue();
    assertThat(writer.awaitIdle(Duration.ofSeconds(10))).isTrue();
    assertThat(sink.rows.get(rows).requestBody()).isEqualTo(BODY);
  }

  @Test
  void aBatchTheDatabaseKeepsRefusingStillCountsAgainstTheBudget() throws Exception {
    sink.down.set(true);
    sink.gate.countDown();
    for (int i = 0; i < 200; i++) {
      writer.offer(row(i, "m", BODY));
    }
    Thread.sleep(200); // the writer takes a batch and retries it
    long whole = ErrorLogMemory.bytes(row(0, "m", BODY));
    long light = ErrorLogMemory.bytes(ErrorLogMemory.lighten(row(0, "m", BODY)));
    assertThat(writer.lightenedCount()).isEqualTo(200 - BUDGET / whole);
    assertThat(writer.heldBytes()).isEqualTo(BUDGET / whole * whole + writer.lightenedCount() * light);
    assertThat(writer.pendingCount()).isEqualTo(200);
    sink.down.set(false);
    assertThat(writer.awaitIdle(Duration.ofSeconds(10))).isTrue();
    assertThat(sink.rows).hasSize(200);
    assertThat(writer.heldBytes()).isZero();
  }

  @Test
  void aHugeErrorTextIsCutToItsHeadWithoutHalfAKeyAndSaysSo() {
    String key = "AIzaSy" + "K".repeat(33);
    String message = "{\"error\":{\"code\":400,\"message\":\"" + "y".repeat(ErrorLogMemory.MESSAGE_HEAD_CHARS - 40)
        + " " + key + " " + "z".repeat(5_000_000) + "\"}}";
    ErrorLogEntry light = ErrorLogMemory.lighten(row(1, message, null));
    assertThat(light.requestBody()).isNull();
    assertThat(light.message()).startsWith("{\"error\":{\"code\":400,").doesNotContain("AIzaSy")
        .endsWith("[cut from " + message.length() + " characters: " + ErrorLogMemory.REASON + "]");
    assertThat(light.message().length()).isLessThan(ErrorLogMemory.MESSAGE_HEAD_CHARS + 200);
    assertThat(ErrorLogMemory.bytes(light)).isLessThan(4 * 1024);
  }
}
