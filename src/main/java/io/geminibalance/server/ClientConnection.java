package io.geminibalance.server;

import io.geminibalance.protocol.gemini.GeminiErrors;
import io.geminibalance.relay.OpenAiResponses;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http2.Http2Connection;
import io.netty.handler.codec.http2.Http2ConnectionHandler;
import io.netty.util.ReferenceCountUtil;
import io.vertx.core.http.HttpConnection;
import java.nio.charset.StandardCharsets;

/**
 * One client connection as {@link ClientConnections} sees it: what the gateway is waiting for and
 * since when. All of it runs on the connection's event loop (Netty's handler methods, the close
 * listener and the sweep), so the fields need no synchronisation.
 *
 * <p>Phases: {@code HEAD} from accept, or from the first bytes after an idle period, until a
 * request head is complete (CLIENT_HEADER_TIMEOUT_SECONDS); {@code BUSY} while any request is
 * being answered (no timeout here: the body reader has its own, the upstream has TIME_OUT);
 * {@code IDLE} from the end of the last response until the next request's first bytes
 * (CLIENT_IDLE_TIMEOUT_SECONDS); {@code HTTP2} once the connection speaks HTTP/2, idle when it has
 * no open stream; {@code UPGRADED} after a 101 (a WebSocket), never timed. A connection over
 * MAX_CLIENT_CONNECTIONS has {@link ClientConnections#OVER_CAPACITY_HEAD_MILLIS} for its first head
 * (answered 503), not the header timeout.
 *
 * <p>On HTTP/1.x this object is also a handler in the pipeline, between Vert.x's codec and its
 * connection handler, where it sees each request head and each response's end as Netty messages.
 */
final class ClientConnection extends ChannelDuplexHandler {
  private static final int HEAD = 0;
  private static final int BUSY = 1;
  private static final int IDLE = 2;
  private static final int HTTP2 = 3;
  private static final int UPGRADED = 4;

  private final ClientConnections owner;
  private final Channel channel;
  private final boolean overCapacity;
  private int phase = HEAD;
  private long since = System.nanoTime();
  /** Requests whose head arrived and whose response has not ended (more than one when pipelined). */
  private int exchanges;
  /** A decoded message arrived during the current socket read (else it only carried part of a head). */
  private boolean decodedInRead;
  /** Answering 503 to a connection over MAX_CLIENT_CONNECTIONS: whatever else was read is dropped. */
  private boolean refusing;
  private boolean closing;
  private HttpConnection connection;
  private Http2Connection http2;
  /** HTTP/2: when the connection last had no open stream, or -1 while it has some. */
  private long http2IdleSince = -1;
  ClientConnection prev;
  ClientConnection next;

  ClientConnection(ClientConnections owner, Channel channel, boolean overCapacity) {
    this.owner = owner;
    this.channel = channel;
    this.overCapacity = overCapacity;
  }

  /** The sentinel of a loop's circular list. */
  static ClientConnection listHead() {
    ClientConnection head = new ClientConnection(null, null, false);
    head.prev = head;
    head.next = head;
    return head;
  }

  void linkBefore(ClientConnection connection) {
    connection.prev = prev;
    connection.next = this;
    prev.next = connection;
    prev = connection;
  }

  void unlink() {
    if (prev != null) {
      prev.next = next;
      next.prev = prev;
      prev = null;
      next = null;
    }
  }

  /** Vert.x has made the channel an HTTP connection (HTTP/2: once the client's SETTINGS arrived). */
  void established(HttpConnection connection, ChannelPipeline pipeline) {
    this.connection = connection;
    Http2ConnectionHandler h2 = pipeline.get(Http2ConnectionHandler.class);
    if (h2 != null) {
      http2 = h2.connection();
      phase = HTTP2;
      if (overCapacity) {
        // No request to answer in its protocol yet: a GOAWAY, then the connection closes.
        closing = true;
        connection.close();
      }
    } else if (pipeline.get(ClientConnections.HANDLER_NAME) == null) {
      pipeline.addBefore("handler", ClientConnections.HANDLER_NAME, this);
    }
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    decodedInRead = true;
    if (refusing) {
      ReferenceCountUtil.release(msg);
      return;
    }
    if (msg instanceof HttpRequest request) {
      if (overCapacity) {
        refuse(ctx, request);
        return;
      }
      exchanges++;
      if (phase != UPGRADED) {
        phase = BUSY;
      }
    }
    ctx.fireChannelRead(msg);
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    if (!decodedInRead && phase == IDLE) {
      // Bytes of the next request, not yet a whole head: the header timeout starts now.
      phase = HEAD;
      since = System.nanoTime();
    }
    decodedInRead = false;
    ctx.fireChannelReadComplete();
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    if (msg instanceof LastHttpContent) {
      if (msg instanceof HttpResponse response && response.status().code() < 200) {
        if (response.status().code() == 101) {
          phase = UPGRADED;
        }
        // 100 Continue, 103 Early Hints: the exchange goes on.
      } else if (exchanges > 0 && --exchanges == 0 && phase == BUSY) {
        phase = IDLE;
        since = System.nanoTime();
      }
    } else if (msg instanceof HttpResponse response && response.status().code() == 101) {
      phase = UPGRADED;
    }
    if (msg instanceof HttpResponse response && owner.draining && response.status().code() >= 200) {
      // The client is told not to send another request here; the sweep closes the connection
      // once it is idle.
      response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    }
    ctx.write(msg, promise);
  }

