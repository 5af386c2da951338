package io.geminibalance.upstream;

import io.geminibalance.keypool.ApiKey;
import io.geminibalance.streaming.IdleWatchdog;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.EventExecutor;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.net.ProxyOptions;
import io.vertx.core.net.ProxyType;
import io.vertx.core.net.SocketAddress;
import io.vertx.core.streams.ReadStream;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * Sends one attempt upstream with one pool key. Connections are pooled and kept alive. HTTPS
 * upstreams negotiate HTTP/2 through ALPN (Google's API does), so concurrent calls share a few
 * connections as multiplexed streams; a plain {@code http://} upstream speaks HTTP/1.1 (one
 * connection per call in flight) unless {@link Pool#h2c()} asks for cleartext HTTP/2 with prior
 * knowledge. The key travels in a header, never in the URL, so it stays out of access logs on
 * the way.
 *
 * <p>Each event loop has its own pair of clients, so its own connections. Vert.x hands a pooled
 * connection to whichever caller asks, whatever event loop the connection lives on; a request from
 * another loop then crosses threads twice (the write to the connection's loop, the answer back),
 * with a wake-up of the other loop each time, which cost throughput and tail latency under load
 * (bench/NOTES.md). Calls from outside an event loop share
 * one extra pair. All pairs are made up front, by whoever builds this client (off any verticle), so
 * that none is tied to a verticle's lifetime and {@link #close()} closes every one.
 */
public final class UpstreamClient implements AutoCloseable {
  private static final int CONNECT_TIMEOUT_MILLIS = 10_000;
  private static final int HTTP2_CONNECTION_WINDOW_BYTES = 8 * 1024 * 1024;

  private final Agents shared;
  /** One pair per event loop of the Vert.x instance; fixed at construction. */
  private final Map<EventExecutor, Agents> perLoop;
  private volatile Target target;
  /** PROXIES, shared with the other clients to Google; null: always direct. */
  private final UpstreamProxies proxies;

  /** A plain and a TLS client with their own connection pools. */
  private record Agents(HttpClientAgent plain, HttpClientAgent tls) {
    static Agents create(Vertx vertx, Pool pool) {
      PoolOptions poolOptions = new PoolOptions()
          .setHttp1MaxSize(pool.http1MaxConnections())
          .setHttp2MaxSize(pool.http2MaxConnections());
      HttpClientOptions plainOptions = baseOptions();
      if (pool.h2c()) {
        // Prior knowledge: the connection starts with the HTTP/2 preface, no HTTP/1.1 Upgrade dance.
        plainOptions.setProtocolVersion(HttpVersion.HTTP_2).setHttp2ClearTextUpgrade(false);
      }
      return new Agents(vertx.createHttpClient(plainOptions, poolOptions),
          vertx.createHttpClient(baseOptions().setSsl(true).setUseAlpn(true)
              .setProtocolVersion(HttpVersion.HTTP_2), poolOptions));
    }

    HttpClientAgent forTarget(Target target) {
      return target.ssl() ? tls : plain;
    }

    void close() {
      plain.close();
      tls.close();
    }
  }

  /**
   * What may change at runtime without rebuilding the connection pools. {@code streamKeepalive}
   * (STREAM_KEEPALIVE_SECONDS, zero: off) is how long an SSE answer may be silent before the relay
   * sends the client a keepalive comment.
   */
  public record Settings(URI baseUrl, Duration timeout, Map<String, String> customHeaders, Duration streamKeepalive) {
    /** Without keepalives on relayed streams. */
    public Settings(URI baseUrl, Duration timeout, Map<String, String> customHeaders) {
      this(baseUrl, timeout, customHeaders, Duration.ZERO);
    }
  }

  /**
   * The settings with BASE_URL taken apart once, so that a request does not build and re-parse
   * an absolute URL. {@code host} is null when the URL has parts a host, port and path prefix
   * cannot express; requests then go by the absolute URL as written. {@code server} is the host and
   * port as Vert.x's address, made once here rather than parsed from them for every request.
   */
  private record Target(Settings settings, boolean ssl, String host, int port, String pathPrefix,
      SocketAddress server) {
    static Target of(Settings settings) {
      URI url = settings.baseUrl();
      boolean ssl = "https".equalsIgnoreCase(url.getScheme());
      boolean plainParts = url.getHost() != null && url.getRawQuery() == null && url.getRawFragment() == null
          && url.getRawUserInfo() == null && !url.getHost().startsWith("[");
      if (!plainParts) {
        return new Target(settings, ssl, null, -1, null, null);
      }
      int port = url.getPort() >= 0 ? url.getPort() : ssl ? 443 : 80;
      String prefix = url.getRawPath() == null ? "" : url.getRawPath();
      return new Target(settings, ssl, url.getHost(), port, prefix,
          SocketAddress.inetSocketAddress(port, url.getHost()));
    }

    RequestOptions locate(RequestOptions options, String pathAndQuery) {
      if (host == null) {
        return options.setAbsoluteURI(settings.baseUrl() + pathAndQuery);
      }
      return options.setServer(server).setSsl(ssl).setHost(host).setPort(port)
          .setURI(pathPrefix + pathAndQuery);
    }

    /** {@code pathAndQuery} below BASE_URL's origin (Google's upload and download endpoints). */
    RequestOptions locateFromOrigin(RequestOptions options, String pathAndQuery) {
      if (host == null) {
        URI url = settings.baseUrl();
        return options.setAbsoluteURI(url.getScheme() + "://" + url.getRawAuthority() + pathAndQuery);
      }
      return options.setServer(server).setSsl(ssl).setHost(host).setPort(port).setURI(pathAndQuery);
    }
  }

  /**
   * Connection pools, fixed at start. The limits hold per event loop (see the class comment).
   *
   * @param http1MaxConnections HTTP/1.1 connections per upstream host: one per call in flight
   * @param http2MaxConnections HTTP/2 connections per upstream host; each carries as many
   *     concurrent streams as the server allows (SETTINGS_MAX_CONCURRENT_STREAMS, 100 at Google),
   *     calls beyond that wait for a free stream
   * @param h2c cleartext HTTP/2 with prior knowledge for {@code http://} upstreams
   */
  public record Pool(int http1MaxConnections, int http2MaxConnections, boolean h2c) {}

  public UpstreamClient(Vertx vertx, Settings settings, Pool pool) {
    this(vertx, settings, pool, null);
  }

  /** A client whose calls go through {@code proxies} while PROXIES holds any (null: always direct). */
  public UpstreamClient(Vertx vertx, Settings settings, Pool pool, UpstreamProxies proxies) {
    this.proxies = proxies;
    this.target = Target.of(settings);
    this.shared = Agents.create(vertx, pool);
    Map<EventExecutor, Agents> loops = new HashMap<>();
    for (EventExecutor loop : ((VertxInternal) vertx).nettyEventLoopGroup()) {
      loops.put(loop, Agents.create(vertx, pool));
    }
    this.perLoop = Map.copyOf(loops);
  }

  /** The calling event loop's clients; the shared pair off the loops. */
  private Agents agents() {
    if (!Context.isOnEventLoopThread() || !(Vertx.currentContext() instanceof ContextInternal context)) {
      return shared;
    }
    EventLoop loop = context.nettyEventLoop();
    Agents agents = loop.inEventLoop() ? perLoop.get(loop) : null;
    return agents != null ? agents : shared;
  }

  private static HttpClientOptions baseOptions() {
    return new HttpClientOptions()
        // Room for every stream of a connection to have its full 64 KiB window outstanding, so one
        // stream paused behind a slow client cannot stall its neighbours on the same connection.
        .setHttp2ConnectionWindowSize(HTTP2_CONNECTION_WINDOW_BYTES)
        .setKeepAlive(true)
        .setPipelining(false)
        .setTcpNoDelay(true)
        .setConnectTimeout(CONNECT_TIMEOUT_MILLIS)
        .setDecompressionSupported(false);
  }

  public void update(Settings newSettings) {
    this.target = Target.of(newSettings);
  }

  public Settings settings() {
    return target.settings();
  }

  /** PROXIES as this client uses them; null when it always goes direct. */
  public UpstreamProxies proxies() {
    return proxies;
  }

  /**
   * Sends the call with {@code key}. The answer comes back paused, so the caller can classify it
   * before a single body byte moves. {@code onRequest} sees the request as soon as it exists, so
   * a client disconnect can reset it.
   */
  public Future<HttpClientResponse> send(UpstreamCall call, ApiKey key,
      Consumer<HttpClientRequest> onRequest) {
    Target t = target;
    Settings s = t.settings();
    UpstreamCall.Media media = call.media();
    RequestOptions located = media == null ? t.locate(new RequestOptions(), call.pathAndQuery())
        : t.locateFromOrigin(new RequestOptions(), call.pathAndQuery());
    RequestOptions options = located
        .setMethod(call.method())
        .setConnectTimeout(CONNECT_TIMEOUT_MILLIS);
    long timeoutMillis = s.timeout().toMillis();
    HttpClientAgent agent = agents().forTarget(t);
    if (proxies == null || !proxies.active()) {
      return sendOn(agent.request(options), call, key, onRequest, s, media, timeoutMillis);
    }
    // Only the connection is opened through route(): it may be tried through several proxies,
    // and nothing of the call has been sent when a proxy fails there.
    ProxyOptions[] used = new ProxyOptions[1];
    Future<HttpClientRequest> opened = proxies.route(key, proxy -> {
      used[0] = proxy;
      return agent.request(options.setProxyOptions(proxy));
    });
    return sendOn(opened, call, key, onRequest, s, media, timeoutMillis).compose(response -> {
      // A forwarding proxy (HTTP proxy, http:// BASE_URL) answers its own refusal as the answer.
      if (response.statusCode() == 407 && used[0] != null && used[0].getType() == ProxyType.HTTP && !t.ssl()) {
        response.exceptionHandler(err -> { });
        response.request().reset(CANCEL);
        return Future.failedFuture(proxies.refusedByForwardingProxy(used[0], 407));
      }
      return Future.succeededFuture(response);
    });
  }

  private static Future<HttpClientResponse> sendOn(Future<HttpClientRequest> opened, UpstreamCall call, ApiKey key,
      Consumer<HttpClientRequest> onRequest, Settings s, UpstreamCall.Media media, long timeoutMillis) {
    return opened.compose(request -> {
      AnswerDeadline deadline = new AnswerDeadline(request, timeoutMillis);
      Future<HttpClientResponse> sent;
      try {
        writeHeaders(request.headers(), call, key, s);
        onRequest.accept(request);
        if (media != null && media.body() != null) {
          sent = stream(request, media, deadline);
        } else {
          sent = call.body() == null ? request.send() : request.send(call.body());
        }
      } catch (RuntimeException e) {
        // E.g. a header value Vert.x refuses (CR/LF in a key or custom header): the request was
        // never sent, so give its connection back now rather than at the deadline.
        request.reset(CANCEL, e);
        return Future.failedFuture(deadline.settle(e));
      }
      return sent.transform(ar -> {
        Throwable failure = deadline.settle(ar.failed() ? ar.cause() : null);
        if (failure != null) {
          return Future.failedFuture(failure);
        }
        ar.result().pause();
        return Future.succeededFuture(ar.result());
      });
    });
  }

  /**
   * Streams the client's body to the upstream request as it arrives, pausing the client while the
   * upstream write queue is full, so that an upload holds a bounded amount of memory whatever its
   * size. TIME_OUT counts from the last body byte sent, not from the start: a large body takes as
   * long as it takes. When the client's body fails (the client went away, or it broke a limit) the
   * upstream request is reset, never ended: ended, a truncated body would look complete to Google.
   * The answer then fails with a {@link ClientBodyException}, which the executor does not hold
   * against the key.
   */
  private static Future<HttpClientResponse> stream(HttpClientRequest request, UpstreamCall.Media media,
      AnswerDeadline deadline) {
    ReadStream<Buffer> body = media.body();
    if (media.bodyLength() >= 0) {
      request.headers().set("content-length", Long.toString(media.bodyLength()));
    } else {
      request.setChunked(true);
    }
    ClientBodyException[] fault = new ClientBodyException[1];
    // A reset shows in the answer's future; without a handler Vert.x would also log it as an error.
    request.exceptionHandler(err -> { });
    body.handler(chunk -> {
      deadline.touch();
      request.write(chunk);
      if (request.writeQueueFull()) {
        body.pause();
        request.drainHandler(v -> body.resume());
      }
    });
    body.endHandler(v -> request.end());
    body.exceptionHandler(err -> {
      fault[0] = err instanceof ClientBodyException known ? known
          : new ClientBodyException(499, "the client's request body broke off: " + err.getMessage());
      request.reset(CANCEL, fault[0]);
    });
    body.resume();
    return request.response().transform(ar -> fault[0] != null ? Future.failedFuture(fault[0])
        : ar.succeeded() ? Future.succeededFuture(ar.result()) : Future.failedFuture(ar.cause()));
  }

  /** HTTP/2 RST_STREAM code for a request given up (what Vert.x's own timeout sends); HTTP/1 closes. */
  private static final long CANCEL = 8;

  /**
   * TIME_OUT until the response headers (the body has its own watch, in the relay). On an event
   * loop this is the shared idle sweep, not Vert.x's request idle timeout: that one schedules and
   * cancels a timer per attempt, a visible share of the event loops' time under load. Elsewhere (no
   * event loop to sweep on) the request's own timeout applies. Used on the request's event loop.
   */
  private static final class AnswerDeadline {
    private final IdleWatchdog.Watch watch;
    private boolean settled;
    private TimeoutException expired;

    AnswerDeadline(HttpClientRequest request, long timeoutMillis) {
      watch = IdleWatchdog.watch(timeoutMillis, () -> {
        // The watch fires through a task on the loop: an answer that landed in between stays.
        if (!settled) {
          expired = new TimeoutException("no answer from upstream within " + timeoutMillis + " ms");
          request.reset(CANCEL, expired);
        }
      });
      if (watch == IdleWatchdog.Watch.NONE && timeoutMillis > 0) {
        request.idleTimeout(timeoutMillis);
      }
    }

    /** Body bytes went out: the deadline starts again from now. */
    void touch() {
      watch.touch();
    }

    /** The send finished; returns its failure, reported as the timeout when that caused it. */
    Throwable settle(Throwable failure) {
      settled = true;
      watch.stop();
      return failure != null && expired != null ? expired : failure;
    }
  }

  /**
   * Straight into the request's own header map: building a map here and handing it to Vert.x
   * would copy every header twice more per attempt.
   */
  private static void writeHeaders(MultiMap headers, UpstreamCall call, ApiKey key, Settings s) {
    if (call.headers() != null) {
      HeaderPolicy.copyUpstream(call.headers(), headers);
    }
    s.customHeaders().forEach(headers::set);
    if (call.keyPlacement() == UpstreamCall.KeyPlacement.BEARER) {
      headers.set("authorization", "Bearer " + key.secret());
    } else {
      headers.set("x-goog-api-key", key.secret());
    }
    if (call.media() != null) {
      call.media().protocolHeaders().forEach(headers::set);
    }
    if (call.body() != null && !headers.contains("content-type")) {
      headers.set("content-type", "application/json");
    }
  }

  @Override
  public void close() {
    shared.close();
    perLoop.values().forEach(Agents::close);
  }
}
