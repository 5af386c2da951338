package io.geminibalance.server;

import io.geminibalance.logging.RateLimitedWarning;
import io.netty.util.NetUtil;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.LoggerFactory;

/**
 * Throttles failed admin authentications per client address, loopback included: after
 * ADMIN_AUTH_FAILURES_PER_MINUTE failures within a minute of the first one, every admin request
 * from that address gets 429 until that minute has passed, whatever its token, so guessing
 * AUTH_TOKEN online takes years. A successful admin authentication before that forgets the
 * address. The data plane, which accepts the admin token too, counts its failed authentications
 * here as well and refuses every credential but a client token while the address is throttled
 * ({@link AdminOnDataPlane}); otherwise it would be the way round this throttle.
 *
 * <p>Memory is bounded: at most {@value #MAX_TRACKED} addresses are tracked. Windows are kept in
 * the order they started, so expired ones are dropped from the head as new ones come; when all
 * {@value #MAX_TRACKED} are still live, further addresses share one overflow window, throttled
 * like a single address. That fails closed: during a guessing attack from that many addresses at
 * once an admin at a new address may be refused for up to a minute too, but no one gets more
 * attempts than the limit allows per window.
 *
 * <p>An IPv6 client is counted by its /64, not its whole address: a single host is usually given
 * a whole /64 and can pick any address in it, so per /128 it would get 10 guesses for each of up
 * to {@value #MAX_TRACKED} addresses. IPv4 addresses count one by one (/32).
 *
 * <p>Admin requests are rare, so one lock is enough.
 */
public final class AdminThrottle {
  static final int MAX_TRACKED = 10_000;
  private static final long WINDOW_NANOS = TimeUnit.MINUTES.toNanos(1);

  private final LongSupplier nanoClock;
  private final int maxTracked;
  private volatile int limit;
  /** Address -> its current window, in the order the windows started. */
  private final LinkedHashMap<String, Window> windows = new LinkedHashMap<>();
  private final Window overflow;
  private final RateLimitedWarning blockedWarning =
      new RateLimitedWarning(LoggerFactory.getLogger(AdminThrottle.class), Duration.ofSeconds(10));

  private static final class Window {
    long start;
    int failures;

    Window(long start) {
      this.start = start;
    }
  }

  /** @param failuresPerMinute ADMIN_AUTH_FAILURES_PER_MINUTE */
  public AdminThrottle(int failuresPerMinute) {
    this(failuresPerMinute, System::nanoTime, MAX_TRACKED);
  }

  AdminThrottle(int failuresPerMinute, LongSupplier nanoClock, int maxTracked) {
    this.limit = failuresPerMinute;
    this.nanoClock = nanoClock;
    this.maxTracked = maxTracked;
    this.overflow = new Window(nanoClock.getAsLong() - WINDOW_NANOS);
  }

  /**
   * The client address of a request, for the throttle and the audit log: the one place it is read.
   * {@link ClientOrigin}'s: the TCP peer, or behind a proxy in TRUSTED_PROXIES the address it
   * forwarded.
   */
  public static String clientAddress(RoutingContext rc) {
    String host = ClientOrigin.of(rc).address();
    return host == null || host.isEmpty() ? "unknown" : host;
  }

  /** Live setting: failures allowed per address and minute. */
  public void updateLimit(int failuresPerMinute) {
    this.limit = failuresPerMinute;
  }

  /** Seconds until {@code address} may try again (for Retry-After), or 0 when it may try now. */
  public synchronized long retryAfterSeconds(String address) {
    long now = nanoClock.getAsLong();
    Window window = windowOf(key(address), now);
    if (window == null || expired(window, now) || window.failures < limit) {
      return 0;
    }
    long left = window.start + WINDOW_NANOS - now;
    return Math.max(1, TimeUnit.NANOSECONDS.toSeconds(left + TimeUnit.SECONDS.toNanos(1) - 1));
  }

  /**
   * Counts a failed authentication from {@code address}. The one that reaches the limit is logged
   * at WARN (at most one line every 10 s, however many addresses reach it).
   */
  public void failed(String address) {
    String key = key(address);
    if (count(key)) {
      blockedWarning.warn("Too many failed authentications from {}; refusing the admin token and unknown"
          + " credentials from it for up to a minute, client tokens still work (ADMIN_AUTH_FAILURES_PER_MINUTE)",
          key);
    }
  }

  /** True when this failure reached the limit. */
  private synchronized boolean count(String key) {
    long now = nanoClock.getAsLong();
    dropExpired(now);
    Window window = windowOf(key, now);
    if (window == null) {
      window = new Window(now);
      windows.put(key, window);
    } else if (expired(window, now)) {
      window.start = now;
      window.failures = 0;
      if (window != overflow) {
        // Re-inserted at the tail, so the map stays ordered by window start.
        windows.remove(key);
        windows.put(key, window);
      }
    }
    window.failures++;
    return window.failures == limit;
  }

  /** A successful authentication: the address starts afresh (the overflow window is shared and stays). */
  public synchronized void succeeded(String address) {
    windows.remove(key(address));
  }

  /**
   * What failures are counted under: an IPv4 address as it is, an IPv6 address as its /64
   * ({@code 2001:db8:0:7::/64}; an IPv4-mapped one as the IPv4 address), anything else (a Unix
   * socket's "unknown") as it is. Parsed without DNS ({@link TrustedProxies#literal}).
   */
  static String key(String address) {
    byte[] bytes = TrustedProxies.literal(address);
    if (bytes == null) {
      return address;
    }
    if (bytes.length == 4) {
      return NetUtil.bytesToIpAddress(bytes);
    }
    Arrays.fill(bytes, 8, 16, (byte) 0);
    return NetUtil.bytesToIpAddress(bytes) + "/64";
  }

  synchronized int trackedAddresses() {
    return windows.size();
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

  private static boolean expired(Window window, long now) {
    return now - window.start >= WINDOW_NANOS;
  }
}
