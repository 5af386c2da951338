package io.geminibalance.server;

import io.geminibalance.logging.RateLimitedWarning;
import io.netty.channel.Channel;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoop;
import io.netty.util.AttributeKey;
import io.netty.util.concurrent.ScheduledFuture;
import io.vertx.core.Vertx;
import io.vertx.core.http.Http2Settings;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.impl.HttpServerImpl;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.internal.VertxWrapper;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.impl.ConnectionBase;
import io.vertx.core.net.impl.NetServerImpl;
import io.vertx.core.net.impl.NetServerInternal;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every client connection of the gateway's HTTP servers, from accept to close: counted against
 * MAX_CLIENT_CONNECTIONS, and timed while the gateway waits for the client (a request head, the
 * next request on an idle keep-alive connection). While a request is being answered nothing here
 * times out, so a stream or a WebSocket stays open however long its upstream is silent.
 *
 * <p>Vert.x 5 has no hook at accept and no header-read timeout (its idle timeout would also cut a
 * quiet stream), so the servers are created through Vert.x's internal classes: a
 * {@link NetServerImpl} whose {@code initChannel} (its extension point for the pipeline) registers
 * each accepted channel here, before any byte is read; and Vert.x's connection handler, which
 * knows when a channel has become an HTTP/1.x or an HTTP/2 connection. Tests cover each behaviour
 * (ClientConnectionsTest), so a Vert.x upgrade that changes these classes fails them.
 *
 * <p>Cost: per connection, one small object, a counter increment and a list link; per HTTP/1.x
 * request, a handler in the pipeline that sets a few fields when a request head arrives and when
 * its response ends; no timer per connection or request. One periodic sweep per event loop walks
 * that loop's connections and closes those past their deadline.
 */
public final class ClientConnections {
  private static final Logger LOG = LoggerFactory.getLogger(ClientConnections.class);
  private static final AttributeKey<ClientConnection> KEY = AttributeKey.valueOf("gb.clientConnection");
  /** How often each event loop checks its connections: a deadline is noticed within this. */
  static final long SWEEP_MILLIS = 500;
  /**
   * How long a connection over MAX_CLIENT_CONNECTIONS may take to send its first request head
   * (then answered 503 and closed) before it is closed without an answer: long enough for a client
   * that sends its request right after connecting, short enough that idle connections made over
   * the cap do not pile up for the whole header timeout.
   */
  static final long OVER_CAPACITY_HEAD_MILLIS = 1_000;
  /** The pipeline name of the HTTP/1.x exchange tracker, just before Vert.x's own handler. */
  static final String HANDLER_NAME = "gb-client";

  final ClientLimits limits;
  /** {@link #OVER_CAPACITY_HEAD_MILLIS}, longer in a test that needs over-cap connections to stay. */
  final long overCapacityHeadMillis;
  private final AtomicInteger open = new AtomicInteger();
  /** Set once a shutdown drains the server: keep-alive connections close once they are idle. */
  volatile boolean draining;
  private final Map<EventLoop, Sweep> sweeps = new ConcurrentHashMap<>();
  private final RateLimitedWarning overCapacityWarning = new RateLimitedWarning(LOG, Duration.ofMinutes(1));

  public ClientConnections(ClientLimits limits) {
    this(limits, OVER_CAPACITY_HEAD_MILLIS);
  }

  ClientConnections(ClientLimits limits, long overCapacityHeadMillis) {
    this.limits = limits;
    this.overCapacityHeadMillis = overCapacityHeadMillis;
  }

  public ClientLimits limits() {
    return limits;
  }

  /** Client connections open now, across all event loops (including those being refused). */
  public int open() {
    return open.get();
  }

  /**
   * An HTTP server whose connections are all watched here; {@code options} get the HTTP/2 stream
   * cap (SETTINGS_MAX_CONCURRENT_STREAMS). Call from the verticle that will own the server.
   */
  public HttpServer createServer(Vertx vertx, HttpServerOptions options) {
    HttpServerOptions withCap = new HttpServerOptions(options)
        .setInitialSettings(new Http2Settings(options.getInitialSettings())
            .setMaxConcurrentStreams(limits.maxH2Streams()));
    VertxInternal hooked = new VertxWrapper((VertxInternal) vertx) {
      @Override
      public NetServerInternal createNetServer(NetServerOptions netOptions) {
        return new NetServerImpl(delegate, netOptions.copy()) {
          @Override
          protected void initChannel(ChannelPipeline pipeline, boolean ssl) {
            super.initChannel(pipeline, ssl);
            accepted(pipeline.channel());
          }
        };
      }
    };
    return new HttpServerImpl(hooked, withCap).connectionHandler(this::established);
  }

