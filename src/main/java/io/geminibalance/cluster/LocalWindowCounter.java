package io.geminibalance.cluster;

import io.vertx.core.Future;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * {@link WindowCounter} in this instance's memory, bounded: at most {@code maxTracked} keys have a
 * window of their own. Windows are kept in the order they started, so expired ones are dropped
 * from the head as new ones come; when all are still live, further keys share one overflow
 * window, counted like a single key. That fails closed: a limit on the count is reached sooner,
 * never later. One lock: callers count rare events (failed logins) or cheap ones.
 */
public final class LocalWindowCounter implements WindowCounter {
  /** What the keys beyond the cap are counted under together (parentheses: no address has them). */
  public static final String OVERFLOW = "(overflow)";
  private final long windowNanos;
  private final int maxTracked;
  private final LongSupplier nanoClock;
  /** Key -> its current window, in the order the windows started. */
  private final LinkedHashMap<String, Window> windows = new LinkedHashMap<>();
  private final Window overflow;

  private static final class Window {
    long start;
    long count;

    Window(long start) {
      this.start = start;
    }
  }

  public LocalWindowCounter(long windowMillis, int maxTracked) {
    this(windowMillis, maxTracked, System::nanoTime);
  }

  public LocalWindowCounter(long windowMillis, int maxTracked, LongSupplier nanoClock) {
    this.windowNanos = TimeUnit.MILLISECONDS.toNanos(windowMillis);
    this.maxTracked = maxTracked;
    this.nanoClock = nanoClock;
    this.overflow = new Window(nanoClock.getAsLong() - windowNanos);
  }

  @Override
  public Future<Count> add(String key) {
    return Future.succeededFuture(addNow(key));
  }

  @Override
  public Future<Count> read(String key) {
    return Future.succeededFuture(readNow(key));
  }

  @Override
  public synchronized void clear(String key) {
    windows.remove(key);
  }

  /** {@link #add} without a future. */
  public synchronized Count addNow(String key) {
    long now = nanoClock.getAsLong();
    dropExpired(now);
    Window window = windowOf(key, now);
    if (window == null) {
      window = new Window(now);
      windows.put(key, window);
    } else if (expired(window, now)) {
      window.start = now;
      window.count = 0;
      if (window != overflow) {
        // Re-inserted at the tail, so the map stays ordered by window start.
        windows.remove(key);
        windows.put(key, window);
      }
    }
    window.count++;
    return count(window, now);
  }

  /** {@link #read} without a future. */
  public synchronized Count readNow(String key) {
    long now = nanoClock.getAsLong();
    Window window = windowOf(key, now);
    return window == null || expired(window, now) ? Count.NONE : count(window, now);
  }

  /** {@code key} when it has or may get a window of its own, else {@link #OVERFLOW}. */
  public synchronized String bucket(String key) {
    return windowOf(key, nanoClock.getAsLong()) == overflow ? OVERFLOW : key;
  }

  /** Keys with a window of their own (expired ones not yet dropped included). */
  public synchronized int tracked() {
    return windows.size();
  }

  private Count count(Window window, long now) {
    return new Count(window.count, Math.max(1, TimeUnit.NANOSECONDS.toMillis(window.start + windowNanos - now)));
  }

  /** The key's window; beyond the cap, the shared overflow window; null when it has none. */
  private Window windowOf(String key, long now) {
    Window window = windows.get(key);
    if (window != null) {
      return window;
    }
    if (windows.size() >= maxTracked) {
      dropExpired(now);
      if (windows.size() >= maxTracked) {
        return overflow;
      }
    }
    return null;
  }

  private void dropExpired(long now) {
    Iterator<Window> it = windows.values().iterator();
    while (it.hasNext()) {
      if (!expired(it.next(), now)) {
        return;
      }
      it.remove();
    }
  }

  private boolean expired(Window window, long now) {
    return now - window.start >= windowNanos;
  }
}
