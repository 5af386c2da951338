package io.geminibalance.relay;

import static io.geminibalance.testing.GatewayHarness.CLIENT_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

import io.geminibalance.testing.GatewayHarness;
import io.geminibalance.testing.Recorded;
import io.geminibalance.testing.Replies;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class NativeAuthAndPassThroughTest {
  static GatewayHarness h;

  @BeforeAll
  static void start() {
    h = GatewayHarness.start();
  }

  @AfterAll
  static void stop() {
    h.close();
  }

  @BeforeEach
  void reset() {
    h.fake.reset();
  }

  @Test
  void missingCredentialIs401InGoogleShapeAndNothingReachesUpstream() {
    HttpResponse<String> r = h.post("/v1beta/models/gemini-2.5-flash:generateContent", "{}");
    assertThat(r.statusCode()).isEqualTo(401);
    assertThat(r.body()).contains("\"status\":\"UNAUTHENTICATED\"").contains("\"code\":401");
    assertThat(h.fake.requests()).isEmpty();
  }

  @Test
  void wrongTokenIs401AndNothingReachesUpstream() {
    HttpResponse<String> r = h.post("/v1beta/models/gemini-2.5-flash:generateContent", "{}",
        "x-goog-api-key", "not-a-token");
    assertThat(r.statusCode()).isEqualTo(401);
    HttpResponse<String> q = h.get("/gemini/v1beta/models?key=wrong");
    assertThat(q.statusCode()).isEqualTo(401);
    assertThat(h.fake.requests()).isEmpty();
  }

  @Test
  void aKeyParameterWithWhitespaceAroundTheTokenIsNotTheToken() {
    // Google refuses ?key=%20<key>; the gateway compares the value as sent as well.
    assertThat(h.get("/v1beta/models?key=%20" + CLIENT_TOKEN).statusCode()).isEqualTo(401);
    assertThat(h.get("/v1beta/models?key=" + CLIENT_TOKEN + "+").statusCode()).isEqualTo(401);
    assertThat(h.fake.requests()).isEmpty();
  }

  @Test
  void everyCredentialFormIsAcceptedAndNeverForwarded() {
    assertThat(h.post("/v1beta/models/gemini-2.5-flash:generateContent?key=" + CLIENT_TOKEN, "{}").statusCode())
        .isEqualTo(200);
    assertThat(h.post("/v1beta/models/gemini-2.5-flash:generateContent", "{}", "x-goog-api-key", CLIENT_TOKEN)
        .statusCode()).isEqualTo(200);
    assertThat(h.post("/gemini/v1beta/models/gemini-2.5-flash:generateContent", "{}",
        "authorization", "Bearer " + CLIENT_TOKEN).statusCode()).isEqualTo(200);
    assertThat(h.post("/v1beta/models/gemini-2.5-flash:generateContent", "{}", "x-goog-api-key",
        GatewayHarness.ADMIN_TOKEN).statusCode()).isEqualTo(200);
    for (Recorded upstream : h.fake.requests()) {
      assertThat(upstream.query() == null ? "" : upstream.query()).doesNotContain("key=");
      assertThat(upstream.headers().toString()).doesNotContain(CLIENT_TOKEN)
          .doesNotContain(GatewayHarness.ADMIN_TOKEN);
      assertThat(upstream.key()).startsWith("key-");
      assertThat(upstream.headers().get("x-goog-api-key")).isEqualTo(upstream.key());
    }
  }

  @Test
  void requestAndResponseBodiesPassByteForByte() {
    String request = "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"h\\u00e9\",\"thoughtSignature\":\"c2ln\"}]}],"
        + "\"generationConfig\":{\"temperature\":1.10,\"topP\":1e-1,\"seed\":12345678901234567890},"
        + "\"someFutureField\":{\"x\":[1,2.50,null]}}";
    String response = "{\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"ok\",\"thoughtSignature\":\"AbC=\"}]},"
        + "\"finishReason\":\"STOP\",\"avgLogprobs\":-0.10000000000000001,\"unknown\":1.0E5}],\"x\":  [ ]}";
    h.fake.on(r -> r.pathEndsWith(":generateContent"), Replies.json(200, response));
    HttpResponse<String> r = h.post("/v1beta/models/gemini-2.5-flash:generateContent?foo=bar&key=" + CLIENT_TOKEN
        + "&alt=json", request, "content-type", "application/json");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).isEqualTo(response);
    Recorded upstream = h.fake.requests().get(0);
    assertThat(upstream.bodyText()).isEqualTo(request);
    assertThat(upstream.path()).isEqualTo("/v1beta/models/gemini-2.5-flash:generateContent");
    assertThat(upstream.query()).isEqualTo("foo=bar&alt=json");
  }

  @Test
  void countTokensAndEmbeddingsPassThrough() {
    assertThat(h.post("/v1beta/models/gemini-2.5-flash:countTokens", "{\"contents\":[]}", "x-goog-api-key",
        CLIENT_TOKEN).body()).isEqualTo("{\"totalTokens\":5}");
    assertThat(h.post("/v1beta/models/text-embedding-004:embedContent", "{\"content\":{\"parts\":[{\"text\":\"a\"}]}}",
        "x-goog-api-key", CLIENT_TOKEN).body()).contains("\"values\"");
    assertThat(h.post("/v1beta/models/text-embedding-004:batchEmbedContents",
        "{\"requests\":[{\"content\":{\"parts\":[{\"text\":\"a\"}]}}]}", "x-goog-api-key", CLIENT_TOKEN).statusCode())
        .isEqualTo(200);
    assertThat(h.fake.requests()).extracting(Recorded::path).containsExactly(
        "/v1beta/models/gemini-2.5-flash:countTokens", "/v1beta/models/text-embedding-004:embedContent",
        "/v1beta/models/text-embedding-004:batchEmbedContents");
  }

  @Test
  void modelListDropsFilteredModelsAndForwardsPaging() {
    HttpResponse<String> r = h.get("/v1beta/models?pageSize=10&pageToken=abc", "x-goog-api-key", CLIENT_TOKEN);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).contains("models/gemini-2.5-flash").doesNotContain("gemini-pro-vision");
    assertThat(h.fake.requests().get(0).query()).isEqualTo("pageSize=10&pageToken=abc");
    HttpResponse<String> one = h.get("/v1beta/models/gemini-2.5-pro", "x-goog-api-key", CLIENT_TOKEN);
    assertThat(one.body()).contains("\"name\":\"models/gemini-2.5-pro\"");
  }

  @Test
  void unknownPathIs404InGoogleShape() {
    HttpResponse<String> r = h.get("/v1beta/tunedModels/x/y", "x-goog-api-key", CLIENT_TOKEN);
    assertThat(r.statusCode()).isEqualTo(404);
    assertThat(r.body()).contains("\"status\":\"NOT_FOUND\"");
  }

  @Test
  void healthAnswersWithKeyCounts() {
    HttpResponse<String> r = h.get("/health");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).contains("\"status\":\"healthy\"").contains("\"total\":3");
  }

  /** Request-body failures answer in the caller's protocol (they used to reach vertx-web's error log). */
  @Test
  void unsupportedExpectationIs417InGeminiShape() throws Exception {
    String answer = rawAnswer("POST /v1beta/models/gemini-2.5-flash:generateContent HTTP/1.1\r\nHost: x\r\n"
        + "x-goog-api-key: " + CLIENT_TOKEN + "\r\nExpect: nope\r\nContent-Length: 2\r\n"
        + "Connection: close\r\n\r\n{}");
    assertThat(answer).startsWith("HTTP/1.1 417").contains("\"status\"").contains("100-continue");
  }

  @Test
  void bodyErrorsOnTheOpenAiSurfaceComeInOpenAiShape() throws Exception {
    // Authenticated: since body errors come after authentication (a caller without a credential gets 401 first).
    String expectation = rawAnswer("POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\n"
        + "Authorization: Bearer " + CLIENT_TOKEN + "\r\n"
        + "Expect: nope\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}");
    assertThat(expectation).startsWith("HTTP/1.1 417").contains("\"type\":\"invalid_request_error\"")
        .contains("\"code\":\"expectation_failed\"");
    String tooLarge = rawAnswer("POST /hf/v1/chat/completions HTTP/1.1\r\nHost: x\r\n"
        + "Authorization: Bearer " + CLIENT_TOKEN + "\r\n"
        + "Content-Length: 100000000\r\nConnection: close\r\n\r\n");
    assertThat(tooLarge).startsWith("HTTP/1.1 413").contains("\"code\":\"request_too_large\"");
  }

  /**
   * The answer (status line, headers, body by Content-Length) to {@code request} written on a
   * plain socket; read by length, not to the end of the stream.
   */
  private static String rawAnswer(String request) throws Exception {
    try (java.net.Socket socket = new java.net.Socket("127.0.0.1", h.gateway.port())) {
      socket.setSoTimeout(5_000);
      socket.getOutputStream().write(request.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
      java.io.DataInputStream in = new java.io.DataInputStream(socket.getInputStream());
      StringBuilder head = new StringBuilder();
      int length = 0;
      for (String line = readLine(in); !line.isEmpty(); line = readLine(in)) {
        head.append(line).append("\r\n");
        if (line.toLowerCase().startsWith("content-length:")) {
          length = Integer.parseInt(line.substring("content-length:".length()).trim());
        }
      }
      byte[] body = new byte[length];
      in.readFully(body);
      return head + "\r\n" + new String(body, java.nio.charset.StandardCharsets.UTF_8);
    }
  }

  private static String readLine(java.io.InputStream in) throws java.io.IOException {
    StringBuilder line = new StringBuilder();
    for (int b = in.read(); b != '\n'; b = in.read()) {
      if (b < 0) {
        throw new java.io.EOFException("connection closed in the headers");
      }
      if (b != '\r') {
        line.append((char) b);
      }
    }
    return line.toString();
  }
}
