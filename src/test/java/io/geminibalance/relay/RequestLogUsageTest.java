package io.geminibalance.relay;

import static org.assertj.core.api.Assertions.assertThat;

import io.geminibalance.storage.ModelUsage;
import io.geminibalance.storage.RequestLogRow;
import io.geminibalance.testing.GatewayHarness;
import io.geminibalance.testing.Replies;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which attempts carry token counts in the request log (what the statistics add up). */
class RequestLogUsageTest {
  private static final String MODEL = "gemini-2.5-flash-lite";

  private static String chat(boolean stream) {
    return "{\"model\":\"" + MODEL + "\",\"stream\":" + stream + ",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
  }

  private static HttpResponse<String> postChat(GatewayHarness h, boolean stream) {
    return h.post("/v1/chat/completions", chat(stream), "authorization", "Bearer " + GatewayHarness.CLIENT_TOKEN,
        "content-type", "application/json");
  }

  /** The log's rows for MODEL once {@code expected} have arrived, and a moment longer for any extra one. */
  private static List<RequestLogRow> settledRows(GatewayHarness h, Instant since, int expected)
      throws InterruptedException {
    var log = h.gateway.persistence().storage().requestLogs();
    List<RequestLogRow> rows = List.of();
    for (int i = 0; i < 100 && rows.size() < expected; i++) {
      Thread.sleep(50);
      rows = log.recent(since, Instant.now().plusSeconds(60), null, 100).join().stream()
          .filter(row -> MODEL.equals(row.model())).toList();
    }
    Thread.sleep(300); // a second row for one attempt would have arrived by now
    return log.recent(since, Instant.now().plusSeconds(60), null, 100).join().stream()
        .filter(row -> MODEL.equals(row.model())).toList();
  }

  private static ModelUsage usage(GatewayHarness h, Instant since) {
    return h.gateway.persistence().storage().stats().perModel(since, Instant.now().plusSeconds(60)).join().stream()
        .filter(m -> m.model().equals(MODEL)).findFirst().orElseThrow();
  }

  /**
   * Translated chat logs its attempt with the tokens Google reported: non-streaming 3 + 4 (the
   * fake's answer), streaming 3 + 3 (its last event); a native call too (3 + 4, read from the
   * body's tail). A broken answer and a stream cut before any usage log theirs without tokens.
   * Each attempt is logged exactly once.
   */
  @Test
  void callsAreLoggedWithTheirTokensBrokenOnesWithout() throws InterruptedException {
    try (GatewayHarness h = GatewayHarness.start()) {
      Instant since = Instant.now().minusSeconds(5);
      assertThat(postChat(h, false).statusCode()).isEqualTo(200);
      assertThat(postChat(h, true).body()).contains("[DONE]");
      assertThat(h.post("/v1beta/models/" + MODEL + ":generateContent", "{\"contents\":[]}",
          "x-goog-api-key", GatewayHarness.CLIENT_TOKEN).statusCode()).isEqualTo(200);
      h.fake.on(r -> r.path().endsWith(":streamGenerateContent"),
          Replies.sseCut(List.of(Replies.chunk("a"), Replies.chunk("b")), 0, 1));
      h.fake.on(r -> r.path().endsWith(":generateContent"), Replies.json(200, "not json"));
      assertThat(postChat(h, false).statusCode()).isEqualTo(502);
      assertThat(postChat(h, true).body()).doesNotContain("[DONE]");

      assertThat(settledRows(h, since, 5)).hasSize(5);
      ModelUsage usage = usage(h, since);
      assertThat(usage.promptTokens()).isEqualTo(3 + 3 + 3);
      assertThat(usage.completionTokens()).isEqualTo(4 + 3 + 4);
      assertThat(usage.success()).isEqualTo(5);
    }
  }

  /**
   * Anthropic messages log their attempt once with Google's counts (the whole prompt, cached part
   * included; answer plus thoughts): whole 11 + (5 + 7), streamed 3 + 3; count_tokens logs its
   * attempt without tokens.
   */
  @Test
  void anthropicMessagesAreLoggedWithTheirTokens() throws InterruptedException {
    try (GatewayHarness h = GatewayHarness.start()) {
      Instant since = Instant.now().minusSeconds(5);
      h.fake.on(r -> r.path().endsWith(":generateContent"), Replies.json(200, "{\"candidates\":[{\"content\":"
          + "{\"parts\":[{\"text\":\"x\"}]},\"finishReason\":\"STOP\"}],\"usageMetadata\":{\"promptTokenCount\":11,"
          + "\"cachedContentTokenCount\":4,\"candidatesTokenCount\":5,\"thoughtsTokenCount\":7}}"));
      h.fake.on(r -> r.path().endsWith(":countTokens"), Replies.json(200, "{\"totalTokens\":9}"));
      String hi = ",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
      String whole = "{\"model\":\"" + MODEL + "\",\"max_tokens\":5" + hi;
      String streamed = "{\"model\":\"" + MODEL + "\",\"max_tokens\":5,\"stream\":true" + hi;
      assertThat(h.post("/v1/messages", whole, "x-api-key", GatewayHarness.CLIENT_TOKEN).statusCode()).isEqualTo(200);
      assertThat(h.post("/v1/messages", streamed, "x-api-key", GatewayHarness.CLIENT_TOKEN).body())
          .contains("message_stop");
      assertThat(h.post("/v1/messages/count_tokens", whole, "x-api-key", GatewayHarness.CLIENT_TOKEN).body())
          .isEqualTo("{\"input_tokens\":9}");
      assertThat(settledRows(h, since, 3)).hasSize(3);
      ModelUsage usage = usage(h, since);
      assertThat(usage.promptTokens()).isEqualTo(11 + 3);
      assertThat(usage.completionTokens()).isEqualTo(5 + 7 + 3);
    }
  }

  /** A client that leaves in the middle of a translated stream still leaves its attempt in the log. */
  @Test
  void aStreamTheClientAbandonsIsStillLogged() throws Exception {
    try (GatewayHarness h = GatewayHarness.start()) {
      Instant since = Instant.now().minusSeconds(5);
      h.fake.on(r -> r.path().endsWith(":streamGenerateContent"), Replies.sse(
          java.util.stream.IntStream.range(0, 50).mapToObj(i -> Replies.chunk("part" + i)).toList(), 100));
      HttpResponse<java.io.InputStream> response = h.http.send(h.request("/v1/chat/completions",
          "authorization", "Bearer " + GatewayHarness.CLIENT_TOKEN, "content-type", "application/json")
          .POST(java.net.http.HttpRequest.BodyPublishers.ofString(chat(true))).build(),
          HttpResponse.BodyHandlers.ofInputStream());
      try (java.io.InputStream body = response.body()) {
        assertThat(body.read(new byte[64])).isPositive();
      }
      var log = h.gateway.persistence().storage().requestLogs();
      List<RequestLogRow> rows = List.of();
      for (int i = 0; i < 200 && rows.isEmpty(); i++) {
        Thread.sleep(50);
        rows = log.recent(since, Instant.now().plusSeconds(60), null, 100).join().stream()
            .filter(row -> MODEL.equals(row.model())).toList();
      }
      assertThat(rows).hasSize(1);
    }
  }
}
