package io.geminibalance.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A web server on 127.0.0.1 for image downloads: serves scripted bodies per path, with or without
 * Content-Length, after an optional delay, and counts requests and how many were in progress at
 * once. Each request runs on its own thread, so slow answers overlap as they would on the web.
 */
public final class ImageHost implements AutoCloseable {
  /** A 1x1 PNG. */
  public static final byte[] PNG = java.util.Base64.getDecoder().decode(
      "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==");

  private record Item(byte[] body, String contentType, boolean chunked, long delayMillis) {}

  private final HttpServer server;
  private final ExecutorService threads = Executors.newFixedThreadPool(64);
  private final Map<String, Item> items = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> hits = new ConcurrentHashMap<>();
  private final AtomicInteger inProgress = new AtomicInteger();
  private final AtomicInteger maxInProgress = new AtomicInteger();
  private volatile CountDownLatch gate;

  private ImageHost(HttpServer server) {
    this.server = server;
  }

  public static ImageHost start() {
    try {
      HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
      ImageHost host = new ImageHost(server);
      server.setExecutor(host.threads);
      server.createContext("/", host::handle);
      server.start();
      return host;
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Serves {@code body} at {@code path}; {@code chunked} leaves out Content-Length. */
  public ImageHost serve(String path, byte[] body, String contentType, boolean chunked, long delayMillis) {
    items.put(path, new Item(body, contentType, chunked, delayMillis));
    return this;
  }

  public String url(String path) {
    return "http://127.0.0.1:" + server.getAddress().getPort() + path;
  }

  public int hits(String path) {
    AtomicInteger count = hits.get(path);
    return count == null ? 0 : count.get();
  }

  public int totalHits() {
    return hits.values().stream().mapToInt(AtomicInteger::get).sum();
  }

  /** From now on every request waits (up to 30 s) until {@link #open()}. */
  public ImageHost hold() {
    gate = new CountDownLatch(1);
    return this;
  }

  /** Lets held requests and all later ones through. */
  public void open() {
    CountDownLatch held = gate;
    gate = null;
    if (held != null) {
      held.countDown();
    }
  }

  /** Requests being answered now. */
  public int inProgress() {
    return inProgress.get();
  }

  /** The most requests that were being answered at the same time. */
  public int maxInProgress() {
    return maxInProgress.get();
  }

  private void handle(HttpExchange exchange) throws IOException {
    String path = exchange.getRequestURI().getPath();
    hits.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
    maxInProgress.accumulateAndGet(inProgress.incrementAndGet(), Math::max);
    try (exchange) {
      Item item = items.get(path);
      if (item == null) {
        exchange.sendResponseHeaders(404, -1);
        return;
      }
      CountDownLatch held = gate;
      if (held != null) {
        held.await(30, TimeUnit.SECONDS);
      }
      if (item.delayMillis() > 0) {
        Thread.sleep(item.delayMillis());
      }
      if (item.contentType() != null) {
        exchange.getResponseHeaders().add("content-type", item.contentType());
      }
      exchange.sendResponseHeaders(200, item.chunked() ? 0 : item.body().length);
      OutputStream out = exchange.getResponseBody();
      for (int at = 0; at < item.body().length; at += 64 * 1024) {
        out.write(item.body(), at, Math.min(64 * 1024, item.body().length - at));
      }
    } catch (IOException | InterruptedException e) {
      // the gateway gave up on this download (a cap): that is what some tests want
    } finally {
      inProgress.decrementAndGet();
    }
  }

  @Override
  public void close() {
    open();
    server.stop(0);
    threads.shutdownNow();
  }
}