  /**
   * A channel was accepted; runs on its event loop before any byte is read. Over the cap, the
   * connection is only kept to answer its first request with 503, and only for
   * {@link #OVER_CAPACITY_HEAD_MILLIS} ({@link ClientConnection#check}); past the cap plus
   * {@link #refusalMargin}, it is closed at once, so that a flood of idle connections holds at most
   * that many sockets beyond the cap, whatever the header timeout.
   */
  private void accepted(Channel channel) {
    int count = open.incrementAndGet();
    boolean overCapacity = count > limits.maxConnections();
    if (overCapacity) {
      warnOverCapacity();
      if (count > limits.maxConnections() + refusalMargin(limits.maxConnections())) {
        channel.closeFuture().addListener(f -> open.decrementAndGet());
        channel.config().setAutoRead(false);
        // After Vert.x has finished setting the channel up (this runs in the middle of it).
        channel.eventLoop().execute(channel::close);
        return;
      }
    }
    ClientConnection connection = new ClientConnection(this, channel, overCapacity);
    channel.attr(KEY).set(connection);
    Sweep sweep = sweeps.computeIfAbsent(channel.eventLoop(), Sweep::new);
    sweep.add(connection);
    channel.closeFuture().addListener(f -> {
      open.decrementAndGet();
      sweep.remove(connection);
    });
  }

  /**
   * How many connections beyond MAX_CLIENT_CONNECTIONS are kept (briefly) to be answered 503
   * rather than closed without a word: a tenth of the cap, at least 16.
   */
  static int refusalMargin(int maxConnections) {
    return Math.max(16, maxConnections / 10);
  }

  /**
   * Starts draining: from now on every HTTP/1.x answer says {@code Connection: close}, and a
   * connection (HTTP/2 too) closes as soon as it has nothing in progress, now for the idle ones.
   */
  public void drain() {
    draining = true;
    sweeps.values().forEach(sweep -> sweep.loop.execute(sweep::run));
  }

  /**
   * How many connections are answering something now (a request, a stream, a WebSocket), counted
   * on each connection's own event loop.
   */
  public Future<Integer> busy() {
    return onEveryLoop(Sweep::busy).map(counts -> counts.stream().mapToInt(Integer::intValue).sum());
  }

  /**
   * Closes every connection now, whatever it is doing (the end of the shutdown's grace); completes
   * once each event loop has handled the closes, so that what a request does when its client goes
   * (its close handler, the log row of a stream cut short) has been done before the logs are
   * flushed.
   */
  public Future<Void> closeAll() {
    return onEveryLoop(Sweep::closeAll).compose(closed -> settled(SETTLE_ROUNDS)).mapEmpty();
  }

  /**
   * A close reaches a request in steps, each a task queued on the connection's event loop by the
   * one before (Netty's channel inactive, Vert.x's connection and stream close, the response's close
   * handler, the relay's completion): a round of tasks queued on every loop after them runs once
   * each step has; this many rounds cover the steps with room to spare.
   */
  static final int SETTLE_ROUNDS = 8;

  private Future<Void> settled(int rounds) {
    if (rounds == 0) {
      return Future.succeededFuture();
    }
    return onEveryLoop(sweep -> 0).compose(done -> settled(rounds - 1));
  }

  private Future<List<Integer>> onEveryLoop(java.util.function.ToIntFunction<Sweep> task) {
    List<Future<Integer>> results = new ArrayList<>();
    for (Sweep sweep : sweeps.values()) {
      Promise<Integer> done = Promise.promise();
      // Queued after whatever the loop already has to do, closes included.
      sweep.loop.execute(() -> done.complete(task.applyAsInt(sweep)));
      results.add(done.future());
    }
    return Future.all(results).map(all -> all.<Integer>list());
  }

  /** Vert.x made the channel an HTTP/1.x or HTTP/2 connection. */
  private void established(HttpConnection connection) {
    if (!(connection instanceof ConnectionBase base)) {
      return;
    }
    ClientConnection client = base.channel().attr(KEY).get();
    if (client != null) {
      client.established(connection, base.channel().pipeline());
    }
  }

  private void warnOverCapacity() {
    overCapacityWarning.warn("MAX_CLIENT_CONNECTIONS ({}) reached: new connections are answered 503 and"
        + " closed (this warning repeats at most once a minute)", limits.maxConnections());
  }

  /**
   * The connections of one event loop, in a list only that loop touches (no lock), and the
   * periodic check that runs there while the list is not empty.
   */
  private final class Sweep {
    private final EventLoop loop;
    private final ClientConnection head = ClientConnection.listHead();
    private ScheduledFuture<?> task;

    Sweep(EventLoop loop) {
      this.loop = loop;
    }

    void add(ClientConnection connection) {
      head.linkBefore(connection);
      if (task == null) {
        task = loop.scheduleAtFixedRate(this::run, SWEEP_MILLIS, SWEEP_MILLIS, TimeUnit.MILLISECONDS);
      }
    }

    void remove(ClientConnection connection) {
      connection.unlink();
    }

    int busy() {
      int count = 0;
      for (ClientConnection c = head.next; c != head; c = c.next) {
        if (c.busy()) {
          count++;
        }
      }
      return count;
    }

    int closeAll() {
      int count = 0;
      ClientConnection c = head.next;
      while (c != head) {
        // Closing unlinks the connection from this list (its close listener): step first.
        ClientConnection next = c.next;
        c.closeNow();
        count++;
        c = next;
      }
      return count;
    }

    private void run() {
      long now = System.nanoTime();
      ClientConnection c = head.next;
      while (c != head) {
        ClientConnection next = c.next;
        c.check(now);
        c = next;
      }
      if (head.next == head && task != null) {
        task.cancel(false);
        task = null;
      }
    }
  }
}
