package io.geminibalance.testing;

import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * A fake Gemini API: a real HTTP server on an ephemeral port, scripted per test. Rules are
 * checked in the order added; the first that matches (and has uses left) answers. Without a
 * matching rule it answers like a healthy Gemini. Every request is recorded.
 */
public final class FakeGemini implements AutoCloseable {
  private final HttpServer server;
  private final List<Rule> rules = new CopyOnWriteArrayList<>();
  private final List<Recorded> requests = new CopyOnWriteArrayList<>();
  /** Handlers that take a request before its body is read (uploads stream through them). */
  private final Map<String, Handler<HttpServerRequest>> streamed = new ConcurrentHashMap<>();

  private FakeGemini(HttpServer server) {
    this.server = server;
  }

  /** One scripted behaviour. */
  public static final class Rule {
    final Predicate<Recorded> when;
    final Reply reply;
    final AtomicInteger usesLeft;

    Rule(Predicate<Recorded> when, Reply reply, int uses) {
      this.when = when;
      this.reply = reply;
      this.usesLeft = new AtomicInteger(uses);
    }

    boolean take(Recorded request) {
      return when.test(request) && usesLeft.getAndUpdate(n -> n > 0 ? n - 1 : n) > 0;
    }
  }

  public static FakeGemini start(Vertx vertx) {
    FakeGemini[] holder = new FakeGemini[1];
    HttpServer server = vertx.createHttpServer().requestHandler(req -> holder[0].handle(req));
    holder[0] = new FakeGemini(server);
    try {
      server.listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    return holder[0];
  }

  public String baseUrl() {
    return "http://127.0.0.1:" + server.actualPort() + "/v1beta";
  }

  /** Answers matching requests with {@code reply}, always. */
  public FakeGemini on(Predicate<Recorded> when, Reply reply) {
    return on(when, reply, Integer.MAX_VALUE);
  }

  /** Answers the next {@code times} matching requests with {@code reply}. */
  public FakeGemini on(Predicate<Recorded> when, Reply reply, int times) {
    rules.add(new Rule(when, reply, times));
    return this;
  }

  /**
   * Hands requests whose path starts with {@code pathPrefix} to {@code handler} as they arrive,
   * body unread and not recorded here (see {@link FakeUploads}); kept across {@link #reset}.
   */
  public FakeGemini streaming(String pathPrefix, Handler<HttpServerRequest> handler) {
    streamed.put(pathPrefix, handler);
    return this;
  }

  /** This fake's origin, {@code http://127.0.0.1:port}. */
  public String origin() {
    return "http://127.0.0.1:" + server.actualPort();
  }

  public void reset() {
    rules.clear();
    requests.clear();
  }

  public List<Recorded> requests() {
    return new ArrayList<>(requests);
  }

  /** Requests whose path ends with {@code suffix}, e.g. {@code :generateContent}. */
  public List<Recorded> requests(String suffix) {
    return requests.stream().filter(r -> r.path().endsWith(suffix)).toList();
  }

  private void handle(HttpServerRequest req) {
    for (Map.Entry<String, Handler<HttpServerRequest>> entry : streamed.entrySet()) {
      if (req.path().startsWith(entry.getKey())) {
        entry.getValue().handle(req);
        return;
      }
    }
    req.body().onSuccess(body -> {
      Recorded recorded = Recorded.of(req, body);
      requests.add(recorded);
      req.connection().closeHandler(v -> recorded.markClosed());
      req.response().closeHandler(v -> recorded.markClosed());
      Reply reply = rules.stream().filter(r -> r.take(recorded)).map(r -> r.reply).findFirst()
          .orElseGet(() -> Replies.healthyDefault(recorded));
      reply.send(recorded, req.response(), req);
    });
  }

  @Override
  public void close() {
    server.close();
  }

  /** Turns a JSON text into a Buffer; small helper for rules. */
  public static Buffer json(String text) {
    return Buffer.buffer(text);
  }
}
