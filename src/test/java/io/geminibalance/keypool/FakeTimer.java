package io.geminibalance.keypool;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** A timer driven by a {@link FakeClock}: tasks run when the test advances time. */
final class FakeTimer implements Timer {
  private record Task(long atMillis, long order, Runnable run) {}

  private final FakeClock clock;
  private final List<Task> tasks = new ArrayList<>();
  private long order;

  FakeTimer(FakeClock clock) {
    this.clock = clock;
  }

  @Override
  public synchronized Scheduled schedule(long delayMillis, Runnable run) {
    Task task = new Task(clock.millis() + delayMillis, order++, run);
    tasks.add(task);
    return () -> {
      synchronized (this) {
        tasks.remove(task);
      }
    };
  }

  /** Moves the clock forward, running every task that falls due, in time order. */
  void advance(long millis) {
    long target = clock.millis() + millis;
    Task next;
    while ((next = nextDue(target)) != null) {
      clock.set(Math.max(clock.millis(), next.atMillis()));
      next.run().run();
    }
    clock.set(target);
  }

  synchronized int pending() {
    return tasks.size();
  }

  private synchronized Task nextDue(long target) {
    Task next = tasks.stream()
        .filter(t -> t.atMillis() <= target)
        .min(Comparator.comparingLong(Task::atMillis).thenComparingLong(Task::order))
        .orElse(null);
    if (next != null) {
      tasks.remove(next);
    }
    return next;
  }
}
