package io.geminibalance.testing;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * An image host on 127.0.0.1 (SM.MS, PicGo, ImgBed or OSS alike): records every upload and answers
 * with scripted replies, one per request in order (the last one repeats).
 */
public final class FakeImageHost implements AutoCloseable {

  /** An upload as it arrived. */
  public record Upload(String method, String path, String query, Headers headers, byte[] body) {
    public String header(String name) {
      return headers.getFirst(name);
    }

    public String bodyText() {
      return new String(body, StandardCharsets.ISO_8859_1);
    }
  }

  /** One answer: status, body, after a delay. */
  public record Answer(int status, byte[] body, long delayMillis) {
    public static Answer json(int status, String body) {
      return new Answer(status, body.getBytes(StandardCharsets.UTF_8), 0);
    }
  }

  private final ExecutorService threads = Executors.newFixedThreadPool(8);
  private final Deque<Answer> answers = new ConcurrentLinkedDeque<>();
  private final List<Upload> uploads = Collections.synchronizedList(new ArrayList<>());
  private final HttpServer server = LoopbackServers.start(this::handle, threads);

  private FakeImageHost() {}

  public static FakeImageHost start() {
    return new FakeImageHost();
  }

  /** Answers the next requests with these, in order; the last one answers every later request. */
  public FakeImageHost answer(Answer... next) {
    answers.clear();
    answers.addAll(List.of(next));
    return this;
  }

  public String url(String path) {
    return "http://127.0.0.1:" + server.getAddress().getPort() + path;
  }

  public List<Upload> uploads() {
    synchronized (uploads) {
      return List.copyOf(uploads);
    }
  }

  private void handle(HttpExchange exchange) throws IOException {
    byte[] body = exchange.getRequestBody().readAllBytes();
    uploads.add(new Upload(exchange.getRequestMethod(), exchange.getRequestURI().getRawPath(),
        exchange.getRequestURI().getRawQuery(), exchange.getRequestHeaders(), body));
    Answer answer = answers.size() > 1 ? answers.poll() : answers.peek();
    if (answer == null) {
      answer = Answer.json(500, "{}");
    }
    try {
      if (answer.delayMillis() > 0) {
        Thread.sleep(answer.delayMillis());
      }
      exchange.getResponseHeaders().add("content-type", "application/json");
      exchange.sendResponseHeaders(answer.status(), answer.body().length == 0 ? -1 : answer.body().length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(answer.body());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (IOException e) {
      // the gateway gave up on this answer (timeout, cap): nothing to do
    } finally {
      exchange.close();
    }
  }

  @Override
  public void close() {
    server.stop(0);
    threads.shutdownNow();
  }
}
