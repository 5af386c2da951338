package io.geminibalance.server;

import static io.geminibalance.testing.GatewayHarness.CLIENT_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

import io.geminibalance.testing.AdminLogin;
import io.geminibalance.testing.GatewayHarness;
import io.geminibalance.testing.RawHttp;
import io.geminibalance.testing.Replies;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.StreamResetException;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A caller without a valid credential is answered 401 from its headers alone, and an
 * authenticated caller asking for a path its surface refuses 400 or 404 from its path alone: a
 * 60 MB body is neither read nor waited for, and the connection is closed instead of drained.
 * Before, the whole body was read (up to the 64 MiB cap) and only then answered.
 */
class AuthBeforeBodyTest {
  private static final long BODY = 60_000_000;
  private static final String SSE = "/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse";
  @RegisterExtension
  static final GatewayHarness h = GatewayHarness.start();

  @Test
  void nativeCallWithoutKeyIsRefusedBeforeItsBody() throws Exception {
    Outcome o = sendBigBody("POST", "/v1beta/models/gemini-2.5-flash:generateContent", "");
    assertThat(o.answer.body()).contains("\"code\":401").contains("\"status\":\"UNAUTHENTICATED\"");
    o.assertRefusedEarly();
  }

  @Test
  void nativeCallWithWrongKeyIsRefusedBeforeItsBody() throws Exception {
    Outcome o = sendBigBody("POST", "/gemini/v1beta/models/gemini-2.5-flash:generateContent",
        "x-goog-api-key: not-a-token\r\n");
    assertThat(o.answer.body()).contains("API key not valid");
    o.assertRefusedEarly();
  }

  @Test
  void openAiCallWithoutTokenIsRefusedBeforeItsBody() throws Exception {
    Outcome o = sendBigBody("POST", "/v1/chat/completions", "");
    assertThat(o.answer.body()).contains("\"type\":\"invalid_request_error\"").contains("\"code\":\"invalid_api_key\"");
    o.assertRefusedEarly();
  }

  @Test
  void compatCallWithWrongTokenIsRefusedBeforeItsBody() throws Exception {
    Outcome o = sendBigBody("POST", "/openai/v1/chat/completions", "Authorization: Bearer wrong\r\n");
    assertThat(o.answer.body()).contains("Incorrect API key provided");
    o.assertRefusedEarly();
  }

  @Test
  void anthropicCallWithoutKeyIsRefusedBeforeItsBody() throws Exception {
    Outcome o = sendBigBody("POST", "/v1/messages", "anthropic-version: 2023-06-01\r\n");
    assertThat(o.answer.body()).contains("\"type\":\"error\"").contains("\"authentication_error\"");
    o.assertRefusedEarly();
  }

  @Test
  void anthropicCallWithWrongKeyIsRefusedBeforeItsBody() throws Exception {
    Outcome o = sendBigBody("POST", "/anthropic/v1/messages/count_tokens", "x-api-key: wrong-key\r\n");
    assertThat(o.answer.body()).contains("\"authentication_error\"").doesNotContain("wrong-key");
    o.assertRefusedEarly();
  }

  @Test
  void adminCallWithoutTokenIsRefusedBeforeItsBody() throws Exception {
    Outcome o = sendBigBody("PUT", "/api/config", "");
    assertThat(o.answer.body()).contains("admin token");
    o.assertRefusedEarly();
  }

  /** gemini-balance's key-maintenance endpoints need the admin credential, checked as early. */
  @Test
  void keyMaintenanceCallWithoutAdminTokenIsRefusedBeforeItsBody() throws Exception {
    Outcome anonymous = sendBigBody("POST", "/gemini/v1beta/verify-selected-keys", "");
    assertThat(anonymous.answer.body()).contains("admin token");
    anonymous.assertRefusedEarly();
    Outcome client = sendBigBody("POST", "/gemini/v1beta/reset-selected-fail-counts",
        "Authorization: Bearer " + CLIENT_TOKEN + "\r\n");
    assertThat(client.answer.body()).contains("admin token");
    client.assertRefusedEarly();
  }

  /** The admin pages' session: without its CSRF token, or with an ended session, refused as early. */
  @Test
  void adminCallWithSessionCookieButNoCsrfTokenIsRefusedBeforeItsBody() throws Exception {
    AdminLogin session = AdminLogin.of(h);
    Outcome o = sendBigBody("PUT", "/api/config", "Cookie: " + session.cookie() + "\r\n");
    assertThat(o.answer.body()).contains("X-CSRF-Token missing");
    o.assertRefusedEarly(403);

    Outcome ended = sendBigBody("PUT", "/api/config", "Cookie: gb_session=" + "A".repeat(43) + "\r\n"
        + "X-CSRF-Token: " + session.csrfToken() + "\r\n");
    assertThat(ended.answer.body()).contains("Admin session expired or ended");
    ended.assertRefusedEarly(401);
  }

