package io.geminibalance.upstream;

import io.geminibalance.auth.TokenRefusal;
import io.geminibalance.keypool.Acquisition;
import io.geminibalance.keypool.ApiKey;
import io.geminibalance.keypool.KeyLease;
import io.geminibalance.keypool.KeyOutcome;
import io.geminibalance.keypool.KeyPool;
import io.geminibalance.protocol.gemini.GoogleError;
import io.geminibalance.protocol.gemini.LiveClose;
import io.geminibalance.protocol.gemini.PathSegments;
import io.geminibalance.protocol.gemini.TokenUsage;
import io.geminibalance.requestlog.AttemptLog;
import io.geminibalance.requestlog.AttemptRecord;
import io.geminibalance.requestlog.KeyIdentity;
import io.geminibalance.requestlog.SecretRedactor;
import io.geminibalance.streaming.IdleWatchdog;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.http.WebSocketFrame;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens the upstream side of a Live API session through the pool, as {@link UpstreamExecutor}
 * does for a call: lease a key for the setup's model (one request against its quota, through the
 * wait queue), open the WebSocket to BASE_URL's origin with the key in {@code x-goog-api-key},
 * send the setup, and wait for Google's first message. The attempt has worked once that message
 * arrives: Google accepts any WebSocket and refuses a key or a setup by closing it, so a refusal
 * at the handshake (an HTTP status, from a proxy in BASE_URL say) and a close before the first
 * message are both classified, released with their verdict, logged, and tried on another key while
 * the verdict allows and MAX_RETRIES does. Runs on the client connection's event loop.
 */
