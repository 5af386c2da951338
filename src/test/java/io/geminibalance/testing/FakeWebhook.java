package io.geminibalance.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * An incoming webhook on 127.0.0.1 (the JDK's HTTP server, a real socket) for the alert tests:
 * records every POST's path and body, answers 200 unless told otherwise for the next requests
 * ({@link #answer}: a status, or {@link #HANG} to keep the request open until {@link #close}).
 */
public final class FakeWebhook implements AutoCloseable {
  /** An answer that never comes: the request stays open until the webhook closes. */
  public static final int HANG = -1;

  /** One POST received. */
  public record Post(String path, String query, String contentType, String body, long atMillis) {}

  private final HttpServer server;
  private final ExecutorService threads = Executors.newCachedThreadPool();
  private final ConcurrentLinkedDeque<Integer> script = new ConcurrentLinkedDeque<>();
  private final List<Post> posts = new CopyOnWriteArrayList<>();
  private final CountDownLatch closed = new CountDownLatch(1);

  private FakeWebhook() {
    this.server = LoopbackServers.start(this::handle, threads);
  }

  public static FakeWebhook start() {
    return new FakeWebhook();
  }

  /** The URL to set as ALERT_WEBHOOK_URL; {@code pathAndQuery} e.g. {@code /hooks/T1?token=...}. */
  public String url(String pathAndQuery) {
    return "http://127.0.0.1:" + server.getAddress().getPort() + pathAndQuery;
  }

  /** Answers the next requests with these statuses (or {@link #HANG}), in order; then 200 again. */
  public FakeWebhook answer(int... statuses) {
    for (int status : statuses) {
      script.add(status);
    }
    return this;
  }

  public List<Post> posts() {
    return new ArrayList<>(posts);
  }

  /** Waits (bounded) until at least {@code count} POSTs arrived; returns them all. */
  public List<Post> await(int count, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (posts.size() < count && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    return posts();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      posts.add(new Post(exchange.getRequestURI().getRawPath(), exchange.getRequestURI().getRawQuery(),
          exchange.getRequestHeaders().getFirst("content-type"), body, System.currentTimeMillis()));
      Integer scripted = script.poll();
      int status = scripted == null ? 200 : scripted;
      if (status == HANG) {
        try {
          closed.await(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        return;
      }
      byte[] answer = "ok".getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(status, answer.length);
      exchange.getResponseBody().write(answer);
    }
  }

  @Override
  public void close() {
    closed.countDown();
    server.stop(0);
    threads.shutdownNow();
  }
}
