package io.geminibalance.upstream;

import io.geminibalance.keypool.Acquisition;
import io.geminibalance.keypool.ApiKey;
import io.geminibalance.keypool.LeaseQueue;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Leases through the pool's wait queue: a key now, or as soon as one frees within
 * QUEUE_TIMEOUT_SECONDS. The answer comes back on the caller's event loop.
 */
public final class QueueLeaser implements Leaser {
  private final Vertx vertx;
  private final LeaseQueue queue;

  public QueueLeaser(Vertx vertx, LeaseQueue queue) {
    this.vertx = vertx;
    this.queue = queue;
  }

  @Override
  public Future<Acquisition> lease(String model, Set<ApiKey> alreadyTried) {
    CompletableFuture<Acquisition> acquisition = queue.acquireOrWait(model, alreadyTried);
    if (acquisition.isDone() && !acquisition.isCompletedExceptionally()) {
      // Answered at once (the usual case): no hop through the context is needed.
      return Future.succeededFuture(acquisition.join());
    }
    Context context = vertx.getOrCreateContext();
    return Future.fromCompletionStage(acquisition, context);
  }

  @Override
  public Future<Acquisition> leaseKey(String model, String keyFingerprint) {
    CompletableFuture<Acquisition> acquisition = queue.acquireKeyOrWait(model, keyFingerprint);
    if (acquisition.isDone() && !acquisition.isCompletedExceptionally()) {
      return Future.succeededFuture(acquisition.join());
    }
    return Future.fromCompletionStage(acquisition, vertx.getOrCreateContext());
  }

  /** Vert.x timers for the queue's wake-ups (never blocks a thread). */
  public static io.geminibalance.keypool.Timer timer(Vertx vertx) {
    return (delayMillis, task) -> {
      long id = vertx.setTimer(Math.max(1, delayMillis), t -> task.run());
      return () -> vertx.cancelTimer(id);
    };
  }
}
