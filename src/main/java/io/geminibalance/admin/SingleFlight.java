package io.geminibalance.admin;

import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * At most one computation at a time: a caller asking for the one already running shares its
 * result; a caller asking for a different one is refused with {@link Busy} (answered 503 with
 * Retry-After) rather than queued, so that admins clicking around cannot pile work up in front of
 * the database threads the log writers need.
 *
 * @param <K> what is computed (equal keys mean the same result)
 */
final class SingleFlight<K, V> {
  /** Another computation is running; ask again when it is over. */
  static final class Busy extends RuntimeException {
    Busy(String running) {
      super("busy with " + running + "; retry in a few seconds", null, false, false);
    }
  }

  private record Running<K, V>(K key, CompletableFuture<V> result) {}

  private final String what;
  private Running<K, V> running;

  /** @param what names the computations in the Busy message */
  SingleFlight(String what) {
    this.what = what;
  }

  synchronized CompletableFuture<V> run(K key, Supplier<CompletableFuture<V>> compute) {
    if (running != null) {
      return running.key().equals(key) ? running.result()
          : CompletableFuture.failedFuture(new Busy(what + " " + running.key()));
    }
    CompletableFuture<V> result;
    try {
      result = compute.get();
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
    // Callers get a future that completes after the slot is free: one who asks again as soon as
    // the answer arrives is not refused by the computation that produced it.
    Running<K, V> started = new Running<>(key, new CompletableFuture<>());
    running = started;
    result.whenComplete((value, error) -> {
      finished(started);
      if (error != null) {
        started.result().completeExceptionally(error);
      } else {
        started.result().complete(value);
      }
    });
    return started.result();
  }

  private synchronized void finished(Running<K, V> done) {
    if (running == done) {
      running = null;
    }
  }
}
