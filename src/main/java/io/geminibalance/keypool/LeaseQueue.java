package io.geminibalance.keypool;

import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Lets a request wait, without blocking a thread, for the next key of its model instead of
 * failing at once. Waiters of one lane (a model, or the models that share a lane: see {@link
 * KeyPool#laneOf}) are served first come, first served; a waiter whose
 * deadline falls before the earliest moment any key frees is answered at once, so the edge can
 * reply 429 with a truthful Retry-After. The futures complete on the caller's thread or the
 * timer's; a Vert.x edge hops back with {@code Future.fromCompletionStage(future, context)}.
 * A request held back only by probes in flight waits for their answers (see {@link #PROBE_WAIT}).
 * Cancelling a future (client gone) drops the waiter.
 */
public final class LeaseQueue {

  /**
   * @param timeout how long a request may wait for a key (QUEUE_TIMEOUT_SECONDS, 0 = no wait)
   * @param maxWaitersPerModel waiters beyond this are refused at once
   */
  public record Settings(Duration timeout, int maxWaitersPerModel) {
    public static final Settings DEFAULTS = new Settings(
        Duration.ofSeconds(io.geminibalance.config.SettingsCatalog.definition("QUEUE_TIMEOUT_SECONDS").defaultInt()),
        1_000);

    /**
     * Reads QUEUE_TIMEOUT_SECONDS (0 = don't wait).
     *
     * @throws io.geminibalance.config.ConfigException naming it when bad
     */
    public static Settings fromEnv(Map<String, String> env) {
      int seconds = new io.geminibalance.config.ConfigValues(env).integer("QUEUE_TIMEOUT_SECONDS");
      return new Settings(Duration.ofSeconds(seconds), DEFAULTS.maxWaitersPerModel());
    }
  }

  /**
   * @param probeDeadlineMillis how long the waiter may wait for a probe's answer (see {@link
   *     Acquisition.Refused#awaitingProbe()}): its deadline, but at least {@link #PROBE_WAIT}
   */
  private record Waiter(String model, Set<ApiKey> tried, long deadlineMillis, long probeDeadlineMillis,
      CompletableFuture<Acquisition> future) {}

  private record Answer(Waiter waiter, Acquisition acquisition) {}

  /** The waiters of one lane, and the one timer that wakes them. Guarded by itself. */
  private static final class Line {
    final String lane;
    final ArrayDeque<Waiter> waiters = new ArrayDeque<>();
    Timer.Scheduled wakeUp;
    long wakeUpAtMillis = Long.MAX_VALUE;
    /** Removed from the queue with its lane: a request that still holds it looks again. */
    boolean dropped;

    Line(String lane) {
      this.lane = lane;
    }
  }

  /**
   * The least a request may wait for the answer to a probe that holds every key back, even
   * with QUEUE_TIMEOUT_SECONDS=0: that wait is one upstream round trip, not a minute's quota.
   */
  static final Duration PROBE_WAIT = Duration.ofSeconds(10);

  private final KeyPool pool;
  private final Timer timer;
  private final InstantSource clock;
  private volatile Settings settings;
  private final Map<String, Line> lines = new ConcurrentHashMap<>();
  /** Requests waiting for one named key (see {@link #acquireKeyOrWait}): bounded like a lane's line. */
  private final java.util.concurrent.atomic.AtomicInteger pinnedWaiting = new java.util.concurrent.atomic.AtomicInteger();

  public LeaseQueue(KeyPool pool, Timer timer, InstantSource clock, Settings settings) {
    this.pool = pool;
    this.timer = timer;
    this.clock = clock;
    this.settings = settings;
  }

  /** A queue that also wakes its waiters as soon as the pool lifts a block, not only on time. */
  public static LeaseQueue over(QuotaKeyPool pool, Timer timer, InstantSource clock, Settings settings) {
    LeaseQueue queue = new LeaseQueue(pool, timer, clock, settings);
    pool.onAvailability(queue::availabilityChanged);
    pool.beforeDropping(queue::dropLine);
    return queue;
  }

  /** Applies a new wait timeout and bound (live settings) to requests that start waiting from now. */
  public void updateSettings(Settings next) {
    this.settings = next;
  }

  /** Waits up to the configured timeout. */
  public CompletableFuture<Acquisition> acquireOrWait(String model, Set<ApiKey> tried) {
    return acquireOrWait(model, tried, clock.millis() + settings.timeout().toMillis());
  }

  /**
   * The key with fingerprint {@code keyFingerprint} for {@code model} now, or as soon as it frees
   * within the configured timeout; otherwise its {@link Acquisition.Refused} (permanent when it is
   * disabled or gone). The pinned request does not queue in the lane's line, where any key would
   * do: it wakes on its own timer when its key's known free time comes.
   */
  public CompletableFuture<Acquisition> acquireKeyOrWait(String model, String keyFingerprint) {
    CompletableFuture<Acquisition> future = new CompletableFuture<>();
    long now = clock.millis();
    long deadline = now + settings.timeout().toMillis();
    // Fixed once, like a line waiter's: a probe that never settles must not keep it waiting.
    long probeDeadline = Math.max(deadline, now + PROBE_WAIT.toMillis());
    tryKey(model, keyFingerprint, deadline, probeDeadline, future, true);
    return future;
  }

  private void tryKey(String model, String keyFingerprint, long deadline, long probeDeadline,
      CompletableFuture<Acquisition> future, boolean first) {
    if (!first) {
      pinnedWaiting.decrementAndGet();
    }
    if (future.isDone()) {
      return;
    }
    Acquisition acquisition;
    try {
      acquisition = pool.acquireKey(model, keyFingerprint);
    } catch (RuntimeException e) {
      future.completeExceptionally(e);
      return;
    }
    switch (acquisition) {
      case Acquisition.Granted granted -> {
        if (!future.complete(granted)) {
          pool.release(granted.lease(), KeyOutcome.NEUTRAL);
        }
      }
      case Acquisition.Refused refused -> {
        long now = clock.millis();
        long until = refused.awaitingProbe() ? probeDeadline : deadline;
        if (refused.permanent() || refused.earliestMillis() > until
            || pinnedWaiting.get() >= settings.maxWaitersPerModel()) {
          future.complete(refused);
        } else {
          pinnedWaiting.incrementAndGet();
          timer.schedule(Math.max(1, refused.earliestMillis() - now),
              () -> tryKey(model, keyFingerprint, deadline, probeDeadline, future, false));
        }
      }
    }
  }

  /**
   * A key for {@code model} now, or as soon as one frees before {@code deadlineMillis}; otherwise
   * a {@link Acquisition.Refused} as soon as it is clear that none will.
   */
  public CompletableFuture<Acquisition> acquireOrWait(String model, Set<ApiKey> tried, long deadlineMillis) {
    String base = ModelNames.base(model);
    Line line = line(base);
    Acquisition.Granted now = grantWhenNobodyWaits(line, base, tried);
    if (now != null) {
      return CompletableFuture.completedFuture(now);
    }
    long probeDeadline = Math.max(deadlineMillis, clock.millis() + PROBE_WAIT.toMillis());
    Waiter waiter = new Waiter(base, Set.copyOf(tried), deadlineMillis, probeDeadline, new CompletableFuture<>());
    List<Answer> answers = new ArrayList<>();
    while (true) {
      synchronized (line) {
        if (!line.dropped) {
          if (line.waiters.size() >= settings.maxWaitersPerModel()) {
            answers.add(new Answer(waiter, queueFull(line.lane)));
          } else {
            line.waiters.addLast(waiter);
            serve(line, answers);
          }
          break;
        }
      }
      line = line(base);
    }
    complete(answers);
    return waiter.future();
  }

  /**
   * The line of the model's lane. A line exists only for a lane, so names the pool keeps no
   * state for share the line of their shared lane.
   */
  private Line line(String base) {
    Line line = lines.get(base);
    return line != null ? line : lines.computeIfAbsent(pool.laneOf(base), Line::new);
  }

  /**
   * Drops the line of a lane the pool is about to drop; false, to keep the lane, while requests
   * wait in it.
   */
  boolean dropLine(String lane) {
    Line line = lines.get(lane);
    if (line == null) {
      return true;
    }
    synchronized (line) {
      line.waiters.removeIf(waiter -> waiter.future().isDone());
      if (!line.waiters.isEmpty()) {
        return false;
      }
      line.dropped = true;
      if (line.wakeUp != null) {
        line.wakeUp.cancel();
        line.wakeUp = null;
      }
      lines.remove(lane, line);
      return true;
    }
  }

  /** Lines (lanes requests have queued for), for metrics and tests. */
  public int lineCount() {
    return lines.size();
  }

  /**
   * The common case, a key free and nobody queued before us, without the waiter's bookkeeping
   * (its future, a copy of the tried keys, the answer list). Null when the request must queue.
   */
  private Acquisition.Granted grantWhenNobodyWaits(Line line, String base, Set<ApiKey> tried) {
    synchronized (line) {
      if (line.waiters.isEmpty() && pool.acquire(base, tried) instanceof Acquisition.Granted granted) {
        return granted;
      }
    }
    return null;
  }

  /** Serves the waiters of a model again because keys may be usable sooner than announced. */
  public void availabilityChanged(String model) {
    Line line = lines.get(ModelNames.base(model));
    if (line != null) {
      wake(line);
    }
  }

  /** Waiters of a model, for metrics. */
  public int waiting(String model) {
    Line line = lines.get(ModelNames.base(model));
    if (line == null) {
      return 0;
    }
    synchronized (line) {
      return line.waiters.size();
    }
  }

  /** Waiters of every lane together, for metrics (each line is read under its lock). */
  public int waitingTotal() {
    int total = pinnedWaiting.get();
    for (Line line : lines.values()) {
      synchronized (line) {
        total += line.waiters.size();
      }
    }
    return total;
  }

  private void wake(Line line) {
    List<Answer> answers = new ArrayList<>();
    synchronized (line) {
      line.wakeUp = null;
      line.wakeUpAtMillis = Long.MAX_VALUE;
      serve(line, answers);
    }
    complete(answers);
  }

  /**
   * Hands keys to waiters in order. A refusal without tried keys means nobody behind can get a
   * key either, so the walk stops there; a waiter with tried keys may be passed by one without.
   */
  private void serve(Line line, List<Answer> answers) {
    long now = clock.millis();
    long nextWake = Long.MAX_VALUE;
    Acquisition.Refused blocking = null;
    for (Iterator<Waiter> it = line.waiters.iterator(); it.hasNext(); ) {
      Waiter waiter = it.next();
      if (waiter.future().isDone()) {
        it.remove();
        continue;
      }
      boolean onLane = sameLane(line, waiter);
      if (blocking != null && onLane) {
        boolean expired = blocking.awaitingProbe() ? now >= waiter.probeDeadlineMillis()
            : waiter.deadlineMillis() < blocking.earliestMillis();
        if (expired) {
          it.remove();
          answers.add(new Answer(waiter, blocking));
        }
        continue;
      }
      Acquisition acquisition = pool.acquire(waiter.model(), waiter.tried());
      if (acquisition instanceof Acquisition.Refused refused && canStillWait(refused, waiter, now)) {
        nextWake = Math.min(nextWake, refused.awaitingProbe()
            ? Math.min(refused.earliestMillis(), waiter.probeDeadlineMillis()) : refused.earliestMillis());
        if (onLane) {
          blocking = waiter.tried().isEmpty() ? refused : null;
        }
      } else {
        it.remove();
        answers.add(new Answer(waiter, acquisition));
      }
    }
    scheduleWake(line, nextWake, now);
  }

  /**
   * Whether the waiter is served by the line's lane. In a shared line it may not be: its model
   * may have got a lane of its own since it queued, and then another lane's refusal says nothing
   * about it.
   */
  private boolean sameLane(Line line, Waiter waiter) {
    return line.lane.equals(waiter.model()) || line.lane.equals(pool.laneOf(waiter.model()));
  }

  private static boolean canStillWait(Acquisition.Refused refused, Waiter waiter, long now) {
    if (refused.awaitingProbe()) {
      return now < waiter.probeDeadlineMillis();
    }
    return !refused.permanent() && now < waiter.deadlineMillis()
        && refused.earliestMillis() <= waiter.deadlineMillis();
  }

  private void scheduleWake(Line line, long atMillis, long now) {
    if (atMillis == Long.MAX_VALUE || atMillis >= line.wakeUpAtMillis) {
      return;
    }
    if (line.wakeUp != null) {
      line.wakeUp.cancel();
    }
    line.wakeUpAtMillis = atMillis;
    line.wakeUp = timer.schedule(Math.max(1, atMillis - now), () -> wake(line));
  }

  private Acquisition.Refused queueFull(String model) {
    long retryAt = clock.millis() + settings.timeout().toMillis();
    return new Acquisition.Refused(retryAt, "Gateway key pool: too many requests are already waiting for "
        + model + " (" + settings.maxWaitersPerModel() + ").");
  }

  /** A key granted to a waiter that gave up meanwhile goes back unused. */
  private void complete(List<Answer> answers) {
    for (Answer answer : answers) {
      boolean taken = answer.waiter().future().complete(answer.acquisition());
      if (!taken && answer.acquisition() instanceof Acquisition.Granted granted) {
        pool.release(granted.lease(), KeyOutcome.NEUTRAL);
      }
    }
  }
}
