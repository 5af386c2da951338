package io.geminibalance.relay;

import static io.geminibalance.testing.GatewayHarness.CLIENT_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

import io.geminibalance.config.GatewayConfig;
import io.geminibalance.testing.GatewayHarness;
import io.geminibalance.testing.Replies;
import io.geminibalance.testing.Reply;
import io.vertx.core.Vertx;
import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * STREAM_KEEPALIVE_SECONDS: an SSE answer whose upstream pauses gets {@code : keepalive} comments
 * between its events, on every SSE surface; other bodies get none, 0 turns them off, nothing
 * follows the end, and the comments do not hold off TIME_OUT. The upstream pauses 3 s with
 * keepalives every 1 s, so at least one comment is due however late the 0.25 s sweep runs.
 */
class StreamKeepaliveTest {
  static final String SSE = "/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse";
  static final String ARRAY = "/v1beta/models/gemini-2.5-flash:streamGenerateContent";
  static final long PAUSE_MILLIS = 3_000;
  static final String KEEPALIVE = ": keepalive\n\n";

  @RegisterExtension
  static final GatewayHarness h = GatewayHarness.start(Map.of("STREAM_KEEPALIVE_SECONDS", "1"));

  /** Two Gemini events with a pause between them, the end right after the second. */
  static Reply pausedStream() {
    return pauseBetween("text/event-stream", "data: " + Replies.chunk("Hello ") + "\r\n\r\n",
        "data: " + Replies.finalChunk("world") + "\r\n\r\n");
  }

  /** {@code first}, a pause, then {@code last} with the end of the body at once. */
  static Reply pauseBetween(String contentType, String first, String last) {
    return (r, res, raw) -> {
      res.setStatusCode(200).putHeader("content-type", contentType).setChunked(true);
      res.write(first);
      Vertx.currentContext().owner().setTimer(PAUSE_MILLIS, t -> {
        if (!res.closed()) {
          res.end(last);
        }
      });
    };
  }

  /** {@code first}, one or more keepalives, then {@code last} and nothing after it (the end follows at once). */
  static void assertKeepalivesBetween(String body, String first, String last) {
    assertThat(body).matches(Pattern.quote(first) + "(" + Pattern.quote(KEEPALIVE) + ")+" + Pattern.quote(last));
  }

  @Test
  void nativeSseGetsKeepalivesBetweenItsEventsAndTheAnswerIntact() {
    h.fake.on(r -> r.pathEndsWith(":streamGenerateContent"), pausedStream());
    HttpResponse<String> r = h.post(SSE, "{}", "x-goog-api-key", CLIENT_TOKEN);
    assertThat(r.statusCode()).isEqualTo(200);
    assertKeepalivesBetween(r.body(), "data: " + Replies.chunk("Hello ") + "\r\n\r\n",
        "data: " + Replies.finalChunk("world") + "\r\n\r\n");
  }

  /** Anthropic's stream keeps alive with its own ping event (which its SDKs skip), never a comment. */
  @Test
  void anthropicStreamGetsPingEventsBetweenWholeEvents() {
    h.fake.on(r -> r.pathEndsWith(":streamGenerateContent"), pausedStream());
    HttpResponse<String> r = h.post("/v1/messages", "{\"model\":\"gemini-2.5-flash\",\"max_tokens\":9,"
        + "\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", "x-api-key", CLIENT_TOKEN);
    assertThat(r.statusCode()).isEqualTo(200);
    String ping = "event: ping\ndata: {\"type\":\"ping\"}\n\n";
    assertThat(r.body()).startsWith("event: message_start\n").contains("\n\n" + ping)
        .endsWith("event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n").doesNotContain("keepalive");
    for (String event : r.body().split("\n\n")) {
      assertThat(event).matches("event: [a-z_]+\ndata: \\{.*");
    }
    String withoutPings = r.body().replace(ping, "");
    assertThat(withoutPings).contains("\"text\":\"Hello \"").contains("\"text\":\"world\"").doesNotContain("error");
  }

