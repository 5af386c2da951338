package io.geminibalance.requestlog;

import io.geminibalance.logging.RateLimitedWarning;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import java.util.function.ToLongFunction;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes log rows off the request path: {@link #offer} never blocks, and one writer thread hands
 * them to the database in batches.
 *
 * <p>At most {@code capacity} rows wait, counting the batch being written. When the database is
 * slow or down the writer keeps that batch and retries it with exponential backoff; new rows queue
 * up to the bound and beyond it are dropped, counted in {@link #droppedCount()} and reported by a
 * rate-limited WARN line. A batch the database rejects as bad data (SQL state class 22/23, decided
 * by {@code isPermanent}) is dropped the same way instead of blocking the queue forever.
 * {@link #close()} writes what is left, trying until the close timeout.
 *
 * <p>Rows can also be bounded in bytes ({@link MemoryBudget}): a row that would take the rows
 * waiting beyond the budget is queued in a light form instead (its metadata, without its bulk),
 * counted in {@link #lightenedCount()} and reported by a rate-limited WARN line, so that a slow
 * database never makes the queue hold more memory than the budget plus the light rows.
 */
public final class LogWriter<E> implements AutoCloseable {
  /**
   * @param name shows in the thread name and log lines, e.g. "request-log"
   * @param capacity rows that may wait, including the batch being written
   */
  public record Options(String name, int capacity, int batchSize, Duration initialBackoff, Duration maxBackoff,
      Duration closeTimeout) {
    public Options {
      if (capacity < 1 || batchSize < 1) {
        throw new IllegalArgumentException("capacity and batchSize: " + capacity + ", " + batchSize
            + " (expected: at least 1)");
      }
    }

    /**
     * Batches of at most 500 rows. Larger batches commit less often, saving a little database CPU
     * per row, but keep rows waiting longer, so more of them outlive a young collection: the heap
     * and peak RSS grow, past the memory the gateway is sized for (bench/NOTES.md).
     */
    public static Options defaults(String name) {
      return new Options(name, 10_000, 500, Duration.ofMillis(200), Duration.ofSeconds(30), Duration.ofSeconds(3));
    }
  }

  /**
   * A bound on the memory the rows waiting hold.
   *
   * @param maxBytes what the rows waiting may hold together, by {@code bytes}
   * @param bytes what one row holds, about (its bulk: texts, not its fixed fields); the same for a
   *     row every time it is asked, since the writer asks again when the row leaves
   * @param lighten the row without its bulk, marked as such, for when it does not fit
   */
  public record MemoryBudget<E>(long maxBytes, ToLongFunction<E> bytes, UnaryOperator<E> lighten) {
    public MemoryBudget {
      if (maxBytes < 1) {
        throw new IllegalArgumentException("maxBytes: " + maxBytes + " (expected: at least 1)");
      }
      Objects.requireNonNull(bytes, "bytes");
      Objects.requireNonNull(lighten, "lighten");
    }

    /** No bound beyond the row count: for rows whose size is fixed. */
    public static <E> MemoryBudget<E> unbounded() {
      return new MemoryBudget<>(Long.MAX_VALUE, row -> 0, row -> row);
    }
  }

  private static final Logger LOG = LoggerFactory.getLogger(LogWriter.class);
  /** How long the writer waits after a first row for more to arrive. */
  static final long LINGER_MILLIS = 100;

  private final Options options;
  private final BatchSink<E> sink;
  private final Predicate<Throwable> isPermanent;
  private final MemoryBudget<E> budget;
  private final LinkedBlockingQueue<E> queue = new LinkedBlockingQueue<>();
  private final AtomicInteger pending = new AtomicInteger();
  private final AtomicLong dropped = new AtomicLong();
  private final AtomicLong written = new AtomicLong();
  /** What the rows accepted and not yet written or dropped hold, by {@link MemoryBudget#bytes}. */
  private final AtomicLong heldBytes = new AtomicLong();
  private final AtomicLong lightened = new AtomicLong();
  private final CountDownLatch closing = new CountDownLatch(1);
  private final RateLimitedWarning dropWarning;
  private final RateLimitedWarning failureWarning;
  private final RateLimitedWarning budgetWarning;
  private final Thread writer;

  public LogWriter(Options options, BatchSink<E> sink, Predicate<Throwable> isPermanent) {
    this(options, sink, isPermanent, MemoryBudget.unbounded());
  }

  public LogWriter(Options options, BatchSink<E> sink, Predicate<Throwable> isPermanent, MemoryBudget<E> budget) {
    this.options = Objects.requireNonNull(options, "options");
    this.sink = Objects.requireNonNull(sink, "sink");
    this.isPermanent = Objects.requireNonNull(isPermanent, "isPermanent");
    this.budget = Objects.requireNonNull(budget, "budget");
    this.dropWarning = new RateLimitedWarning(LOG, Duration.ofSeconds(10));
    this.failureWarning = new RateLimitedWarning(LOG, Duration.ofSeconds(10));
    this.budgetWarning = new RateLimitedWarning(LOG, Duration.ofSeconds(10));
    // Below the event loops when the JVM maps priorities to nice values (see Jdbc's threads).
    this.writer = Thread.ofPlatform().name("gb-" + options.name() + "-writer").daemon(true)
        .priority(Thread.MIN_PRIORITY).unstarted(this::runWriter);
    writer.start();
  }

  /** Queues a row; never blocks. False when the row was dropped (queue full or writer closed). */
  public boolean offer(E entry) {
    Objects.requireNonNull(entry, "entry");
    if (isClosing()) {
      return drop("writer closed");
    }
    if (pending.incrementAndGet() > options.capacity()) {
      pending.decrementAndGet();
      return drop("queue full (" + options.capacity() + " rows)");
    }
    queue.add(withinBudget(entry));
    return true;
  }

  /** The row, or its light form when it does not fit in what the budget has left. */
  private E withinBudget(E entry) {
    long bytes = budget.bytes().applyAsLong(entry);
    if (bytes == 0 || reserve(bytes)) {
      return entry;
    }
    E light = budget.lighten().apply(entry);
    heldBytes.addAndGet(budget.bytes().applyAsLong(light));
    long total = lightened.incrementAndGet();
    budgetWarning.warn("{}: the rows waiting for the database hold their memory budget ({} bytes); a row of"
        + " {} bytes is queued without its bulk; {} so far", options.name(), budget.maxBytes(), bytes, total);
    return light;
  }

  private boolean reserve(long bytes) {
    while (true) {
      long held = heldBytes.get();
      if (held + bytes > budget.maxBytes() || held + bytes < 0) {
        return false;
      }
      if (heldBytes.compareAndSet(held, held + bytes)) {
        return true;
      }
    }
  }

  private boolean drop(String why) {
    long total = dropped.incrementAndGet();
    dropWarning.warn("{}: {}, row dropped; {} dropped so far", options.name(), why, total);
    return false;
  }

  public long droppedCount() {
    return dropped.get();
  }

  /** Rows queued without their bulk because the rows waiting held the memory budget. */
  public long lightenedCount() {
    return lightened.get();
  }

  /** What the rows waiting hold now, by the budget's measure. */
  public long heldBytes() {
    return heldBytes.get();
  }

  public long writtenCount() {
    return written.get();
  }

  /** Rows accepted but not yet written. */
  public int pendingCount() {
    return pending.get();
  }

  /** Waits until every accepted row is written or dropped; for tests and orderly shutdown. */
  public boolean awaitIdle(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (pending.get() > 0) {
      if (System.nanoTime() - deadline > 0) {
        return false;
      }
      Thread.sleep(5);
    }
    return true;
  }

  /** Stops accepting rows and writes the rest, for at most the close timeout. */
  @Override
  public void close() {
    closing.countDown();
    try {
      // A write still in flight after the timeout may yet succeed; its rows are counted as dropped.
      writer.join(options.closeTimeout().toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    dropRemaining("closed before they could be written");
  }

  private boolean isClosing() {
    return closing.getCount() == 0;
  }

  private void runWriter() {
    long closeDeadline = Long.MAX_VALUE;
    Duration backoff = options.initialBackoff();
    List<E> batch = new ArrayList<>();
    while (true) {
      if (isClosing() && closeDeadline == Long.MAX_VALUE) {
        closeDeadline = System.nanoTime() + options.closeTimeout().toNanos();
      }
      if (batch.isEmpty() && !fillBatch(batch)) {
        if (isClosing()) {
          return;
        }
        continue;
      }
      if (writeBatch(batch)) {
        backoff = options.initialBackoff();
      } else if (System.nanoTime() - closeDeadline > 0) {
        return;
      } else {
        pause(backoff);
        backoff = min(backoff.multipliedBy(2), options.maxBackoff());
      }
    }
  }

  /** Waits briefly for a first row, then takes what else is ready. False when nothing came. */
  private boolean fillBatch(List<E> batch) {
    try {
      E first = isClosing() ? queue.poll() : queue.poll(100, TimeUnit.MILLISECONDS);
      if (first == null) {
        return false;
      }
      batch.add(first);
      if (!isClosing() && queue.size() < options.batchSize() - 1) {
        // Let rows accumulate: one transaction per linger period instead of one per request,
        // which keeps the writer from competing with the event loops for CPU under load.
        Thread.sleep(LINGER_MILLIS);
      }
      queue.drainTo(batch, options.batchSize() - 1);
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** True when the batch is done with (written, or dropped as permanently bad). */
  private boolean writeBatch(List<E> batch) {
    try {
      sink.write(List.copyOf(batch));
      written.addAndGet(batch.size());
      release(batch);
      return true;
    } catch (Exception e) {
      if (isPermanent.test(e)) {
        LOG.warn("{}: database rejected a batch of {} rows; dropped: {}", options.name(), batch.size(), e.toString());
        dropped.addAndGet(batch.size());
        release(batch);
        return true;
      }
      failureWarning.warn("{}: write failed, {} rows waiting, will retry: {}", options.name(), pending.get(),
          e.toString());
      return false;
    }
  }

  private void release(List<E> batch) {
    int size = batch.size();
    long bytes = 0;
    for (E entry : batch) {
      bytes += budget.bytes().applyAsLong(entry);
    }
    long freed = bytes;
    // Never below zero: close() may already have written these rows off as dropped.
    pending.updateAndGet(count -> Math.max(0, count - size));
    heldBytes.updateAndGet(held -> Math.max(0, held - freed));
    batch.clear();
  }

  /** Waits out the backoff; close() cuts it short, but retries while closing stay spaced out. */
  private void pause(Duration backoff) {
    try {
      if (isClosing()) {
        Thread.sleep(Math.min(backoff.toMillis(), 200));
      } else {
        closing.await(backoff.toMillis(), TimeUnit.MILLISECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void dropRemaining(String why) {
    int left = pending.getAndSet(0);
    queue.clear();
    heldBytes.set(0);
    if (left > 0) {
      dropped.addAndGet(left);
      LOG.warn("{}: {} rows {}; {} dropped in total", options.name(), left, why, dropped.get());
    }
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }
}