public final class LiveConnector implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LiveConnector.class);
  private static final int CONNECT_TIMEOUT_MILLIS = 10_000;
  /** The operation name of a Live session in the request and error logs. */
  public static final String OPERATION = "gemini-live";

  private final Leaser leaser;
  private final KeyPool pool;
  private final UpstreamClient upstream;
  private final AttemptLog attemptLog;
  private final IntSupplier maxAttempts;
  private final LongSupplier clock;
  private final SecretRedactor redactor;
  private final WebSocketClient client;

  /**
   * @param maxMessageBytes the largest frame or message Google may send (LIVE_MAX_MESSAGE_MB)
   * @param maxConnections open upstream WebSockets at most per upstream host (UPSTREAM_MAX_CONNECTIONS):
   *     a session holds its own for its whole life, so the default of Vert.x (50) would be a cap on sessions
   */
  public LiveConnector(Vertx vertx, Leaser leaser, KeyPool pool, UpstreamClient upstream, AttemptLog attemptLog,
      IntSupplier maxAttempts, LongSupplier clockMillis, SecretRedactor redactor, int maxMessageBytes,
      int maxConnections) {
    this.leaser = leaser;
    this.pool = pool;
    this.upstream = upstream;
    this.attemptLog = attemptLog;
    this.maxAttempts = maxAttempts;
    this.clock = clockMillis;
    this.redactor = redactor;
    this.client = vertx.createWebSocketClient(new WebSocketClientOptions()
        .setMaxFrameSize(maxMessageBytes)
        .setMaxMessageSize(maxMessageBytes)
        .setMaxConnections(maxConnections)
        .setConnectTimeout(CONNECT_TIMEOUT_MILLIS)
        .setTcpNoDelay(true)
        .setTryUsePerFrameCompression(false)
        .setTryUsePerMessageCompression(false));
  }

  /**
   * One session to open.
   *
   * @param path the Live path upstream ({@code /ws/...}), as {@code LivePath.path} builds it
   * @param model the model the setup names, as the pool counts it
   * @param clientHeaders the client's handshake headers; only {@link HeaderPolicy}'s go upstream
   * @param setup the setup message, sent first on every attempt
   * @param setupIsText whether the client sent it as text (else binary); it goes on the same way
   */
  public record LiveCall(String path, String model, MultiMap clientHeaders, Buffer setup, boolean setupIsText) {
    /** A new frame each time: a frame's buffer belongs to the connection it is written to. */
    WebSocketFrame setupFrame() {
      return setupIsText ? WebSocketFrame.textFrame(setup.toString(StandardCharsets.UTF_8), true)
          : WebSocketFrame.binaryFrame(setup.copy(), true);
    }
  }

  /** How opening ended. */
  public sealed interface Result {}

  /**
   * Google answered the setup: {@code first} is its first message, {@code socket} is paused. The
   * key's turn is given back at once; the session's request-log row waits for {@code log}.
   */
  public record Connected(WebSocket socket, WebSocketFrame first, SessionLog log) implements Result {}

  /** Writes a session's request-log row, once, when it has ended. */
  public interface SessionLog {
    /**
     * The session has ended, having reported {@code usage} (its turns summed): its row is written
     * with it, at the first call only. The turns were charged to the client's token and counted
     * as they came, so the row is not charged again (the log it goes to does not charge).
     */
    void ended(TokenUsage usage);
  }

  /** No session: the close code and reason (no secret in it) to give the client. */
  public record Failed(int closeCode, String reason) implements Result {}

  /**
   * Opens the session. {@code onSocket} sees each upstream socket as soon as it is open, so that a
   * client that leaves meanwhile can close it; {@code ctx.clientGone()} stops further attempts.
   */
  public Future<Result> connect(LiveCall call, RequestContext ctx, Consumer<WebSocket> onSocket) {
    if (ctx.token() != null) {
      TokenRefusal refused = TokenRefusal.model(ctx.token(), call.model());
      if (refused != null) {
        return Future.succeededFuture(new Failed(LiveClose.POLICY_VIOLATION, refused.message()));
      }
    }
    return attempt(call, ctx, onSocket, 1, new HashSet<>(), null);
  }

  private Future<Result> attempt(LiveCall call, RequestContext ctx, Consumer<WebSocket> onSocket, int attempt,
      Set<ApiKey> tried, Failed last) {
    if (ctx.clientGone()) {
      return Future.succeededFuture(new Failed(LiveClose.GOING_AWAY, "client closed"));
    }
    return leaser.lease(call.model(), tried).compose(acquisition -> switch (acquisition) {
      case Acquisition.Refused refused -> Future.succeededFuture(last != null ? last : refusal(refused));
      case Acquisition.Granted granted -> send(call, ctx, onSocket, attempt, tried, granted.lease());
    });
  }

  private Future<Result> send(LiveCall call, RequestContext ctx, Consumer<WebSocket> onSocket, int attempt,
      Set<ApiKey> tried, KeyLease lease) {
    tried.add(lease.key());
    Attempt a = new Attempt(call, ctx, attempt, lease, clock.getAsLong());
    WebSocketConnectOptions options;
    try {
      options = options(call, lease.key());
    } catch (RuntimeException e) {
      // BASE_URL without a host the WebSocket can reach: no other key does better.
      a.release(KeyOutcome.NEUTRAL, 502, "BASE_URL unusable for the Live API: " + e.getMessage());
      return Future.succeededFuture(new Failed(LiveClose.INTERNAL_ERROR, "The gateway's BASE_URL cannot carry the"
          + " Live API."));
    }
    UpstreamProxies proxies = upstream.proxies();
    Future<WebSocket> opened = proxies == null ? client.connect(options)
        : proxies.route(lease.key(), proxy -> {
          options.setProxyOptions(proxy);
          return client.connect(options);
        });
    return opened.transform(ar -> {
      if (ar.failed()) {
        return retryOrStop(a, tried, onSocket, handshakeFailed(a, ar.cause()));
      }
      WebSocket socket = ar.result();
      onSocket.accept(socket);
      return awaitFirstMessage(a, socket).compose(answer -> switch (answer) {
        case Began began -> Future.succeededFuture(began.connected());
        case Refusal refusal -> retryOrStop(a, tried, onSocket, refusal);
      });
    });
  }

  /** How Google answered the setup. */
  private sealed interface FirstAnswer {}

  /** With a message: the session has begun. */
  private record Began(Connected connected) implements FirstAnswer {}

  /** A failed attempt: the verdict decides whether another key is tried. */
  private record Refusal(Verdict verdict, Failed failed) implements FirstAnswer {}

  private Future<Result> retryOrStop(Attempt a, Set<ApiKey> tried, Consumer<WebSocket> onSocket, Refusal refusal) {
    if (refusal.verdict().retryOnAnotherKey() && a.number < maxAttempts.getAsInt() && !a.ctx.clientGone()) {
      return attempt(a.call, a.ctx, onSocket, a.number + 1, tried, refusal.failed());
    }
    return Future.succeededFuture(refusal.failed());
  }

  /** The handshake failed: an HTTP answer other than 101 (classified as any answer), or no answer. */
  private Refusal handshakeFailed(Attempt a, Throwable cause) {
    if (cause instanceof ProxyFailure proxyFault) {
      // Nothing reached Google through PROXIES: no blame, the key's turn is given back.
      Verdict verdict = OutcomeClassifier.proxyFailure(proxyFault.getMessage(), proxyFault.othersUp());
      a.release(verdict.keyOutcome(), proxyFault.othersUp() ? 502 : 503, proxyFault.getMessage());
      return new Refusal(verdict, new Failed(LiveClose.TRY_AGAIN_LATER, proxyFault.getMessage()));
    }
    if (cause instanceof UpgradeRejectedException rejected) {
      int status = rejected.getStatus();
      byte[] body = rejected.getBody() == null ? new byte[0]
          : redactor.redact(rejected.getBody().toString(StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8);
      Verdict verdict = OutcomeClassifier.classify(status, body);
      String message = GoogleError.parse(body).message();
      String reason = "Upstream refused the Live session: HTTP " + status
          + (message.isEmpty() ? "" : " " + PathSegments.excerpt(message, 0, message.length()));
      a.release(verdict.keyOutcome(), status, reason);
      return new Refusal(verdict, new Failed(closeCodeFor(status), reason));
    }
    String text = redactor.redact(String.valueOf(cause.getMessage()));
    boolean timeout = text.toLowerCase(java.util.Locale.ROOT).contains("timeout")
        || text.toLowerCase(java.util.Locale.ROOT).contains("timed out");
    String reason = timeout ? "Upstream did not answer the Live handshake in time" : "Upstream unreachable: " + text;
    Verdict verdict = OutcomeClassifier.transportFailure(reason);
    a.release(verdict.keyOutcome(), timeout ? 504 : 502, reason);
    return new Refusal(verdict, new Failed(LiveClose.INTERNAL_ERROR, reason));
  }

  /** The close code a client gets for a handshake refused with {@code status}. */
  static int closeCodeFor(int status) {
    if (status == 429) {
      return LiveClose.TRY_AGAIN_LATER;
    }
    return status >= 400 && status < 500 ? 1008 : LiveClose.INTERNAL_ERROR;
  }

  /**
   * Sends the setup and waits (TIME_OUT at most) for Google's first message. Ping and pong frames
   * do not count: Vert.x answers pings itself.
   */
  private Future<FirstAnswer> awaitFirstMessage(Attempt a, WebSocket socket) {
    Promise<FirstAnswer> outcome = Promise.promise();
    long timeoutMillis = upstream.settings().timeout().toMillis();
    IdleWatchdog.Watch watch = IdleWatchdog.watch(timeoutMillis, () -> {
      if (!outcome.future().isComplete()) {
        String reason = "Upstream did not answer the Live setup within " + timeoutMillis / 1000 + " s (TIME_OUT)";
        a.release(KeyOutcome.NEUTRAL, 504, reason);
        outcome.tryComplete(new Refusal(OutcomeClassifier.transportFailure(reason),
            new Failed(LiveClose.INTERNAL_ERROR, reason)));
        socket.close((short) LiveClose.GOING_AWAY, "no answer to the setup");
      }
    });
    socket.exceptionHandler(e -> LOG.debug("request {}: upstream Live socket: {}", a.ctx.requestId(), e.toString()));
    socket.frameHandler(frame -> {
      if (outcome.future().isComplete() || !frame.isText() && !frame.isBinary() && !frame.isContinuation()) {
        return;
      }
      watch.stop();
      socket.pause();
      socket.frameHandler(null);
      socket.closeHandler(null);
      outcome.tryComplete(new Began(new Connected(socket, frame, a.began())));
    });
    socket.closeHandler(v -> {
      watch.stop();
      if (outcome.future().isComplete()) {
        return;
      }
      if (a.ctx.clientGone()) {
        // The relay closed it: the client left while Google was answering the setup.
        a.release(KeyOutcome.NEUTRAL, 499, "client closed before the session began");
        outcome.tryComplete(new Refusal(new Verdict(KeyOutcome.NEUTRAL, false, "client closed"),
            new Failed(LiveClose.GOING_AWAY, "client closed")));
        return;
      }
      int code = socket.closeStatusCode() == null ? 1006 : socket.closeStatusCode();
      String reason = redactor.redact(socket.closeReason() == null ? "" : socket.closeReason());
      LiveCloseClassifier.Outcome classified = LiveCloseClassifier.classify(code, reason);
      String logged = "Upstream closed the Live session before it began: " + code + (reason.isEmpty() ? "" : " " + reason);
      a.release(classified.verdict().keyOutcome(), classified.status(), logged);
      outcome.tryComplete(new Refusal(classified.verdict(),
          new Failed(LiveClose.passOn(code, LiveClose.INTERNAL_ERROR), reason.isEmpty() ? logged : reason)));
    });
    socket.writeFrame(a.call.setupFrame());
    return outcome.future();
  }

  private WebSocketConnectOptions options(LiveCall call, ApiKey key) {
    UpstreamClient.Settings settings = upstream.settings();
    URI base = settings.baseUrl();
    if (base.getHost() == null) {
      throw new IllegalArgumentException("no host");
    }
    boolean ssl = "https".equalsIgnoreCase(base.getScheme());
    int port = base.getPort() >= 0 ? base.getPort() : ssl ? 443 : 80;
    MultiMap headers = MultiMap.caseInsensitiveMultiMap();
    if (call.clientHeaders() != null) {
      HeaderPolicy.copyUpstream(call.clientHeaders(), headers);
    }
    settings.customHeaders().forEach(headers::set);
    // In a header, never in the URL: the URL of a WebSocket shows up in proxies' access logs.
    headers.set("x-goog-api-key", key.secret());
    return new WebSocketConnectOptions()
        .setHost(base.getHost())
        .setPort(port)
        .setSsl(ssl)
        .setURI(call.path())
        .setHeaders(headers)
        .setConnectTimeout(CONNECT_TIMEOUT_MILLIS)
        .setTimeout(settings.timeout().toMillis());
  }

  private Failed refusal(Acquisition.Refused refused) {
    if (refused.permanent()) {
      return new Failed(LiveClose.INTERNAL_ERROR, "No usable key in the gateway's pool: " + refused.reason());
    }
    long seconds = Math.max(1, (Math.max(0, refused.earliestMillis() - clock.getAsLong()) + 999) / 1000);
    return new Failed(LiveClose.TRY_AGAIN_LATER, "The gateway's own key pool limit was reached (not Google's);"
        + " retry in " + seconds + " s");
  }

  /** One attempt's lease, released and logged exactly once. */
  private final class Attempt {
    final LiveCall call;
    final RequestContext ctx;
    final int number;
    final KeyLease lease;
    final long started;
    private boolean released;

    Attempt(LiveCall call, RequestContext ctx, int number, KeyLease lease, long started) {
      this.call = call;
      this.ctx = ctx;
      this.number = number;
      this.lease = lease;
      this.started = started;
    }

    void release(KeyOutcome outcome, int status, String error) {
      if (released) {
        return;
      }
      released = true;
      pool.release(lease, outcome);
      attemptLog.record(row(status, error, clock.getAsLong() - started, TokenUsage.NONE));
      LOG.debug("request {} Live attempt {} key {}: {}", ctx.requestId(), number, lease.key(), error);
    }

    /**
     * The session began: the key's turn is given back now (a success); the row, with the time to
     * Google's first message as its latency, is written when the session ends, with its usage.
     */
    SessionLog began() {
      released = true;
      pool.release(lease, KeyOutcome.SUCCESS);
      long latency = clock.getAsLong() - started;
      boolean[] logged = {false};
      return usage -> {
        if (!logged[0]) {
          logged[0] = true;
          attemptLog.record(row(101, null, latency, usage));
        }
      };
    }

    private AttemptRecord row(int status, String error, long latencyMillis, TokenUsage usage) {
      return new AttemptRecord(started, ctx.requestId(), call.model(), KeyIdentity.of(lease.key()), ctx.client(),
          number, status, error == null, latencyMillis, true, OPERATION, error, null, usage, false);
    }
  }

  @Override
  public void close() {
    client.close();
  }
}
