package io.geminibalance.server;

import io.geminibalance.cluster.LocalWindowCounter;
import io.geminibalance.cluster.RedisLink;
import io.geminibalance.cluster.RedisWindowCounter;
import io.geminibalance.cluster.WindowCounter;
import io.geminibalance.logging.RateLimitedWarning;
import io.netty.util.NetUtil;
import io.vertx.core.Future;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.Arrays;
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
 * <p>Failures are counted in a {@link WindowCounter}: in memory ({@link LocalWindowCounter}, at most
 * {@value #MAX_TRACKED} addresses, further ones sharing one window, which fails closed), or with
 * REDIS_URL in Redis ({@link RedisWindowCounter}), so that failures spread over several instances
 * add up to one limit; while Redis is away each instance goes on with its own counts. Hence the
 * answers are futures: with Redis a check is one round trip (bounded by REDIS_TIMEOUT_MS, then
 * answered locally), never a blocked event loop.
 *
 * <p>An IPv6 client is counted by its /64, not its whole address: a single host is usually given
 * a whole /64 and can pick any address in it, so per /128 it would get 10 guesses for each of up
 * to {@value #MAX_TRACKED} addresses. IPv4 addresses count one by one (/32).
 */
public final class AdminThrottle {
  static final int MAX_TRACKED = 10_000;
  private static final long WINDOW_MILLIS = TimeUnit.MINUTES.toMillis(1);

  private final WindowCounter counter;
  /** The in-memory counter when there is no other (for the memory-bound tests), else null. */
  private final LocalWindowCounter local;
  private volatile int limit;
  private final RateLimitedWarning blockedWarning =
      new RateLimitedWarning(LoggerFactory.getLogger(AdminThrottle.class), Duration.ofSeconds(10));

  /** @param failuresPerMinute ADMIN_AUTH_FAILURES_PER_MINUTE; failures counted in this instance only */
  public AdminThrottle(int failuresPerMinute) {
    this(failuresPerMinute, System::nanoTime, MAX_TRACKED);
  }

  /** Failures counted by the instances on {@code redis} together (locally while it is away). */
  public AdminThrottle(int failuresPerMinute, RedisLink redis) {
    this.limit = failuresPerMinute;
    this.local = null;
    this.counter = new RedisWindowCounter(redis, "admin-auth-failures", WINDOW_MILLIS,
        new LocalWindowCounter(WINDOW_MILLIS, MAX_TRACKED));
  }

  AdminThrottle(int failuresPerMinute, LongSupplier nanoClock, int maxTracked) {
    this.limit = failuresPerMinute;
    this.local = new LocalWindowCounter(WINDOW_MILLIS, maxTracked, nanoClock);
    this.counter = local;
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

  /**
   * Where an address stands: its failures in the current window, and the seconds until it may try
   * again (for Retry-After), 0 when it may try now.
   */
  public record Standing(long failures, long retryAfterSeconds) {}

  public Future<Standing> standing(String address) {
    return counter.read(key(address)).map(count -> new Standing(count.count(), count.count() < limit ? 0L
        : Math.max(1, TimeUnit.MILLISECONDS.toSeconds(count.millisLeft() + 999))));
  }

  /** Seconds until {@code address} may try again (for Retry-After), or 0 when it may try now. */
  public Future<Long> retryAfterSeconds(String address) {
    return standing(address).map(Standing::retryAfterSeconds);
  }

  /**
   * Counts a failed authentication from {@code address}; completes once it is counted, so that an
   * answer sent after it never lets the next guess past the limit. The one that reaches the limit
   * is logged at WARN (at most one line every 10 s, however many addresses reach it).
   */
  public Future<Void> failed(String address) {
    String key = key(address);
    return counter.add(key).map(count -> {
      if (count.count() == limit) {
        blockedWarning.warn("Too many failed authentications from {}; refusing the admin token and unknown"
            + " credentials from it for up to a minute, client tokens still work (ADMIN_AUTH_FAILURES_PER_MINUTE)",
            key);
      }
      return null;
    });
  }

  /** A successful authentication: the address starts afresh (the overflow window is shared and stays). */
  public void succeeded(String address) {
    counter.clear(key(address));
  }

  /**
   * A successful authentication by an address that stood {@code before} it: forgotten only when it
   * had failures, so that the common case (none) costs no write (with Redis, no second round trip).
   */
  public void succeeded(String address, Standing before) {
    if (before.failures() > 0) {
      succeeded(address);
    }
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

  int trackedAddresses() {
    return local.tracked();
  }
}