  @Test
  void aLoginLargerThanATokenIsRefusedBeforeItsBody() throws Exception {
    Outcome o = sendBigBody("POST", "/api/session", "");
    assertThat(o.answer.body()).contains("Login body larger than 4096 bytes");
    o.assertRefusedEarly(413);
  }

  /** A client token is not the admin token: refused as early. */
  @Test
  void adminCallWithClientTokenIsRefusedBeforeItsBody() throws Exception {
    Outcome o = sendBigBody("PUT", "/api/config", "Authorization: Bearer " + CLIENT_TOKEN + "\r\n");
    o.assertRefusedEarly();
  }

  /**
   * An authenticated caller asking for a path its surface refuses is answered from the path alone,
   * like a caller without a credential: the relays used to parse the path after the body was read.
   */
  @ParameterizedTest(name = "{0} {1}")
  @CsvSource(delimiter = '|', textBlock = """
      /v1beta/files                                       | 404 | NOT_FOUND        | x-goog-api-key: %s
      /v1beta/models/../files                             | 400 | INVALID_ARGUMENT | x-goog-api-key: %s
      /gemini/v1beta/models/gemini-2.5-flash:deleteModel  | 404 | NOT_FOUND        | x-goog-api-key: %s
      /v1beta/models/a%2Fb:generateContent                 | 400 | INVALID_ARGUMENT | x-goog-api-key: %s
      /v1/fine_tuning/jobs                                | 404 | unknown_url      | Authorization: Bearer %s
      /v1/files                                           | 404 | NOT_FOUND        | Authorization: Bearer %s
      /hf/v1/assistants                                   | 404 | unknown_url      | Authorization: Bearer %s
      /openai/v1/files                                    | 404 | unknown_url      | Authorization: Bearer %s
      /openai/v1/chat/completions/../../files             | 400 | invalid_path     | Authorization: Bearer %s
      """)
  void authenticatedCallToARefusedPathIsAnsweredBeforeItsBody(String path, int status, String reason, String auth)
      throws Exception {
    int upstreamBefore = h.fake.requests().size();
    Outcome o = sendBigBody("POST", path, auth.formatted(CLIENT_TOKEN) + "\r\n");
    assertThat(o.answer.body()).as(path).contains(reason);
    o.assertRefusedEarly(status);
    assertThat(h.fake.requests()).as("nothing went upstream").hasSize(upstreamBefore);
  }

  /** Without a body, a refused request keeps its keep-alive connection: nothing is left unread. */
  @Test
  void refusalWithoutBodyKeepsTheConnection() throws Exception {
    try (RawHttp c = RawHttp.open(h.gateway.port())) {
      c.send("GET /v1beta/models HTTP/1.1\r\nHost: x\r\n\r\n");
      RawHttp.Answer first = c.read();
      assertThat(first.status()).isEqualTo(401);
      assertThat(first.header("connection")).isNull();
      c.send("GET /v1beta/models HTTP/1.1\r\nHost: x\r\nx-goog-api-key: " + CLIENT_TOKEN + "\r\n\r\n");
      assertThat(c.read().status()).isEqualTo(200);
    }
  }

  /** The credential's checks come first; an authenticated caller's body is read as before. */
  @Test
  void authenticatedBodyIsStillReadWhole() throws Exception {
    String body = "{\"contents\":[{\"parts\":[{\"text\":\"" + "x".repeat(200_000) + "\"}]}]}";
    try (RawHttp c = RawHttp.open(h.gateway.port())) {
      c.send("POST /v1beta/models/gemini-2.5-flash:generateContent HTTP/1.1\r\nHost: x\r\nx-goog-api-key: "
          + CLIENT_TOKEN + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length() + "\r\n\r\n");
      Thread.sleep(200);
      c.send(body);
      assertThat(c.read().status()).isEqualTo(200);
    }
    var upstream = h.fake.requests(":generateContent");
    assertThat(upstream.get(upstream.size() - 1).bodyText()).hasSize(body.length());
  }

