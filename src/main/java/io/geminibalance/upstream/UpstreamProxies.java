package io.geminibalance.upstream;

import io.geminibalance.keypool.ApiKey;
import io.geminibalance.requestlog.SecretRedactor;
import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.proxy.ProxyConnectException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.ProxyOptions;
import java.net.SocketException;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * PROXIES in force: which proxy a call to Google goes through ({@link ProxyRing}: by the key's
 * hash when PROXIES_USE_CONSISTENCY_HASH_BY_API_KEY, else in rotation), which proxies are down,
 * and the checks that bring them back.
 *
 * <p>A proxy that cannot be connected to, or that refuses the tunnel (an HTTP CONNECT answer other
 * than 2xx, a SOCKS5 error, a wrong password), is marked down and the same call goes through the
 * next usable proxy with the same key ({@link #route}): the key did nothing wrong and nothing
 * reached Google. A down proxy is skipped until a check through it succeeds: every
 * PROXY_RECHECK_SECONDS for the proxies that are down, and whenever the admin checks it. With
 * every proxy down, calls fail with a {@link ProxyFailure} that names them (credentials masked).
 *
 * <p>A check is one request through the proxy to BASE_URL's origin on a connection of its own
 * (never a pooled one, which would hide a proxy that went away): any HTTP answer of the upstream
 * proves the way works; a forwarding HTTP proxy's own 407, 502, 503 or 504 does not.
 */
public final class UpstreamProxies implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(UpstreamProxies.class);
  /** How long one check may take. */
  public static final long CHECK_TIMEOUT_MILLIS = 10_000;
  /** Checks run at once by a re-check of the down proxies. */
  private static final int RECHECK_CONCURRENCY = 5;

  /** Up or down, kept across configuration changes for a proxy that stays. */
  private static final class Health {
    volatile String downReason;

    boolean up() {
      return downReason == null;
    }
  }

  private record State(List<ProxyAddress> proxies, List<ProxyOptions> options, List<Health> health, ProxyRing ring,
      boolean byKey) {
    static final State NONE = new State(List.of(), List.of(), List.of(), ProxyRing.over(List.of()), true);
  }

  /** The outcome of one check; {@code proxy} is the masked entry. */
  public record CheckResult(String proxy, boolean ok, long latencyMillis, String error) {}

  private final Vertx vertx;
  private final Supplier<URI> target;
  private final LongSupplier recheckMillis;
  private final HttpClientAgent checks;
  private final AtomicInteger rotation = new AtomicInteger();
  private volatile State state = State.NONE;
  private volatile boolean closed;
  private long timer = -1;

  /**
   * @param target BASE_URL in force: what a check goes to through the proxy
   * @param recheckMillis PROXY_RECHECK_SECONDS in force, read before each re-check round
   */
  public UpstreamProxies(Vertx vertx, Supplier<URI> target, LongSupplier recheckMillis) {
    this.vertx = vertx;
    this.target = target;
    this.recheckMillis = recheckMillis;
    this.checks = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(false)
        .setConnectTimeout((int) CHECK_TIMEOUT_MILLIS).setDecompressionSupported(false));
  }

  /** Parses PROXIES, refusing a bad entry with a message that names its position only. */
  public static List<ProxyAddress> parse(List<String> entries) {
    LinkedHashSet<ProxyAddress> proxies = new LinkedHashSet<>();
    for (int i = 0; i < entries.size(); i++) {
      try {
        proxies.add(ProxyAddress.parse(entries.get(i)));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("PROXIES: entry " + (i + 1) + " " + e.getMessage(), e);
      }
    }
    return List.copyOf(proxies);
  }

  /** Puts a new list in force; proxies that stay keep their state (a down one stays down). */
  public synchronized void update(List<ProxyAddress> proxies, boolean byKey) {
    State old = state;
    Map<ProxyAddress, Health> kept = new HashMap<>();
    for (int i = 0; i < old.proxies().size(); i++) {
      kept.put(old.proxies().get(i), old.health().get(i));
    }
    List<Health> health = new ArrayList<>();
    List<ProxyOptions> options = new ArrayList<>();
    List<String> identities = new ArrayList<>();
    for (ProxyAddress proxy : proxies) {
      health.add(kept.getOrDefault(proxy, new Health()));
      options.add(proxy.options());
      identities.add(proxy.ringIdentity());
    }
    state = new State(List.copyOf(proxies), List.copyOf(options), List.copyOf(health), ProxyRing.over(identities),
        byKey);
    if (!proxies.isEmpty() && timer < 0 && !closed) {
      scheduleRecheck();
    }
  }

  /** Whether any proxy is configured (calls then never go direct). */
  public boolean active() {
    return !state.proxies().isEmpty();
  }

  /**
   * Runs {@code send} through the proxy chosen for {@code key} (null: no PROXIES, go direct). When
   * it fails because of the proxy, that proxy is marked down and {@code send} runs again through
   * the next one, until one works or none is left ({@link ProxyFailure}). {@code send} must only
   * open the connection (or fail with a {@link ProxyFailure} itself): it may run more than once.
   */
  public <T> Future<T> route(ApiKey key, Function<ProxyOptions, Future<T>> send) {
    State s = state;
    if (s.proxies().isEmpty()) {
      return send.apply(null);
    }
    return attempt(s, key, send, new boolean[s.proxies().size()]);
  }

  private <T> Future<T> attempt(State s, ApiKey key, Function<ProxyOptions, Future<T>> send, boolean[] tried) {
    int chosen = choose(s, key, tried);
    if (chosen < 0) {
      return Future.failedFuture(unavailable(s));
    }
    tried[chosen] = true;
    return send.apply(s.options().get(chosen)).recover(err -> {
      if (!isProxyFailure(err)) {
        return Future.failedFuture(err);
      }
      markDown(s, chosen, err);
      return attempt(s, key, send, tried);
    });
  }

  private int choose(State s, ApiKey key, boolean[] tried) {
    if (s.byKey()) {
      return s.ring().byKey(Long.parseUnsignedLong(key.fingerprint(), 16),
          i -> !tried[i] && s.health().get(i).up());
    }
    return s.ring().byRotation(rotation.getAndIncrement(), i -> !tried[i] && s.health().get(i).up());
  }

  /** The proxy {@code key} goes through now (masked), or null when none; for tests and the admin. */
  public String proxyFor(ApiKey key) {
    State s = state;
    int chosen = s.proxies().isEmpty() || !s.byKey() ? -1 : choose(s, key, new boolean[s.proxies().size()]);
    return chosen < 0 ? null : s.proxies().get(chosen).masked();
  }

  /**
   * A failure of the proxy rather than of the call: no connection to the proxy, or the proxy's
   * refusal of the tunnel. With a proxy in use the only connection the client opens itself is the
   * one to the proxy, so a failed connect is the proxy's.
   */
  static boolean isProxyFailure(Throwable err) {
    return err instanceof ProxyFailure || err instanceof ProxyConnectException || err instanceof SocketException
        || err instanceof ConnectTimeoutException || err instanceof UnknownHostException;
  }

  /**
   * A forwarding HTTP proxy (plain {@code http://} BASE_URL) answered 407 itself: the proxy is
   * marked down; the call fails with a {@link ProxyFailure}.
   */
  ProxyFailure refusedByForwardingProxy(ProxyOptions used, int status) {
    State s = state;
    int index = s.options().indexOf(used);
    if (index < 0) {
      return new ProxyFailure("An upstream proxy refused the call (HTTP " + status + ")", true);
    }
    markDown(s, index, new ProxyFailure("the proxy answered HTTP " + status, false));
    if (s.health().stream().noneMatch(Health::up)) {
      return unavailable(s);
    }
    return new ProxyFailure("Upstream proxy " + s.proxies().get(index).masked() + " refused the call (HTTP "
        + status + ")", true);
  }

  private void markDown(State s, int index, Throwable err) {
    Health health = s.health().get(index);
    String reason = reason(err);
    boolean wasUp = health.up();
    health.downReason = reason;
    if (wasUp) {
      LOG.warn("Upstream proxy {} is down ({}); skipped until a check through it succeeds",
          s.proxies().get(index).masked(), reason);
    }
  }

  private static String reason(Throwable err) {
    String message = err.getMessage() == null ? err.getClass().getSimpleName() : err.getMessage();
    if (err instanceof ConnectTimeoutException) {
      message = "cannot connect to the proxy: timed out";
    } else if (err instanceof java.net.ConnectException) {
      // Netty's text names the native call ("finishConnect(..) failed with error(-111): ...").
      message = "cannot connect to the proxy: "
          + (message.contains("Connection refused") ? "connection refused" : message);
    } else if (err instanceof SocketException) {
      message = "connection to the proxy failed: " + message;
    } else if (err instanceof UnknownHostException) {
      message = "unknown proxy host";
    }
    String redacted = SecretRedactor.process().redact(message);
    return redacted.length() <= 200 ? redacted : redacted.substring(0, 200) + "...";
  }

  private ProxyFailure unavailable(State s) {
    StringBuilder text = new StringBuilder("No upstream proxy is reachable: every proxy in PROXIES is down (");
    for (int i = 0; i < s.proxies().size(); i++) {
      String reason = s.health().get(i).downReason;
      text.append(i == 0 ? "" : "; ").append(s.proxies().get(i).masked())
          .append(": ").append(reason == null ? "refused this call" : reason);
      if (text.length() > 1500) {
        text.append("; ...");
        break;
      }
    }
    return new ProxyFailure(text.append("). The gateway re-checks them every ")
        .append(recheckMillis.getAsLong() / 1000).append(" s.").toString(), false);
  }

  /**
   * One request through {@code proxy} to BASE_URL's origin. When {@code proxy} is one of PROXIES,
   * its state follows the result.
   */
  public Future<CheckResult> check(ProxyAddress proxy) {
    URI base = target.get();
    boolean ssl = "https".equalsIgnoreCase(base.getScheme());
    int port = base.getPort() >= 0 ? base.getPort() : ssl ? 443 : 80;
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.GET).setHost(base.getHost()).setPort(port)
        .setSsl(ssl).setURI("/").setProxyOptions(proxy.options()).setConnectTimeout(CHECK_TIMEOUT_MILLIS)
        .setIdleTimeout(CHECK_TIMEOUT_MILLIS);
    // Only a forwarding HTTP proxy (plain target) answers in its own name; through a tunnel every
    // answer is the upstream's, and any answer proves the way.
    boolean forwarding = !ssl && !proxy.scheme().equals("socks5");
    long started = System.nanoTime();
    return checks.request(options)
        .compose(request -> request.send().compose(response -> response.body().map(b -> response.statusCode())))
        .timeout(CHECK_TIMEOUT_MILLIS, java.util.concurrent.TimeUnit.MILLISECONDS)
        .transform(ar -> {
          long latency = (System.nanoTime() - started) / 1_000_000;
          String error;
          if (ar.failed()) {
            error = reason(ar.cause());
          } else if (forwarding && (ar.result() == 407 || ar.result() >= 502 && ar.result() <= 504)) {
            error = "the proxy answered HTTP " + ar.result();
          } else {
            error = null;
          }
          recordCheck(proxy, error);
          return Future.succeededFuture(new CheckResult(proxy.masked(), error == null, latency, error));
        });
  }

  /** Checks {@code proxies}, {@code concurrency} at a time; results in the same order. */
  public Future<List<CheckResult>> checkAll(List<ProxyAddress> proxies, int concurrency) {
    CheckResult[] results = new CheckResult[proxies.size()];
    Deque<Integer> queue = new ArrayDeque<>();
    for (int i = 0; i < proxies.size(); i++) {
      queue.add(i);
    }
    List<Future<Void>> workers = new ArrayList<>();
    for (int w = 0; w < Math.min(concurrency, proxies.size()); w++) {
      workers.add(drain(proxies, queue, results));
    }
    return Future.join(workers).map(v -> List.of(results));
  }

  private Future<Void> drain(List<ProxyAddress> proxies, Deque<Integer> queue, CheckResult[] results) {
    Integer next;
    synchronized (queue) {
      next = queue.poll();
    }
    if (next == null) {
      return Future.succeededFuture();
    }
    int index = next;
    return check(proxies.get(index)).compose(result -> {
      results[index] = result;
      return drain(proxies, queue, results);
    });
  }

  /** PROXIES as in force. */
  public List<ProxyAddress> configured() {
    return state.proxies();
  }

  private void recordCheck(ProxyAddress proxy, String error) {
    State s = state;
    int index = s.proxies().indexOf(proxy);
    if (index < 0) {
      return;
    }
    Health health = s.health().get(index);
    boolean wasUp = health.up();
    health.downReason = error;
    if (error == null && !wasUp) {
      LOG.info("Upstream proxy {} is back: a check through it succeeded", proxy.masked());
    } else if (error != null && wasUp) {
      LOG.warn("Upstream proxy {} is down ({}); skipped until a check through it succeeds", proxy.masked(), error);
    }
  }

  private synchronized void scheduleRecheck() {
    if (closed) {
      return;
    }
    timer = vertx.setTimer(Math.max(1000, recheckMillis.getAsLong()), id -> recheckDown()
        .onComplete(ar -> scheduleRecheck()));
  }

  /** Checks the proxies that are down; the ones that answer are used again. */
  Future<List<CheckResult>> recheckDown() {
    State s = state;
    List<ProxyAddress> down = new ArrayList<>();
    for (int i = 0; i < s.proxies().size(); i++) {
      if (!s.health().get(i).up()) {
        down.add(s.proxies().get(i));
      }
    }
    return down.isEmpty() ? Future.succeededFuture(List.of()) : checkAll(down, RECHECK_CONCURRENCY);
  }

  @Override
  public synchronized void close() {
    closed = true;
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
    checks.close();
  }
}
