package io.geminibalance.server;

import static io.geminibalance.testing.GatewayHarness.CLIENT_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

import io.geminibalance.testing.GatewayHarness;
import io.geminibalance.testing.LogCapture;
import io.geminibalance.testing.RawHttp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Requests that vertx-web refuses before any route: each gets an answer saying what is wrong, in
 * the caller's protocol, and no error log line. Before, every 400 said "The request body could not
 * be read." and each CONNECT was logged at ERROR ("Unhandled exception in router").
 */
class MalformedRequestTest {
  private static GatewayHarness h;

  @BeforeAll
  static void start() {
    h = GatewayHarness.start();
  }

  @AfterAll
  static void stop() {
    h.close();
  }

  @Test
  void http11RequestWithoutHostIs400SayingSo() throws Exception {
    try (RawHttp c = RawHttp.open(h.gateway.port())) {
      c.send("GET /v1beta/models HTTP/1.1\r\nx-goog-api-key: " + CLIENT_TOKEN + "\r\n\r\n");
      RawHttp.Answer answer = c.read();
      assertThat(answer.status()).isEqualTo(400);
      assertThat(answer.body()).contains("\"status\":\"INVALID_ARGUMENT\"").contains("no valid Host header")
          .doesNotContain("body");
    }
    try (RawHttp c = RawHttp.open(h.gateway.port())) {
      c.send("POST /v1/chat/completions HTTP/1.1\r\nAuthorization: Bearer " + CLIENT_TOKEN
          + "\r\nContent-Length: 2\r\n\r\n{}");
      RawHttp.Answer answer = c.read();
      assertThat(answer.status()).isEqualTo(400);
      assertThat(answer.body()).contains("\"type\":\"invalid_request_error\"").contains("\"code\":\"invalid_request\"")
          .contains("no valid Host header");
    }
  }

  @Test
  void connectIs405InGoogleShapeWithoutAnErrorLogLine() throws Exception {
    try (LogCapture log = new LogCapture()) {
      for (int i = 0; i < 3; i++) {
        try (RawHttp c = RawHttp.open(h.gateway.port())) {
          c.send("CONNECT internal.example:22 HTTP/1.1\r\nHost: internal.example:22\r\n\r\n");
          RawHttp.Answer answer = c.read();
          assertThat(answer.status()).isEqualTo(405);
          assertThat(answer.header("content-type")).startsWith("application/json");
          assertThat(answer.body()).contains("\"code\":405").contains("not a proxy");
        }
      }
      try (RawHttp c = RawHttp.open(h.gateway.port())) {
        c.send("OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n");
        RawHttp.Answer answer = c.read();
        assertThat(answer.status()).isEqualTo(404);
        assertThat(answer.body()).contains("\"status\":\"NOT_FOUND\"").contains("No such endpoint: OPTIONS *");
      }
      assertThat(log.text()).doesNotContain("Unhandled exception in router").doesNotContain(" ERROR ");
    }
  }

  /** Heads over the codec's limits: an answer that says which limit, not an empty body. */
  @Test
  void headsOverTheLimitsAre414And431WithABody() throws Exception {
    try (RawHttp c = RawHttp.open(h.gateway.port())) {
      c.send("GET /v1beta/models?x=" + "a".repeat(5000) + " HTTP/1.1\r\nHost: x\r\n\r\n");
      RawHttp.Answer answer = c.read();
      assertThat(answer.status()).isEqualTo(414);
      assertThat(answer.body()).contains("\"code\":414").contains("longer than 4096 bytes");
      assertThat(c.closedWithin(10_000)).isTrue();
    }
    try (RawHttp c = RawHttp.open(h.gateway.port())) {
      c.send("GET /v1/models HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(9000) + "\r\n\r\n");
      RawHttp.Answer answer = c.read();
      assertThat(answer.status()).isEqualTo(431);
      assertThat(answer.body()).contains("\"type\":\"invalid_request_error\"").contains("larger than 8192 bytes");
      assertThat(c.closedWithin(10_000)).isTrue();
    }
  }

  @Test
  void anUnknownEndpointIsQuotedOnlyInPart() throws Exception {
    try (RawHttp c = RawHttp.open(h.gateway.port())) {
      c.send("GET /nowhere/" + "a".repeat(4000) + " HTTP/1.1\r\nHost: x\r\n\r\n");
      RawHttp.Answer answer = c.read();
      assertThat(answer.status()).isEqualTo(404);
      assertThat(answer.body()).contains("No such endpoint: GET /nowhere/aaa").contains("...")
          .hasSizeLessThan(400);
    }
  }
}
