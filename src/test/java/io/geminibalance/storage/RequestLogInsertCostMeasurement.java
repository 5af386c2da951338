package io.geminibalance.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.geminibalance.requestlog.ErrorLogEntry;
import io.geminibalance.requestlog.KeyIdentity;
import io.geminibalance.requestlog.RequestLogEntry;
import io.geminibalance.storage.jdbc.UsageRollupWrites;
import io.geminibalance.storage.support.ServerTestDatabase;
import io.geminibalance.storage.support.SqliteTestDatabase;
import io.geminibalance.storage.support.TestDatabase;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * A measurement, not a check: the CPU that writing request-log batches (and, on SQLite, error-log
 * batches) costs per row, on the JDBC worker threads (where {@code LogWriter}'s batches run; for SQLite that includes the engine,
 * for the servers only the client side). Not part of the test suite (its name does not end in
 * Test) and off without the property, because timings on a shared machine prove nothing; run it with
 * {@code ./mvnw -o test -Dtest=RequestLogInsertCostMeasurement -Dgb.measure=true} (add
 * {@code -Dgb.measure.rounds=N} or {@code -Dgb.measure.batch=N} to change the defaults).
 * Each backend inserts rounds of {@link #ROWS_PER_ROUND} rows in batches of 500 (the LogWriter
 * default); the first {@link #WARM_UP_ROUNDS} rounds warm the JIT up and are left out of the
 * summary line, which gives the lowest and the median round (other processes on a shared machine
 * only ever add to a round's time).
 */
@EnabledIfSystemProperty(named = "gb.measure", matches = "true")
class RequestLogInsertCostMeasurement {
  private static final int ROUNDS = Integer.getInteger("gb.measure.rounds", 8);
  private static final int WARM_UP_ROUNDS = 2;
  private static final int ROWS_PER_ROUND = 20_000;
  private static final int BATCH = Integer.getInteger("gb.measure.batch", 500);
  private static final Instant START = Instant.parse("2026-11-20T10:15:00Z");
  private static final List<KeyIdentity> KEYS = List.of(KeyIdentity.ofSecret("AIzaSyMeasureKey_000000000000000000001"),
      KeyIdentity.ofSecret("AIzaSyMeasureKey_000000000000000000002"),
      KeyIdentity.ofSecret("AIzaSyMeasureKey_000000000000000000003"));
  private static final KeyIdentity CLIENT = KeyIdentity.ofSecret("sk-measure-client-token-0123456789");
  private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();

  /** Writes one batch through a store of the storage. */
  private interface BatchInsert<E> {
    CompletableFuture<Void> insert(Storage storage, List<E> batch);
  }

  private static final BatchInsert<RequestLogEntry> REQUEST_LOG = (storage, batch) -> storage.requestLogs().insert(batch);

  @Test
  void sqlite() throws Exception {
    try (SqliteTestDatabase database = new SqliteTestDatabase()) {
      measure("sqlite", database, RequestLogInsertCostMeasurement::row, REQUEST_LOG, "t_request_log");
    }
  }

  /**
   * The usage roll-ups' share of {@link #sqlite}: the same batches added to the roll-ups alone (one
   * transaction each, on the calling thread, so measured as that thread's CPU and the wall clock).
   */
  @Test
  void sqliteRollupsOnly() throws Exception {
    try (SqliteTestDatabase database = new SqliteTestDatabase();
        Storage storage = Storage.open(database.config());
        java.sql.Connection connection = database.connect()) {
      List<Double> cpuPerRow = new ArrayList<>();
      for (int round = 1; round <= ROUNDS; round++) {
        List<List<RequestLogEntry>> batches = batches(round, RequestLogInsertCostMeasurement::row);
        long cpuBefore = threads.getCurrentThreadCpuTime();
        long wallStarted = System.nanoTime();
        for (List<RequestLogEntry> batch : batches) {
          UsageRollupWrites.write(connection, DatabaseType.SQLITE, batch);
        }
        long wallNanos = System.nanoTime() - wallStarted;
        long cpuNanos = threads.getCurrentThreadCpuTime() - cpuBefore;
        System.out.printf("insert-cost sqlite roll-ups only round %d: %.2f us CPU/row, %.2f us wall/row%n", round,
            cpuNanos / 1000.0 / ROWS_PER_ROUND, wallNanos / 1000.0 / ROWS_PER_ROUND);
        if (round > WARM_UP_ROUNDS) {
          cpuPerRow.add(cpuNanos / 1000.0 / ROWS_PER_ROUND);
        }
      }
      Collections.sort(cpuPerRow);
      System.out.printf("insert-cost sqlite roll-ups only batch %d: min %.2f, median %.2f us CPU/row over %d rounds%n",
          BATCH, cpuPerRow.getFirst(), cpuPerRow.get(cpuPerRow.size() / 2), cpuPerRow.size());
      assertThat(database.count("SELECT SUM(requests) FROM gb_usage_day WHERE key_fp = '*' AND client_fp = '*'"))
          .isEqualTo((long) ROUNDS * ROWS_PER_ROUND);
    }
  }

  @Test
  void mariadb() throws Exception {
    try (ServerTestDatabase database = ServerTestDatabase.mariadb()) {
      measure("mariadb", database, RequestLogInsertCostMeasurement::row, REQUEST_LOG, "t_request_log");
    }
  }

  @Test
  void postgres() throws Exception {
    try (ServerTestDatabase database = ServerTestDatabase.postgres()) {
      measure("postgres", database, RequestLogInsertCostMeasurement::row, REQUEST_LOG, "t_request_log");
    }
  }

  /** The error log, which gets a row per failed upstream call: as many as the request log in an outage. */
  @Test
  void sqliteErrorLog() throws Exception {
    try (SqliteTestDatabase database = new SqliteTestDatabase()) {
      measure("sqlite error log", database, RequestLogInsertCostMeasurement::failure,
          (storage, batch) -> storage.errorLogs().insert(batch), "t_error_logs");
    }
  }

  private <E> void measure(String backend, TestDatabase database, LongFunction<E> row, BatchInsert<E> insert,
      String table) throws Exception {
    StorageConfig config = database.config().withZone(ZoneId.of("Asia/Shanghai"));
    List<Double> cpuPerRow = new ArrayList<>();
    try (Storage storage = Storage.open(config)) {
      for (int round = 1; round <= ROUNDS; round++) {
        List<List<E>> batches = batches(round, row);
        Map<Long, Long> cpuBefore = jdbcThreadCpu();
        long wallStarted = System.nanoTime();
        for (List<E> batch : batches) {
          insert.insert(storage, batch).join();
        }
        long wallNanos = System.nanoTime() - wallStarted;
        long cpuNanos = cpuSince(cpuBefore);
        System.out.printf("insert-cost %s round %d: %.2f us CPU/row, %.2f us wall/row, %d rows%n", backend, round,
            cpuNanos / 1000.0 / ROWS_PER_ROUND, wallNanos / 1000.0 / ROWS_PER_ROUND, ROWS_PER_ROUND);
        if (round > WARM_UP_ROUNDS) {
          cpuPerRow.add(cpuNanos / 1000.0 / ROWS_PER_ROUND);
        }
      }
    }
    Collections.sort(cpuPerRow);
    System.out.printf("insert-cost %s batch %d: min %.2f, median %.2f us CPU/row over %d rounds%n", backend, BATCH,
        cpuPerRow.getFirst(), cpuPerRow.get(cpuPerRow.size() / 2), cpuPerRow.size());
    assertThat(database.count("SELECT COUNT(*) FROM " + table)).isEqualTo((long) ROUNDS * ROWS_PER_ROUND);
  }

  /** Rows made before the clock starts, so that only the store's own work is measured. */
  private static <E> List<List<E>> batches(int round, LongFunction<E> row) {
    List<List<E>> batches = new ArrayList<>();
    List<E> batch = new ArrayList<>(BATCH);
    for (int i = 0; i < ROWS_PER_ROUND; i++) {
      batch.add(row.apply((long) round * ROWS_PER_ROUND + i));
      if (batch.size() == BATCH) {
        batches.add(batch);
        batch = new ArrayList<>(BATCH);
      }
    }
    if (!batch.isEmpty()) {
      batches.add(batch);
    }
    return batches;
  }

  /** A typical row: times a few ms apart, a few keys, tokens known, now and then a failure. */
  private static RequestLogEntry row(long n) {
    boolean failed = n % 20 == 0;
    return new RequestLogEntry(START.plus(Duration.ofMillis(n * 7)), n % 3 == 0 ? "gemini-2.5-pro" : "gemini-2.5-flash",
        KEYS.get((int) (n % KEYS.size())), !failed, failed ? 429 : 200, 300 + n % 900, failed ? null : 120,
        failed ? null : 480, n % 2 == 0, 1, "req-" + Long.toHexString(0x5eed_0000_0000L + n), CLIENT);
  }

  /** A typical failure as the sanitizer leaves it: a quota error with its message, no request body. */
  private static ErrorLogEntry failure(long n) {
    return new ErrorLogEntry(START.plus(Duration.ofMillis(n * 7)), KEYS.get((int) (n % KEYS.size())),
        "gemini-2.5-flash", "gemini-chat-non-stream", 429, "{\"error\":{\"code\":429,\"message\":\"Resource has been"
        + " exhausted (e.g. check quota).\",\"status\":\"RESOURCE_EXHAUSTED\"}}", null,
        "req-" + Long.toHexString(0x5eed_0000_0000L + n));
  }

  private Map<Long, Long> jdbcThreadCpu() {
    Map<Long, Long> cpu = new HashMap<>();
    for (Thread thread : Thread.getAllStackTraces().keySet()) {
      if (thread.getName().startsWith("gb-jdbc-")) {
        cpu.put(thread.threadId(), threads.getThreadCpuTime(thread.threadId()));
      }
    }
    return cpu;
  }

  /** Worker threads started during the round count from zero. */
  private long cpuSince(Map<Long, Long> before) {
    long total = 0;
    for (Map.Entry<Long, Long> now : jdbcThreadCpu().entrySet()) {
      total += now.getValue() - before.getOrDefault(now.getKey(), 0L);
    }
    return total;
  }
}