  /** Answering something now: a request or a stream, a WebSocket, an HTTP/2 connection with open streams. */
  boolean busy() {
    return switch (phase) {
      case BUSY, UPGRADED -> true;
      case HTTP2 -> http2.numActiveStreams() > 0;
      default -> false;
    };
  }

  /** The end of a shutdown's grace: closed whatever it is doing. */
  void closeNow() {
    closing = true;
    channel.close();
  }

  /** Called by the sweep on this connection's event loop. */
  void check(long now) {
    if (closing) {
      return;
    }
    if (owner.draining && drainStep()) {
      return;
    }
    ClientLimits limits = owner.limits;
    switch (phase) {
      case HEAD -> closeAfter(now, overCapacity ? overCapacityHeadMillis() : limits.headerTimeoutMillis());
      case IDLE -> closeAfter(now, limits.idleTimeoutMillis());
      case HTTP2 -> checkHttp2(now, limits.idleTimeoutMillis());
      default -> { }
    }
  }

  /**
   * While the server drains: an idle keep-alive connection closes now, and so does an HTTP/2
   * connection once it has no open stream (a GOAWAY, then the close). A busy HTTP/2 connection is
   * left alone rather than sent a GOAWAY at once: its streams go on, and a new one is answered 503
   * like any request during the drain. True when the connection is done with.
   */
  private boolean drainStep() {
    boolean idle = switch (phase) {
      case IDLE -> true;
      case HTTP2 -> http2.numActiveStreams() == 0;
      default -> false;
    };
    if (idle) {
      closing = true;
      if (phase == HTTP2) {
        connection.close();
      } else {
        channel.close();
      }
    }
    return idle;
  }

  /** Over the cap, the first head must come within the short grace (or the header timeout, if shorter). */
  private long overCapacityHeadMillis() {
    long header = owner.limits.headerTimeoutMillis();
    return header > 0 ? Math.min(header, owner.overCapacityHeadMillis) : owner.overCapacityHeadMillis;
  }

  private void closeAfter(long now, long timeoutMillis) {
    if (timeoutMillis > 0 && now - since > timeoutMillis * 1_000_000) {
      closing = true;
      channel.close();
    }
  }

  private void checkHttp2(long now, long idleTimeoutMillis) {
    if (http2.numActiveStreams() > 0) {
      http2IdleSince = -1;
    } else if (http2IdleSince == -1) {
      http2IdleSince = now;
    } else if (idleTimeoutMillis > 0 && now - http2IdleSince > idleTimeoutMillis * 1_000_000) {
      closing = true;
      connection.close();
    }
  }

  /**
   * Answers 503 in the caller's protocol (told by the path) to a connection over
   * MAX_CLIENT_CONNECTIONS, then closes it, without Vert.x ever seeing the request.
   */
  private void refuse(ChannelHandlerContext ctx, HttpRequest request) {
    refusing = true;
    String uri = request.uri();
    ReferenceCountUtil.release(request);
    int query = uri.indexOf('?');
    String path = query < 0 ? uri : uri.substring(0, query);
    String message = "Too many connections to this gateway (MAX_CLIENT_CONNECTIONS); retry shortly.";
    String body = Routes.speaksOpenAi(path)
        ? OpenAiResponses.errorBody(message, "server_error", null, "too_many_connections")
        : GeminiErrors.body(503, message);
    FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
        HttpResponseStatus.SERVICE_UNAVAILABLE, Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
    response.headers()
        .set(HttpHeaderNames.CONTENT_TYPE, "application/json; charset=UTF-8")
        .set(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes())
        .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE)
        .set(HttpHeaderNames.RETRY_AFTER, "1");
    closing = true;
    ctx.writeAndFlush(response).addListener(f -> Lingering.close(channel));
  }
}
