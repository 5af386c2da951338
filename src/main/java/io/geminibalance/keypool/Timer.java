package io.geminibalance.keypool;

import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs a task later, without blocking the caller. On Vert.x:
 * {@code (delay, task) -> { long id = vertx.setTimer(Math.max(1, delay), t -> task.run()); return () -> vertx.cancelTimer(id); }}.
 * Tests use a fake that runs tasks when a fake clock is advanced.
 */
@FunctionalInterface
public interface Timer {

  Scheduled schedule(long delayMillis, Runnable task);

  /** A task not run yet. */
  @FunctionalInterface
  interface Scheduled {
    void cancel();
  }

  static Timer of(ScheduledExecutorService executor) {
    return (delayMillis, task) -> {
      ScheduledFuture<?> future = executor.schedule(task, Math.max(0, delayMillis), TimeUnit.MILLISECONDS);
      return () -> future.cancel(false);
    };
  }
}
