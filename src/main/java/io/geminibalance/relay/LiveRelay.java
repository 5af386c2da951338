package io.geminibalance.relay;

import io.geminibalance.auth.TokenCharges;
import io.geminibalance.protocol.gemini.LiveClose;
import io.geminibalance.protocol.gemini.LivePath;
import io.geminibalance.protocol.gemini.LiveSetup;
import io.geminibalance.requestlog.SecretRedactor;
import io.geminibalance.streaming.IdleWatchdog;
import io.geminibalance.upstream.HeaderPolicy;
import io.geminibalance.upstream.LiveConnector;
import io.geminibalance.upstream.RequestContext;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketBase;
import io.vertx.core.http.WebSocketFrame;
import io.vertx.core.http.WebSocketFrameType;
import io.vertx.ext.web.RoutingContext;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Live API: a WebSocket relayed frame by frame between the client and Google, with a pool key
 * in place of the client's credential. The caller was authenticated before the upgrade; the
 * client's first message (the setup, read whole up to LIVE_MAX_MESSAGE_MB) names the model, which
 * {@link LiveConnector} leases a key for and opens the upstream side with. From then on each
 * direction is a back-pressured {@link FramePipe}. A close on either side is passed to the other
 * with its code and reason (any key in the reason masked). A session with no frame either way for
 * TIME_OUT is closed (1011). The usage Google's messages report ({@link LiveUsage}) is charged to
 * the client's managed token and counted in {@code gb_tokens_total} turn by turn, and the session's
 * request-log row, written when it ends, carries its sum.
 */
public final class LiveRelay {
  private static final Logger LOG = LoggerFactory.getLogger(LiveRelay.class);

  private final LiveConnector connector;
  private final int maxMessageBytes;
  private final LongSupplier idleTimeoutMillis;
  private final SecretRedactor redactor;
  private final TokenCharges charges;

  /**
   * @param maxMessageBytes LIVE_MAX_MESSAGE_MB in bytes: the largest frame the servers accept
   *     (a setting read at start) and the largest message relayed
   * @param idleTimeoutMillis TIME_OUT, read per session
   * @param charges where each turn's usage is charged to the client's managed token
   */
  public LiveRelay(LiveConnector connector, int maxMessageBytes, LongSupplier idleTimeoutMillis,
      SecretRedactor redactor, TokenCharges charges) {
    this.connector = connector;
    this.maxMessageBytes = maxMessageBytes;
    this.idleTimeoutMillis = idleTimeoutMillis;
    this.redactor = redactor;
    this.charges = charges;
  }

  public int maxMessageBytes() {
    return maxMessageBytes;
  }

  /** Accepts the upgrade of an authenticated request for the Live endpoint of {@code version}. */
  public void handle(RoutingContext rc, String version, RequestContext ctx) {
    // Only what may go upstream is kept for the session (never the client's credential).
    MultiMap headers = MultiMap.caseInsensitiveMultiMap();
    HeaderPolicy.copyUpstream(rc.request().headers(), headers);
    rc.request().toWebSocket().onComplete(ar -> {
      if (ar.failed()) {
        if (!rc.response().ended() && !rc.response().closed()) {
          Responses.gemini(rc.response(), 400, "The Live API needs a WebSocket upgrade (HTTP/1.1 GET with"
              + " 'Upgrade: websocket').");
        }
        return;
      }
      new Session(ar.result(), LivePath.path(version), headers, ctx).start();
    });
  }

  /** One session; everything runs on the client connection's event loop. */
  private final class Session {
    private final ServerWebSocket client;
    private final String path;
    private final MultiMap headers;
    private final RequestContext ctx;
    private Buffer setup = Buffer.buffer();
    private WebSocketFrameType setupType;
    private IdleWatchdog.Watch watch = IdleWatchdog.Watch.NONE;
    private WebSocket upstream;
    /** The session's row, written when it ends with the usage summed; null before it began. */
    private LiveConnector.SessionLog log;
    private LiveUsage usage;

    Session(ServerWebSocket client, String path, MultiMap headers, RequestContext ctx) {
      this.client = client;
      this.path = path;
      this.headers = headers;
      this.ctx = ctx;
    }

    void start() {
      long timeout = idleTimeoutMillis.getAsLong();
      // The setup must come within TIME_OUT too: an open socket that says nothing holds a connection.
      watch = IdleWatchdog.watch(timeout, () -> closeBoth(LiveClose.INTERNAL_ERROR,
          "No setup message within " + timeout / 1000 + " s (TIME_OUT)"));
      client.exceptionHandler(e -> LOG.debug("request {}: client Live socket: {}", ctx.requestId(), e.toString()));
      client.closeHandler(v -> clientClosed());
      // Its token revoked, disabled or expired: the session ends as a refused one would (1008).
      ctx.cutsWith(why -> closeBoth(LiveClose.POLICY_VIOLATION, why.message()));
      client.frameHandler(this::setupFrame);
      client.resume();
    }

