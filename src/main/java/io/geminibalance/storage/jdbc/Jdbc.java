package io.geminibalance.storage.jdbc;

import io.geminibalance.storage.StorageException;
import io.geminibalance.storage.StorageTimeoutException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;

/**
 * Runs JDBC work off the caller's thread. JDBC blocks, so it must never run on a Vert.x event loop:
 * every public store method hands its work to a fixed pool of platform threads sized like the
 * connection pool (platform rather than virtual threads because JDBC drivers synchronise
 * internally, which pins virtual threads on JDK 21), and returns a {@link CompletableFuture}.
 * Vert.x callers adapt it with {@code Future.fromCompletionStage(stage, context)}.
 */
public final class Jdbc implements AutoCloseable {
  private final DataSource dataSource;
  private final SqlDialect dialect;
  private final ExecutorService executor;
  /** Cancels statements that outrun their limit ({@link #withinTime}). */
  private final ScheduledThreadPoolExecutor deadlines;

  public Jdbc(DataSource dataSource, SqlDialect dialect, int threads) {
    this.dataSource = dataSource;
    this.dialect = dialect;
    this.executor = Executors.newFixedThreadPool(threads, daemonThreads());
    this.deadlines = new ScheduledThreadPoolExecutor(1,
        Thread.ofPlatform().name("gb-jdbc-deadline").daemon(true).factory());
    // Nearly every deadline is cancelled when its statement ends in time: drop it then, not 30 s later.
    deadlines.setRemoveOnCancelPolicy(true);
  }

  public SqlDialect dialect() {
    return dialect;
  }

  /** Runs {@code work} on a worker thread with an auto-commit connection. */
  public <T> CompletableFuture<T> call(String operation, SqlWork<T> work) {
    return CompletableFuture.supplyAsync(() -> callNow(operation, work), executor);
  }

  /** Runs {@code work} on a worker thread inside one transaction. */
  public <T> CompletableFuture<T> transaction(String operation, SqlWork<T> work) {
    return CompletableFuture.supplyAsync(() -> callNow(operation, connection -> inTransaction(connection, work)), executor);
  }

  /** Runs {@code work} on the calling thread; for callers that already are off the event loop. */
  public <T> T callNow(String operation, SqlWork<T> work) {
    try (Connection connection = dataSource.getConnection()) {
      return work.run(connection);
    } catch (SQLException e) {
      throw new StorageException(operation + ": " + e.getMessage(), e);
    }
  }

  /** A statement's work: execute it and read what it returns. */
  public interface StatementWork<T> {
    T run() throws SQLException;
  }

  /**
   * Runs {@code work} (which executes {@code statement}), cancelling the statement when it runs
   * longer than {@code limit}; then fails with {@link StorageTimeoutException}. Cancelling rather
   * than {@link Statement#setQueryTimeout}: the SQLite driver applies that only to waiting for
   * locks, never to a long SELECT, while {@link Statement#cancel} interrupts the statement on all
   * three engines. The cancel never fires once {@code work} is over, when the connection may
   * already serve someone else's statement.
   */
  public <T> T withinTime(String operation, Statement statement, Duration limit, StatementWork<T> work)
      throws SQLException {
    Deadline deadline = new Deadline(statement);
    ScheduledFuture<?> timer = deadlines.schedule(deadline::expire, limit.toMillis(), TimeUnit.MILLISECONDS);
    try {
      return work.run();
    } catch (SQLException e) {
      if (deadline.expired()) {
        throw new StorageTimeoutException(operation, limit, e);
      }
      throw e;
    } finally {
      deadline.finish();
      timer.cancel(false);
    }
  }

  /** The cancel of one statement, which must not happen after its work ended. */
  private static final class Deadline {
    private final Statement statement;
    private boolean finished;
    private boolean expired;

    Deadline(Statement statement) {
      this.statement = statement;
    }

    synchronized void expire() {
      if (finished) {
        return;
      }
      expired = true;
      try {
        statement.cancel();
      } catch (SQLException | RuntimeException e) {
        // The statement then runs to its end; the caller still gets its result or error.
      }
    }

    synchronized boolean expired() {
      return expired;
    }

    synchronized void finish() {
      finished = true;
    }
  }

  /** Runs {@code work} on the calling thread inside one transaction (start-up steps). */
  public <T> T transactionNow(String operation, SqlWork<T> work) {
    return callNow(operation, connection -> inTransaction(connection, work));
  }

  private static <T> T inTransaction(Connection connection, SqlWork<T> work) throws SQLException {
    connection.setAutoCommit(false);
    try {
      T result = work.run(connection);
      connection.commit();
      return result;
    } catch (Throwable e) {
      // Any failure, an Error too: the finally below would otherwise commit the rows written so far.
      rollbackKeeping(connection, e);
      throw e;
    } finally {
      connection.setAutoCommit(true);
    }
  }

  /** Rolls back; a failing rollback is attached to {@code cause} rather than replacing it. */
  private static void rollbackKeeping(Connection connection, Throwable cause) {
    try {
      connection.rollback();
    } catch (SQLException | RuntimeException rollbackFailure) {
      cause.addSuppressed(rollbackFailure);
    }
  }

  @Override
  public void close() {
    // Called after the writers have flushed: what is still queued here is not worth a long wait.
    deadlines.shutdownNow();
    executor.shutdown();
    try {
      if (!executor.awaitTermination(1, TimeUnit.SECONDS)) {
        executor.shutdownNow();
      }
    } catch (InterruptedException e) {
      executor.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Database work is background work (request logs, key state, the admin's queries). When the JVM
   * maps priorities to nice values (-XX:ThreadPriorityPolicy=1, bin/gemini-balance as root) these
   * threads run at nice 4, below the event loops; otherwise priorities are ignored on Linux.
   */
  private static java.util.concurrent.ThreadFactory daemonThreads() {
    return Thread.ofPlatform().name("gb-jdbc-", 1).daemon(true).priority(Thread.MIN_PRIORITY).factory();
  }
}
