package io.geminibalance.relay;

import static io.geminibalance.testing.GatewayHarness.CLIENT_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.geminibalance.testing.GatewayHarness;
import io.geminibalance.testing.Replies;
import java.io.InputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * STREAM_OPTIMIZER_ENABLED through the gateway, with 1-2 ms pauses to stay fast: native and
 * OpenAI streams arrive re-cut into small events with every character and exactly one end (the
 * tail of a long answer included, gemini-balance #343), tool calls whole, and a change to the
 * optimizer's numbers applies to the next stream without a restart.
 */
class StreamOptimizerRelayTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final String SSE = "/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse";
  static final String LONG = "All happy families are alike; each unhappy family is unhappy in its own way. ".repeat(5);
  static final String TAIL = "The end of a long answer.";

  @RegisterExtension
  static final GatewayHarness h = GatewayHarness.start(Map.of("STREAM_OPTIMIZER_ENABLED", "true",
      "STREAM_MIN_DELAY", "0.001", "STREAM_MAX_DELAY", "0.002"));

  static void upstreamStreams() {
    h.fake.on(r -> r.pathEndsWith(":streamGenerateContent"), Replies.sse(List.of(
        "{\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"Hi!\"}],\"role\":\"model\"},\"index\":0}]}",
        "{\"candidates\":[{\"content\":{\"parts\":[{\"text\":" + JSON.valueToTree(LONG).toString()
            + "}],\"role\":\"model\"},\"index\":0}]}",
        "{\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"" + TAIL + "\"}],\"role\":\"model\"},"
            + "\"finishReason\":\"STOP\",\"index\":0}],\"usageMetadata\":{\"promptTokenCount\":3,"
            + "\"candidatesTokenCount\":80,\"totalTokenCount\":83}}"), 0));
  }

  static List<JsonNode> events(String body) throws Exception {
    List<JsonNode> events = new ArrayList<>();
    for (String event : body.split("\r?\n\r?\n")) {
      String data = event.strip();
      if (data.startsWith("data: ") && !data.equals("data: [DONE]")) {
        events.add(JSON.readTree(data.substring(6)));
      }
    }
    return events;
  }

  @Test
  void nativeStreamIsRecutWithNothingLostAndOneEnd() throws Exception {
    upstreamStreams();
    HttpResponse<String> r = h.post(SSE, "{}", "x-goog-api-key", CLIENT_TOKEN);
    assertThat(r.statusCode()).isEqualTo(200);
    List<JsonNode> events = events(r.body());
    StringBuilder text = new StringBuilder();
    int finishes = 0;
    for (JsonNode event : events) {
      JsonNode candidate = event.path("candidates").get(0);
      String piece = candidate.path("content").path("parts").get(0).path("text").asText();
      assertThat(piece.codePointCount(0, piece.length())).isLessThanOrEqualTo(5);
      text.append(piece);
      finishes += candidate.has("finishReason") ? 1 : 0;
    }
    assertThat(text.toString()).isEqualTo("Hi!" + LONG + TAIL);
    // "Hi!" a character at a time, LONG in fives, TAIL (25 characters) a character at a time.
    assertThat(events).hasSize(3 + LONG.length() / 5 + TAIL.length());
    assertThat(finishes).isEqualTo(1);
    assertThat(events.get(events.size() - 1).path("candidates").get(0).path("finishReason").asText()).isEqualTo("STOP");
    assertThat(events.get(events.size() - 1).path("usageMetadata").path("totalTokenCount").asInt()).isEqualTo(83);
  }

  @Test
  void openAiStreamIsRecutWithNothingLostAndOneFinish() throws Exception {
    upstreamStreams();
    HttpResponse<String> r = h.post("/v1/chat/completions", "{\"model\":\"gemini-2.5-flash\",\"stream\":true,"
        + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", "authorization", "Bearer " + CLIENT_TOKEN);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).endsWith("data: [DONE]\n\n");
    StringBuilder text = new StringBuilder();
    List<String> finishes = new ArrayList<>();
    int roles = 0;
    List<JsonNode> events = events(r.body());
    for (JsonNode event : events) {
      for (JsonNode choice : event.path("choices")) {
        text.append(choice.path("delta").path("content").asText(""));
        roles += choice.path("delta").has("role") ? 1 : 0;
        if (!choice.path("finish_reason").isNull()) {
          finishes.add(choice.path("finish_reason").asText());
        }
      }
    }
    assertThat(text.toString()).isEqualTo("Hi!" + LONG + TAIL);
    assertThat(finishes).containsExactly("stop");
    assertThat(roles).isEqualTo(1);
    assertThat(events.size()).isGreaterThan(LONG.length() / 5);
  }

  @Test
  void toolCallEventsPassUnchanged() throws Exception {
    String call = "{\"candidates\":[{\"content\":{\"parts\":[{\"functionCall\":{\"name\":\"get_weather\","
        + "\"args\":{\"city\":\"Paris\"}}}],\"role\":\"model\"},\"finishReason\":\"STOP\",\"index\":0}]}";
    h.fake.on(r -> r.pathEndsWith(":streamGenerateContent"), Replies.sse(List.of(call), 0));
    HttpResponse<String> r = h.post(SSE, "{}", "x-goog-api-key", CLIENT_TOKEN);
    assertThat(r.body()).isEqualTo("data: " + call + "\r\n\r\n");
  }

  @Test
  void theOptimizersNumbersApplyToTheNextStreamWithoutARestart() throws Exception {
    try {
      assertThat(h.putConfig("{\"STREAM_CHUNK_SIZE\":20}").statusCode()).isEqualTo(200);
      upstreamStreams();
      List<JsonNode> events = events(h.post(SSE, "{}", "x-goog-api-key", CLIENT_TOKEN).body());
      assertThat(events).hasSize(3 + (LONG.length() + 19) / 20 + TAIL.length());
      assertThat(h.putConfig("{\"STREAM_OPTIMIZER_ENABLED\":false}").statusCode()).isEqualTo(200);
      upstreamStreams();
      assertThat(events(h.post(SSE, "{}", "x-goog-api-key", CLIENT_TOKEN).body())).hasSize(3);
    } finally {
      assertThat(h.putConfig("{\"STREAM_CHUNK_SIZE\":5,\"STREAM_OPTIMIZER_ENABLED\":true}").statusCode()).isEqualTo(200);
    }
  }

  @Test
  void outOfRangeNumbersAreRefusedNamingTheSetting() {
    HttpResponse<String> r = h.putConfig("{\"STREAM_MAX_DELAY\":5}");
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.body()).contains("STREAM_MAX_DELAY");
    HttpResponse<String> size = h.putConfig("{\"STREAM_CHUNK_SIZE\":0}");
    assertThat(size.statusCode()).isEqualTo(400);
    assertThat(size.body()).contains("STREAM_CHUNK_SIZE");
  }

  @Test
  void aFakeStreamIsRecutToo() throws Exception {
    try {
      assertThat(h.putConfig("{\"FAKE_STREAM_ENABLED\":true,\"FAKE_STREAM_EMPTY_DATA_INTERVAL_SECONDS\":1}")
          .statusCode()).isEqualTo(200);
      HttpResponse<String> r = h.post(SSE, "{}", "x-goog-api-key", CLIENT_TOKEN);
      assertThat(h.fake.requests(":generateContent")).hasSize(1);
      StringBuilder text = new StringBuilder();
      List<JsonNode> events = events(r.body());
      for (JsonNode event : events) {
        text.append(event.path("candidates").get(0).path("content").path("parts").get(0).path("text").asText());
      }
      assertThat(text.toString()).isEqualTo("Hello from fake");
      assertThat(events).hasSize("Hello from fake".length());
    } finally {
      assertThat(h.putConfig("{\"FAKE_STREAM_ENABLED\":false}").statusCode()).isEqualTo(200);
    }
  }

  @Test
  void theUpstreamReadWaitsWhilePiecesArePending() throws Exception {
    AtomicLong written = new AtomicLong();
    long total = 256L * 1024 * 1024;
    h.fake.on(r -> r.pathEndsWith(":streamGenerateContent"), Replies.firehose(total, written));
    HttpRequest req = h.request(SSE, "x-goog-api-key", CLIENT_TOKEN)
        .POST(HttpRequest.BodyPublishers.ofString("{}")).build();
    HttpResponse<InputStream> r = h.http.send(req, HttpResponse.BodyHandlers.ofInputStream());
    try (InputStream in = r.body()) {
      byte[] first = new byte[4096];
      int n = in.read(first);
      String start = new String(first, 0, n, StandardCharsets.UTF_8);
      assertThat(start).startsWith("data: {\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"xxxxx\"}]");
      Thread.sleep(1500); // each upstream event is 800 pieces, 1 ms or more apart
      assertThat(written.get()).as("upstream bytes read while pieces were pending").isLessThan(total / 5);
    }
  }
}
