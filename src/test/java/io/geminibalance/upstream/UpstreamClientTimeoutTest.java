package io.geminibalance.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import io.geminibalance.keypool.ApiKey;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.internal.VertxInternal;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * TIME_OUT until the answer's headers: on an event loop through the shared idle sweep, from any
 * other thread through the request's own idle timeout. Either way a silent upstream fails the call
 * with a timeout, and an upstream that answers in time is not cut off.
 */
class UpstreamClientTimeoutTest {
  private Vertx vertx;
  private HttpServer upstream;
  private UpstreamClient client;
  /** Requests the upstream answers at once; the others it never answers. */
  private final AtomicInteger answerFirst = new AtomicInteger();

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    upstream = vertx.createHttpServer().requestHandler(request -> {
      if (answerFirst.getAndDecrement() > 0) {
        request.response().end("{}");
      }
    }).listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
    client = new UpstreamClient(vertx, new UpstreamClient.Settings(
        URI.create("http://127.0.0.1:" + upstream.actualPort() + "/v1beta"), Duration.ofSeconds(1), Map.of()),
        new UpstreamClient.Pool(10, 10, false));
  }

  @AfterEach
  void stop() throws Exception {
    client.close();
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  @Test
  void silentUpstreamTimesOutOnAnEventLoop() throws Exception {
    CompletableFuture<Integer> result = new CompletableFuture<>();
    ((VertxInternal) vertx).createEventLoopContext().runOnContext(v -> send(result));
    Throwable failure = failureWithin(result, 5);
    assertThat(failure).isInstanceOf(TimeoutException.class)
        .hasMessage("no answer from upstream within 1000 ms");
  }

  @Test
  void silentUpstreamTimesOutOffTheEventLoopToo() throws Exception {
    CompletableFuture<Integer> result = new CompletableFuture<>();
    send(result); // from the test thread: no Vert.x context, so no sweep to rely on
    Throwable failure = failureWithin(result, 5);
    assertThat(failure.toString().toLowerCase()).contains("timeout");
  }

  @Test
  void answerInTimeIsNotCutOffAndItsConnectionStaysUsable() throws Exception {
    answerFirst.set(2);
    for (int i = 0; i < 2; i++) {
      CompletableFuture<Integer> result = new CompletableFuture<>();
      ((VertxInternal) vertx).createEventLoopContext().runOnContext(v -> send(result));
      assertThat(result.get(5, TimeUnit.SECONDS)).isEqualTo(200);
    }
    // Past TIME_OUT plus a sweep: a watch left behind would reset nothing, and must not fail anything.
    Thread.sleep(1_500);
    answerFirst.set(1);
    CompletableFuture<Integer> again = new CompletableFuture<>();
    ((VertxInternal) vertx).createEventLoopContext().runOnContext(v -> send(again));
    assertThat(again.get(5, TimeUnit.SECONDS)).isEqualTo(200);
  }

  @Test
  void headerVertxRefusesFailsAtOnceAndFreesTheConnection() throws Exception {
    // One connection, a long TIME_OUT: a request left holding it would block the next for 30 s.
    UpstreamClient single = new UpstreamClient(vertx, new UpstreamClient.Settings(
        URI.create("http://127.0.0.1:" + upstream.actualPort() + "/v1beta"), Duration.ofSeconds(30), Map.of()),
        new UpstreamClient.Pool(1, 1, false));
    try {
      io.vertx.core.Context loop = ((VertxInternal) vertx).createEventLoopContext();
      CompletableFuture<Integer> bad = new CompletableFuture<>();
      loop.runOnContext(v -> send(single, new ApiKey("AIzaBad\r\nx-injected: 1"), bad));
      assertThat(failureWithin(bad, 5)).isInstanceOf(IllegalArgumentException.class);
      answerFirst.set(1);
      CompletableFuture<Integer> good = new CompletableFuture<>();
      loop.runOnContext(v -> send(single, new ApiKey("AIzaTestKey0001"), good));
      assertThat(good.get(5, TimeUnit.SECONDS)).isEqualTo(200);
    } finally {
      single.close();
    }
  }

  private void send(CompletableFuture<Integer> result) {
    send(client, new ApiKey("AIzaTestKey0001"), result);
  }

  private static void send(UpstreamClient client, ApiKey key, CompletableFuture<Integer> result) {
    UpstreamCall call = new UpstreamCall(HttpMethod.POST, "/models/m:generateContent", "",
        MultiMap.caseInsensitiveMultiMap(), Buffer.buffer("{}"), "m", false,
        UpstreamCall.KeyPlacement.GOOG_API_KEY_HEADER, "test");
    client.send(call, key, request -> { })
        .compose(UpstreamClientTimeoutTest::statusAfterBody)
        .onComplete(ar -> {
          if (ar.succeeded()) {
            result.complete(ar.result());
          } else {
            result.completeExceptionally(ar.cause());
          }
        });
  }

  private static Future<Integer> statusAfterBody(HttpClientResponse response) {
    Future<Buffer> body = response.body();
    response.resume();
    return body.map(b -> response.statusCode());
  }

  private static Throwable failureWithin(CompletableFuture<Integer> result, int seconds) throws Exception {
    try {
      Integer status = result.get(seconds, TimeUnit.SECONDS);
      throw new AssertionError("expected a timeout, got status " + status);
    } catch (ExecutionException e) {
      return e.getCause();
    }
  }
}
