package io.geminibalance.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.RequestOptions;
import io.vertx.ext.web.Router;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The data plane's body reader: whole bodies to the next handler, 413 over the limit, 408 when the client stops. */
class RequestBodyTest {
  private static final int LIMIT = 1000;
  private Vertx vertx;
  private HttpServer server;
  private HttpClient client;
  private final java.net.http.HttpClient jdk = java.net.http.HttpClient.newHttpClient();

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    Router router = Router.router(vertx);
    // Echoes what the next handler got as the body.
    router.route("/echo").handler(new RequestBody(LIMIT))
        .handler(rc -> rc.response().end("got " + rc.body().length() + ": " + rc.body().asString()));
    router.route("/watched").handler(new RequestBody(() -> LIMIT, 500, 0))
        .handler(rc -> rc.response().end("got " + rc.body().length() + ": " + rc.body().asString()));
    router.errorHandler(413, rc -> rc.response().setStatusCode(413).end("too large"));
    router.errorHandler(408, rc -> rc.response().setStatusCode(408).end("timed out"));
    router.errorHandler(417, rc -> rc.response().setStatusCode(417).end("expectation failed"));
    server = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
    client = vertx.createHttpClient();
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  private URI uri() {
    return URI.create("http://127.0.0.1:" + server.actualPort() + "/echo");
  }

  @Test
  void oneChunkBodyReachesTheNextHandler() throws Exception {
    HttpResponse<String> r = jdk.send(HttpRequest.newBuilder(uri())
        .POST(HttpRequest.BodyPublishers.ofString("{\"a\":1}")).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).isEqualTo("got 7: {\"a\":1}");
  }

  @Test
  void bodyWithoutBytesIsEmpty() throws Exception {
    HttpResponse<String> r = jdk.send(HttpRequest.newBuilder(uri()).GET().build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).isEqualTo("got 0: ");
  }

  @Test
  void chunksSentApartAreJoinedInOrder() throws Exception {
    assertThat(sendChunked("alpha-", "beta-", "gamma")).isEqualTo("200 got 16: alpha-beta-gamma");
  }

  @Test
  void declaredLengthOverTheLimitIs413BeforeReading() throws Exception {
    HttpResponse<String> r = jdk.send(HttpRequest.newBuilder(uri())
        .POST(HttpRequest.BodyPublishers.ofString("x".repeat(LIMIT + 1))).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(413);
  }

  @Test
  void bodyAtTheLimitPasses() throws Exception {
    HttpResponse<String> r = jdk.send(HttpRequest.newBuilder(uri())
        .POST(HttpRequest.BodyPublishers.ofString("x".repeat(LIMIT))).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).startsWith("got " + LIMIT + ": xxx");
  }

  @Test
  void chunkedBodyPassingTheLimitIs413() throws Exception {
    String half = "y".repeat(LIMIT / 2 + 1);
    assertThat(sendChunked(half, half)).isEqualTo("413 too large");
  }

  @Test
  void expectContinueGetsTheGoAhead() throws Exception {
    HttpResponse<String> r = jdk.send(HttpRequest.newBuilder(uri()).expectContinue(true)
        .version(java.net.http.HttpClient.Version.HTTP_1_1)
        .POST(HttpRequest.BodyPublishers.ofString("hello")).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).isEqualTo("got 5: hello");
  }

  @Test
  void expectationOtherThanContinueIs417() throws Exception {
    assertThat(raw("POST /echo HTTP/1.1\r\nHost: x\r\nExpect: something-else\r\nContent-Length: 2\r\n\r\nhi"))
        .startsWith("HTTP/1.1 417");
  }

  /** Vert.x closes such a connection itself; what matters is that nothing waits for an end. */
  @Test
  void malformedChunkedBodyEndsTheExchangeAtOnce() throws Exception {
    String first = raw("POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nhi\r\nZZ\r\n");
    assertThat(first == null || first.startsWith("HTTP/1.1 400")).as("closed or 400, got: " + first).isTrue();
  }

  /** A client that stops sending for longer than the body timeout: 408, without waiting for ever. */
  @Test
  void bodyThatStopsLongerThanTheIdleTimeoutIs408() throws Exception {
    assertThat(raw("POST /watched HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nhalf"))
        .startsWith("HTTP/1.1 408");
  }

  @Test
  void pausesShorterThanTheIdleTimeoutAreFine() throws Exception {
    assertThat(sendChunked("/watched", 200, "alpha-", "beta-", "gamma", "-delta"))
        .isEqualTo("200 got 22: alpha-beta-gamma-delta");
  }

  @Test
  void theTimeoutIsBetweenBytesNotForTheWholeBody() throws Exception {
    // 8 pieces 300 ms apart: 2.1 s in all, longer than the 500 ms timeout, never 500 ms without a byte.
    assertThat(sendChunked("/watched", 300, "a", "b", "c", "d", "e", "f", "g", "h"))
        .isEqualTo("200 got 8: abcdefgh");
  }

  /** Writes {@code request} on a plain socket; returns the answer's first line (null: closed). */
  private String raw(String request) throws Exception {
    try (java.net.Socket socket = new java.net.Socket("127.0.0.1", server.actualPort())) {
      socket.setSoTimeout(5_000);
      socket.getOutputStream().write(request.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
      socket.getOutputStream().flush();
      return new java.io.BufferedReader(new java.io.InputStreamReader(socket.getInputStream(),
          java.nio.charset.StandardCharsets.ISO_8859_1)).readLine();
    }
  }

  /** Sends each part as its own chunk, 50 ms apart; returns "status body". */
  private String sendChunked(String... parts) throws Exception {
    return sendChunked("/echo", 50, parts);
  }

  private String sendChunked(String path, long gapMillis, String... parts) throws Exception {
    return client.request(new RequestOptions().setMethod(HttpMethod.POST)
            .setAbsoluteURI(uri().resolve(path).toString()))
        .compose(request -> {
          request.setChunked(true);
          writeParts(request, parts, 0, gapMillis);
          return request.response();
        })
        .compose(response -> response.body().map(body -> response.statusCode() + " " + body))
        .await(10, TimeUnit.SECONDS);
  }

  private void writeParts(HttpClientRequest request, String[] parts, int next, long gapMillis) {
    if (next == parts.length) {
      request.end();
      return;
    }
    request.write(Buffer.buffer(parts[next]));
    vertx.setTimer(gapMillis, t -> writeParts(request, parts, next + 1, gapMillis));
  }
}
