package io.geminibalance.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.geminibalance.config.ConfigValues;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Vert.x delivers a request's body as it arrives, and vertx-web's router does not pause it: bytes
 * that arrive while an earlier handler is still deciding (authentication that takes a moment) are
 * lost. {@link Intake} pauses the request, so the body reader gets the whole body whenever it runs.
 */
class IntakeTest {
  private static final String BODY = "{\"contents\":[{\"parts\":[{\"text\":\"hello\"}]}]}";
  private Vertx vertx;
  private HttpServer server;
  private final HttpClient jdk = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    Router router = Router.router(vertx);
    EdgePolicy policy = EdgePolicy.from(new ConfigValues(Map.of()));
    // A handler that decides after 300 ms, as an asynchronous check would.
    Handler<RoutingContext> later = rc -> vertx.setTimer(300, t -> rc.next());
    Handler<RoutingContext> echo = rc -> rc.response().end("got " + rc.body().length());
    router.post("/paused").handler(Intake.admin(() -> policy)).handler(later).handler(new RequestBody(10_000))
        .handler(echo);
    router.post("/not-paused").handler(later).handler(new RequestBody(10_000)).handler(echo);
    server = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  private HttpRequest post(String path) {
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.actualPort() + path))
        .timeout(Duration.ofSeconds(3)).POST(HttpRequest.BodyPublishers.ofString(BODY)).build();
  }

  @Test
  void pausedRequestKeepsItsBodyForAReaderThatComesLater() throws Exception {
    HttpResponse<String> r = jdk.send(post("/paused"), HttpResponse.BodyHandlers.ofString());
    assertThat(r.body()).isEqualTo("got " + BODY.length());
  }

  /** The control: without the pause the body (and its end) went by before the reader came. */
  @Test
  void withoutThePauseTheBodyIsLost() throws Exception {
    String outcome;
    try {
      outcome = jdk.send(post("/not-paused"), HttpResponse.BodyHandlers.ofString()).body();
    } catch (HttpTimeoutException e) {
      outcome = "no answer";
    }
    assertThat(outcome).isNotEqualTo("got " + BODY.length());
  }
}
