package io.geminibalance.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import io.geminibalance.keypool.ApiKey;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.VertxInternal;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Each event loop sends over connections of its own, and reuses them. */
class UpstreamClientLoopsTest {
  private Vertx vertx;
  private HttpServer upstream;
  /** The client-side port of the connection each upstream request came on. */
  private final List<Integer> ports = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2));
    upstream = vertx.createHttpServer().requestHandler(request -> {
      ports.add(request.remoteAddress().port());
      request.response().end("{}");
    }).listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  @Test
  void twoEventLoopsUseTwoConnectionsAndEachKeepsItsOwn() throws Exception {
    UpstreamClient client = new UpstreamClient(vertx, new UpstreamClient.Settings(
        URI.create("http://127.0.0.1:" + upstream.actualPort() + "/v1beta"), Duration.ofSeconds(10), Map.of()),
        new UpstreamClient.Pool(10, 10, false));
    // Two fresh event-loop contexts take the two loops in turn (getOrCreateContext would hand this
    // thread the same context twice).
    Context first = ((VertxInternal) vertx).createEventLoopContext();
    Context second = ((VertxInternal) vertx).createEventLoopContext();
    assertThat(((ContextInternal) first).nettyEventLoop()).isNotSameAs(((ContextInternal) second).nettyEventLoop());

    for (int round = 0; round < 3; round++) {
      sendOn(first, client);
      sendOn(second, client);
    }

    assertThat(ports).hasSize(6);
    assertThat(List.of(ports.get(0), ports.get(2), ports.get(4))).as("first loop").containsOnly(ports.get(0));
    assertThat(List.of(ports.get(1), ports.get(3), ports.get(5))).as("second loop").containsOnly(ports.get(1));
    assertThat(ports.get(0)).as("the loops share no connection").isNotEqualTo(ports.get(1));
    client.close();
  }

  /** One call made on {@code context}'s event loop, waited for to the end of its answer. */
  private static void sendOn(Context context, UpstreamClient client) throws Exception {
    CompletableFuture<Integer> status = new CompletableFuture<>();
    context.runOnContext(v -> {
      UpstreamCall call = new UpstreamCall(HttpMethod.POST, "/models/m:generateContent", "",
          MultiMap.caseInsensitiveMultiMap(), Buffer.buffer("{}"), "m", false,
          UpstreamCall.KeyPlacement.GOOG_API_KEY_HEADER, "test");
      client.send(call, new ApiKey("AIzaTestKey0001"), request -> { })
          .compose(response -> {
            Future<Buffer> body = response.body();
            response.resume();
            return body.map(b -> response.statusCode());
          })
          .onComplete(ar -> {
            if (ar.succeeded()) {
              status.complete(ar.result());
            } else {
              status.completeExceptionally(ar.cause());
            }
          });
    });
    assertThat(status.get(10, TimeUnit.SECONDS)).isEqualTo(200);
  }
}
