package io.geminibalance.logging;

import java.time.Duration;
import java.time.InstantSource;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;

/**
 * A WARN line that repeats at most once per interval, saying how often it was held back, so that
 * an outage under load neither floods the log nor goes unnoticed. The first call always logs.
 *
 * <p>In a package of its own, below every other, because the packages that warn this way span the
 * whole request path (server, keypool, requestlog) and keypool may depend on none of the others.
 */
public final class RateLimitedWarning {
  /** "Not logged yet": compared before any arithmetic, since {@code now - MIN_VALUE} overflows. */
  private static final long NEVER = Long.MIN_VALUE;

  private final Logger log;
  private final long interval;
  private final LongSupplier now;
  private final AtomicLong nextAllowed = new AtomicLong(NEVER);
  private final AtomicLong suppressed = new AtomicLong();

  /** Timed by {@link System#nanoTime()}, which never jumps. */
  public RateLimitedWarning(Logger log, Duration interval) {
    this(log, interval.toNanos(), System::nanoTime);
  }

  private RateLimitedWarning(Logger log, long interval, LongSupplier now) {
    this.log = log;
    this.interval = interval;
    this.now = now;
  }

  /** Timed by {@code clock}, for a component that has one (so that its tests can move time). */
  public static RateLimitedWarning following(Logger log, Duration interval, InstantSource clock) {
    return new RateLimitedWarning(log, interval.toMillis(), clock::millis);
  }

  public void warn(String format, Object... arguments) {
    long time = now.getAsLong();
    long allowed = nextAllowed.get();
    if ((allowed != NEVER && time - allowed < 0) || !nextAllowed.compareAndSet(allowed, time + interval)) {
      suppressed.incrementAndGet();
      return;
    }
    long held = suppressed.getAndSet(0);
    log.warn(held == 0 ? format : format + " (" + held + " similar warnings suppressed)", arguments);
  }
}
