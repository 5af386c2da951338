package io.geminibalance.requestlog;

import static org.assertj.core.api.Assertions.assertThat;

import io.geminibalance.storage.SqlErrors;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class LogWriterTest {
  /** A database stand-in that can be slow, down, or reject rows. */
  private static final class FakeSink implements BatchSink<Integer> {
    final List<List<Integer>> batches = new CopyOnWriteArrayList<>();
    final AtomicBoolean down = new AtomicBoolean();
    final AtomicInteger failures = new AtomicInteger();
    volatile CountDownLatch gate = new CountDownLatch(0);
    volatile Integer poison;

    @Override
    public void write(List<Integer> batch) throws Exception {
      gate.await();
      if (down.get()) {
        failures.incrementAndGet();
        throw new SQLException("Connection refused", "08001");
      }
      if (poison != null && batch.contains(poison)) {
        throw new SQLException("Data too long", "22001");
      }
      batches.add(batch);
    }

    List<Integer> rows() {
      return batches.stream().flatMap(List::stream).toList();
    }
  }

  private final FakeSink sink = new FakeSink();
  private LogWriter<Integer> writer;

  private LogWriter<Integer> writer(int capacity, int batchSize, Duration closeTimeout) {
    writer = new LogWriter<>(new LogWriter.Options("test-log", capacity, batchSize, Duration.ofMillis(10),
        Duration.ofMillis(50), closeTimeout), sink, SqlErrors::isPermanent);
    return writer;
  }

  @AfterEach
  void close() {
    sink.gate.countDown();
    writer.close();
  }

  @Test
  void writesEveryRowInOrderInBatchesOfAtMostBatchSize() throws Exception {
    writer(1000, 7, Duration.ofSeconds(2));
    for (int i = 0; i < 100; i++) {
      assertThat(writer.offer(i)).isTrue();
    }

    assertThat(writer.awaitIdle(Duration.ofSeconds(5))).isTrue();
    assertThat(sink.rows()).hasSize(100).isSorted();
    assertThat(sink.batches).allSatisfy(batch -> assertThat(batch).hasSizeLessThanOrEqualTo(7));
    assertThat(writer.writtenCount()).isEqualTo(100);
  }

  @Test
  void offerNeverBlocksOnASlowDatabaseAndCountsWhatDoesNotFit() throws Exception {
    sink.gate = new CountDownLatch(1);
    writer(50, 10, Duration.ofSeconds(2));

    long started = System.nanoTime();
    int accepted = 0;
    for (int i = 0; i < 10_000; i++) {
      accepted += writer.offer(i) ? 1 : 0;
    }
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(1));
    assertThat(accepted).isEqualTo(50);
    assertThat(writer.droppedCount()).isEqualTo(9_950);

    sink.gate.countDown();
    assertThat(writer.awaitIdle(Duration.ofSeconds(5))).isTrue();
    assertThat(sink.rows()).hasSize(50);
  }

  @Test
  void retriesWhileTheDatabaseIsDownAndResumesWithoutLosingQueuedRows() throws Exception {
    sink.down.set(true);
    writer(100, 10, Duration.ofSeconds(2));
    for (int i = 0; i < 30; i++) {
      writer.offer(i);
    }
    while (sink.failures.get() < 3) {
      Thread.sleep(5);
    }
    assertThat(writer.pendingCount()).isEqualTo(30);

    sink.down.set(false);
    assertThat(writer.awaitIdle(Duration.ofSeconds(5))).isTrue();
    assertThat(sink.rows()).hasSize(30).isSorted();
    assertThat(writer.droppedCount()).isZero();
  }

  @Test
  void aBatchTheDatabaseRejectsAsBadDataIsDroppedAndCounted() throws Exception {
    sink.gate = new CountDownLatch(1);
    sink.poison = 3;
    writer(100, 5, Duration.ofSeconds(2));
    for (int i = 0; i < 10; i++) {
      writer.offer(i);
    }
    sink.gate.countDown();

    // How the rows split into batches depends on timing; only the batch holding the bad row is lost.
    assertThat(writer.awaitIdle(Duration.ofSeconds(5))).isTrue();
    assertThat(sink.rows()).doesNotContain(3).contains(9).isSorted();
    assertThat(writer.droppedCount()).isBetween(1L, 5L).isEqualTo(10L - sink.rows().size());
  }

  @Test
  void closeWritesWhatIsStillQueued() {
    sink.gate = new CountDownLatch(1);
    writer(1000, 10, Duration.ofSeconds(5));
    for (int i = 0; i < 200; i++) {
      writer.offer(i);
    }
    sink.gate.countDown();

    writer.close();
    assertThat(sink.rows()).hasSize(200);
    assertThat(writer.droppedCount()).isZero();
  }

  @Test
  void closeGivesUpOnADeadDatabaseAfterItsTimeoutAndCountsTheRowsAsDropped() {
    sink.down.set(true);
    writer(1000, 10, Duration.ofMillis(300));
    for (int i = 0; i < 25; i++) {
      writer.offer(i);
    }

    long started = System.nanoTime();
    writer.close();
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(2));
    assertThat(writer.droppedCount()).isEqualTo(25);
    assertThat(writer.pendingCount()).isZero();
  }

  @Test
  void rowsOfferedAfterCloseAreCountedAsDropped() {
    writer(10, 10, Duration.ofSeconds(1)).close();

    assertThat(writer.offer(1)).isFalse();
    assertThat(writer.droppedCount()).isEqualTo(1);
  }
}