    /** Collects the first message, bounded; pauses the client once it is whole. */
    private void setupFrame(WebSocketFrame frame) {
      switch (frame.type()) {
        case TEXT, BINARY -> {
          if (setupType != null) {
            return;
          }
          setupType = frame.type();
        }
        case CONTINUATION -> {
          if (setupType == null) {
            return;
          }
        }
        default -> {
          return;
        }
      }
      setup.appendBuffer(frame.binaryData());
      if (setup.length() > maxMessageBytes) {
        // Whatever else arrives before the close completes is not collected.
        client.frameHandler(null);
        setup = null;
        closeClient(LiveClose.MESSAGE_TOO_BIG, "Setup message larger than " + maxMessageBytes / (1024 * 1024)
            + " MiB (LIVE_MAX_MESSAGE_MB)");
        return;
      }
      if (frame.isFinal()) {
        client.pause();
        client.frameHandler(null);
        watch.stop();
        begin();
      }
    }

    private void begin() {
      byte[] bytes = setup.getBytes();
      switch (LiveSetup.parse(bytes)) {
        case LiveSetup.Invalid invalid -> closeClient(LiveClose.INVALID_PAYLOAD, invalid.message());
        case LiveSetup.Valid valid -> {
          LiveConnector.LiveCall call = new LiveConnector.LiveCall(path, valid.model(), headers, setup,
              setupType == WebSocketFrameType.TEXT);
          setup = null;
          String model = valid.model();
          connector.connect(call, ctx, this::opened)
              .onComplete(ar -> {
                if (ar.failed()) {
                  closeClient(LiveClose.INTERNAL_ERROR, UnexpectedFailure.logged(ctx, ar.cause()));
                  return;
                }
                switch (ar.result()) {
                  case LiveConnector.Connected connected -> relay(connected, model);
                  case LiveConnector.Failed failed -> closeClient(failed.closeCode(), failed.reason());
                }
              });
        }
      }
    }

    /** An upstream socket is open (an attempt may still fail): close it if the client has left. */
    private void opened(WebSocket socket) {
      upstream = socket;
      if (ctx.clientGone()) {
        socket.close((short) LiveClose.GOING_AWAY, "client closed");
      }
    }

    private void relay(LiveConnector.Connected connected, String model) {
      upstream = connected.socket();
      log = connected.log();
      usage = new LiveUsage(turn -> {
        charges.charge(ctx.client(), turn);
        ctx.meter().tokens(model, turn.prompt(), turn.cached(), turn.output(), turn.thinking());
      });
      if (client.isClosed()) {
        upstream.close((short) LiveClose.GOING_AWAY, "client closed");
        ended();
        return;
      }
      long timeout = idleTimeoutMillis.getAsLong();
      watch = IdleWatchdog.watch(timeout, () -> closeBoth(LiveClose.INTERNAL_ERROR,
          "No frames either way for " + timeout / 1000 + " s (TIME_OUT)"));
      upstream.exceptionHandler(e -> LOG.debug("request {}: upstream Live socket: {}", ctx.requestId(), e.toString()));
      upstream.closeHandler(v -> upstreamClosed());
      Runnable tooBig = () -> closeBoth(LiveClose.MESSAGE_TOO_BIG, "Message larger than "
          + maxMessageBytes / (1024 * 1024) + " MiB (LIVE_MAX_MESSAGE_MB)");
      new FramePipe(client, upstream, maxMessageBytes, watch::touch, tooBig).start();
      new FramePipe(upstream, client, maxMessageBytes, watch::touch, tooBig, usage::serverFrame).start()
          .forward(connected.first());
      upstream.resume();
      client.resume();
    }

    /**
     * The session has ended (either side closed): its row is written once, with the usage of the
     * turns charged until then; frames still in flight are no longer charged.
     */
    private void ended() {
      if (log != null) {
        usage.stop();
        log.ended(usage.sum());
      }
    }

    private void clientClosed() {
      watch.stop();
      ended();
      ctx.clientClosed();
      if (upstream != null && !upstream.isClosed()) {
        upstream.close((short) LiveClose.passOn(code(client), LiveClose.GOING_AWAY), reason(client));
      }
    }

    private void upstreamClosed() {
      watch.stop();
      ended();
      if (!client.isClosed()) {
        client.close((short) LiveClose.passOn(code(upstream), LiveClose.INTERNAL_ERROR), reason(upstream));
      }
    }

    private void closeBoth(int code, String reason) {
      LOG.debug("request {}: Live session closed by the gateway: {} {}", ctx.requestId(), code, reason);
      closeClient(code, reason);
      if (upstream != null && !upstream.isClosed()) {
        upstream.close((short) code, LiveClose.reason(reason));
      }
    }

    private void closeClient(int code, String reason) {
      watch.stop();
      if (!client.isClosed()) {
        client.close((short) code, LiveClose.reason(redactor.redact(reason)));
      }
    }

    private static int code(WebSocketBase socket) {
      Short code = socket.closeStatusCode();
      return code == null ? 1006 : code;
    }

    private String reason(WebSocketBase socket) {
      String reason = socket.closeReason();
      return reason == null ? "" : LiveClose.reason(redactor.redact(reason));
    }
  }
}
