package io.geminibalance.storage.jdbc;

import io.geminibalance.storage.StorageException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
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

  public Jdbc(DataSource dataSource, SqlDialect dialect, int threads) {
    this.dataSource = dataSource;
    this.dialect = dialect;
    this.executor = Executors.newFixedThreadPool(threads, daemonThreads());
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