  /**
   * HTTP/2: the refused request's stream is reset once the answer is out, and only that stream:
   * a stream in progress on the same connection runs to its end and the connection takes more.
   */
  @Test
  void http2RefusalResetsOnlyItsOwnStream() throws Exception {
    h.fake.on(r -> r.pathEndsWith(":streamGenerateContent"), Replies.sse(List.of(Replies.chunk("a"),
        Replies.chunk("b"), Replies.finalChunk("c")), 700), 1);
    HttpClient client = h.vertx.createHttpClient(new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_2)
        .setHttp2ClearTextUpgrade(false));
    try {
      HttpClientRequest streamRequest = client.request(new RequestOptions().setMethod(HttpMethod.POST)
          .setAbsoluteURI(h.url(SSE)).putHeader("x-goog-api-key", CLIENT_TOKEN)).await(10, TimeUnit.SECONDS);
      Future<String> stream = streamRequest.send("{}").compose(res -> res.body()).map(Buffer::toString);

      HttpClientRequest refused = client.request(new RequestOptions().setMethod(HttpMethod.POST)
          .setAbsoluteURI(h.url("/v1beta/models/gemini-2.5-flash:generateContent"))).await(10, TimeUnit.SECONDS);
      CompletableFuture<Long> reset = new CompletableFuture<>();
      refused.exceptionHandler(e -> {
        if (e instanceof StreamResetException r) {
          reset.complete(r.getCode());
        }
      });
      refused.setChunked(true);
      AtomicLong sent = new AtomicLong();
      writeUntilStopped(refused, sent, reset);
      String answer = refused.response().compose(res -> res.body().map(b -> res.statusCode() + " " + b))
          .await(10, TimeUnit.SECONDS);
      assertThat(answer).startsWith("401 ").contains("UNAUTHENTICATED");
      assertThat(reset.get(10, TimeUnit.SECONDS)).as("RST_STREAM NO_ERROR").isZero();
      assertThat(sent.get()).isLessThan(BODY);

      assertThat(stream.await(20, TimeUnit.SECONDS)).endsWith("data: " + Replies.finalChunk("c") + "\r\n\r\n");
      assertThat(refused.connection()).isSameAs(streamRequest.connection());
      HttpClientRequest after = client.request(new RequestOptions().setMethod(HttpMethod.GET)
          .setAbsoluteURI(h.url("/v1beta/models")).putHeader("x-goog-api-key", CLIENT_TOKEN)).await(10, TimeUnit.SECONDS);
      assertThat(after.send().await(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
      assertThat(after.connection()).as("the same connection goes on").isSameAs(streamRequest.connection());
    } finally {
      client.close().await(10, TimeUnit.SECONDS);
    }
  }

  /** Writes 16 KiB pieces as the stream's window allows, until it is reset or 60 MB went out. */
  private static void writeUntilStopped(HttpClientRequest request, AtomicLong sent, CompletableFuture<Long> reset) {
    Buffer piece = Buffer.buffer(new byte[16 * 1024]);
    h.vertx.setPeriodic(5, id -> {
      if (reset.isDone() || sent.get() >= BODY) {
        h.vertx.cancelTimer(id);
        return;
      }
      if (!request.writeQueueFull()) {
        request.write(piece).onSuccess(v -> sent.addAndGet(piece.length()));
      }
    });
  }

  private record Outcome(RawHttp.Answer answer, long sentWhenAnswered, long sentInAll, boolean finishedSending,
      boolean closed) {
    void assertRefusedEarly() {
      assertRefusedEarly(401);
    }

    void assertRefusedEarly(int status) {
      assertThat(answer.status()).isEqualTo(status);
      assertThat(answer.header("content-type")).startsWith("application/json");
      assertThat(answer.header("connection")).as("says it closes").isEqualTo("close");
      assertThat(sentWhenAnswered).as("answered before the body was sent").isLessThan(BODY);
      assertThat(closed).as("connection closed after the answer").isTrue();
      assertThat(finishedSending).as("the client could not send the whole body").isFalse();
      // What the client got into the socket before the close: the kernel buffers on both sides
      // (a few MB on loopback) plus the little the gateway read before pausing.
      assertThat(sentInAll).isLessThan(8_000_000);
    }
  }

  /** Sends a head declaring 60 MB, then body bytes as fast as the connection takes them. */
  private static Outcome sendBigBody(String method, String path, String headers) throws Exception {
    try (RawHttp c = RawHttp.open(h.gateway.port())) {
      c.send(method + " " + path + " HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n" + headers
          + "Content-Length: " + BODY + "\r\n\r\n");
      AtomicLong sent = new AtomicLong();
      AtomicBoolean finished = new AtomicBoolean();
      Thread writer = Thread.ofPlatform().daemon().start(() -> {
        byte[] chunk = new byte[64 * 1024];
        try {
          while (sent.get() < BODY) {
            int n = (int) Math.min(chunk.length, BODY - sent.get());
            c.out.write(chunk, 0, n);
            sent.addAndGet(n);
          }
          finished.set(true);
        } catch (IOException e) {
          // The gateway closed the connection: expected.
        }
      });
      RawHttp.Answer answer = c.read();
      long sentWhenAnswered = sent.get();
      boolean closed = c.closedWithin(10_000);
      writer.join(15_000);
      return new Outcome(answer, sentWhenAnswered, sent.get(), finished.get(), closed);
    }
  }
}