  @Test
  void openAiChatStreamGetsKeepalivesBetweenWholeEvents() {
    h.fake.on(r -> r.pathEndsWith(":streamGenerateContent"), pausedStream());
    HttpResponse<String> r = h.post("/v1/chat/completions", "{\"model\":\"gemini-2.5-flash\",\"stream\":true,"
        + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", "authorization", "Bearer " + CLIENT_TOKEN);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).contains("\n\n" + KEEPALIVE).endsWith("data: [DONE]\n\n");
    // Every event is whole: a data event or a comment of its own, never a comment inside an event.
    for (String event : r.body().split("\n\n")) {
      assertThat(event).matches("data: .*|: keepalive");
    }
    String withoutKeepalives = r.body().replace(KEEPALIVE, "");
    assertThat(withoutKeepalives).contains("\"content\":\"Hello \"").contains("\"content\":\"world\"")
        .doesNotContain("keepalive").doesNotContain("error");
  }

  @Test
  void openAiCompatStreamGetsKeepalivesToo() {
    h.fake.on(r -> r.path().equals("/v1beta/openai/chat/completions"),
        pauseBetween("text/event-stream", "data: {\"a\":1}\n\n", "data: [DONE]\n\n"));
    HttpResponse<String> r = h.post("/openai/v1/chat/completions",
        "{\"model\":\"gemini-2.5-flash\",\"stream\":true,\"messages\":[]}", "authorization", "Bearer " + CLIENT_TOKEN);
    assertThat(r.statusCode()).isEqualTo(200);
    assertKeepalivesBetween(r.body(), "data: {\"a\":1}\n\n", "data: [DONE]\n\n");
  }

  @Test
  void interactionStreamGetsKeepalivesToo() {
    h.fake.on(r -> r.pathEndsWith("/interactions"), pauseBetween("text/event-stream",
        "data: {\"event_type\":\"content.delta\"}\n\n", "data: {\"event_type\":\"interaction.complete\"}\n\n"));
    HttpResponse<String> r = h.post("/v1beta/interactions",
        "{\"model\":\"gemini-2.5-flash\",\"input\":\"hi\",\"stream\":true}", "x-goog-api-key", CLIENT_TOKEN);
    assertThat(r.statusCode()).isEqualTo(200);
    assertKeepalivesBetween(r.body(), "data: {\"event_type\":\"content.delta\"}\n\n",
        "data: {\"event_type\":\"interaction.complete\"}\n\n");
  }

  @Test
  void aJsonArrayStreamGetsNone() {
    String first = "[" + Replies.chunk("Hello ");
    String rest = "," + Replies.finalChunk("world") + "]";
    h.fake.on(r -> r.pathEndsWith(":streamGenerateContent"), pauseBetween("application/json", first, rest));
    HttpResponse<String> r = h.post(ARRAY, "{}", "x-goog-api-key", CLIENT_TOKEN);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).isEqualTo(first + rest);
  }

  /** 0 sends none; the setting applies live, to the streams that start after the change. */
  @Test
  void zeroTurnsThemOffAndAChangeAppliesLive() {
    try (GatewayHarness off = GatewayHarness.start(Map.of("STREAM_KEEPALIVE_SECONDS", "0"))) {
      off.fake.on(r -> r.pathEndsWith(":streamGenerateContent"), pausedStream());
      HttpResponse<String> r = off.post(SSE, "{}", "x-goog-api-key", CLIENT_TOKEN);
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.body()).isEqualTo("data: " + Replies.chunk("Hello ") + "\r\n\r\n"
          + "data: " + Replies.finalChunk("world") + "\r\n\r\n");

      Map<String, String> env = new HashMap<>(off.gateway.config().values().raw());
      env.put("STREAM_KEEPALIVE_SECONDS", "1");
      off.gateway.reconfigure(GatewayConfig.from(env));
      assertKeepalivesBetween(off.post(SSE, "{}", "x-goog-api-key", CLIENT_TOKEN).body(),
          "data: " + Replies.chunk("Hello ") + "\r\n\r\n", "data: " + Replies.finalChunk("world") + "\r\n\r\n");
    }
  }

  /** Keepalives go to the client; TIME_OUT counts upstream bytes only, so a silent stream still ends. */
  @Test
  void keepalivesDoNotHoldOffTheIdleTimeout() {
    try (GatewayHarness idle = GatewayHarness.start(Map.of("STREAM_KEEPALIVE_SECONDS", "1", "TIME_OUT", "2"))) {
      idle.fake.on(r -> r.pathEndsWith(":streamGenerateContent"), NativeStreamIdleTimeoutTest.oneEventThenSilence());
      HttpResponse<String> r = idle.post(SSE, "{}", "x-goog-api-key", CLIENT_TOKEN);
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.body()).startsWith("data: " + Replies.chunk("Hello") + "\r\n\r\n" + KEEPALIVE)
          .contains("no data from upstream for 2000 ms").endsWith("\n\n");
      String afterError = r.body().substring(r.body().indexOf("data: {\"error\""));
      assertThat(afterError).doesNotContain("keepalive");
    }
  }
}
