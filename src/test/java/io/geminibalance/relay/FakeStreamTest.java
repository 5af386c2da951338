package io.geminibalance.relay;

import static io.geminibalance.testing.GatewayHarness.CLIENT_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.geminibalance.testing.GatewayHarness;
import io.geminibalance.testing.Recorded;
import io.geminibalance.testing.Replies;
import java.io.InputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * FAKE_STREAM_ENABLED on both surfaces that stream SSE: one non-streamed generateContent upstream,
 * heartbeats (SSE comments) every FAKE_STREAM_EMPTY_DATA_INTERVAL_SECONDS (1 s here) while it runs,
 * then the whole answer as a real stream's events. Upstreams answer after 2.5 s, so at least one
 * heartbeat is due however the timer falls.
 */
class FakeStreamTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final String NATIVE_SSE = "/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse";
  static final String NATIVE_ARRAY = "/v1beta/models/gemini-2.5-flash:streamGenerateContent";
  static final String KEEPALIVE = ": keepalive\n\n";
  static final long DELAY_MILLIS = 2_500;

  /** Thoughts and text in one answer, pretty-printed over many lines as Google writes non-streamed answers. */
  static final String THINKING_ANSWER = """
      {
        "candidates": [
          {
            "content": {
              "parts": [
                {"text": "Let me think.", "thought": true},
                {"text": "The answer is 42."}
              ],
              "role": "model"
            },
            "finishReason": "STOP",
            "index": 0
          }
        ],
        "usageMetadata": {"promptTokenCount": 3, "candidatesTokenCount": 5, "thoughtsTokenCount": 4,
          "totalTokenCount": 12},
        "modelVersion": "gemini-2.5-flash",
        "responseId": "r1"
      }
      """;

  static final String TOOL_ANSWER = "{\"candidates\":[{\"content\":{\"parts\":[{\"functionCall\":{\"name\":"
      + "\"get_weather\",\"args\":{\"city\":\"Paris\"}}}],\"role\":\"model\"},\"finishReason\":\"STOP\",\"index\":0}],"
      + "\"usageMetadata\":{\"promptTokenCount\":3,\"candidatesTokenCount\":2,\"totalTokenCount\":5}}";

  @RegisterExtension
  static final GatewayHarness h = GatewayHarness.start(Map.of("FAKE_STREAM_ENABLED", "true",
      "FAKE_STREAM_EMPTY_DATA_INTERVAL_SECONDS", "1"));

  static String chat(boolean stream, String extra) {
    return "{\"model\":\"gemini-2.5-flash\",\"stream\":" + stream + extra
        + ",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
  }

  static HttpResponse<String> openAi(String body) {
    return h.post("/v1/chat/completions", body, "authorization", "Bearer " + CLIENT_TOKEN);
  }

  static void generateContentAnswers(String answer) {
    h.fake.on(r -> r.pathEndsWith(":generateContent"), Replies.delayed(DELAY_MILLIS, Replies.json(200, answer)));
  }

  /** The data payloads of an SSE body, in order; asserts every event is whole (data or a comment). */
  static List<JsonNode> dataEvents(String body) throws Exception {
    List<JsonNode> events = new ArrayList<>();
    for (String event : body.split("\n\n")) {
      assertThat(event).matches("data: [^\n]*|: keepalive");
      if (event.startsWith("data: ") && !event.equals("data: [DONE]")) {
        events.add(JSON.readTree(event.substring(6)));
      }
    }
    return events;
  }

  @Test
  void openAiStreamGetsHeartbeatsThenThoughtsAndTextBoth() throws Exception {
    generateContentAnswers(THINKING_ANSWER);
    HttpResponse<String> r = openAi(chat(true, ",\"stream_options\":{\"include_usage\":true}"));
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("content-type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/event-stream"));
    assertThat(r.body()).startsWith(KEEPALIVE).endsWith("data: [DONE]\n\n");
    List<JsonNode> events = dataEvents(r.body());
    StringBuilder reasoning = new StringBuilder();
    StringBuilder content = new StringBuilder();
    List<String> finishes = new ArrayList<>();
    for (JsonNode event : events) {
      assertThat(event.path("object").asText()).isEqualTo("chat.completion.chunk");
      for (JsonNode choice : event.path("choices")) {
        reasoning.append(choice.path("delta").path("reasoning_content").asText(""));
        content.append(choice.path("delta").path("content").asText(""));
        if (!choice.path("finish_reason").isNull()) {
          finishes.add(choice.path("finish_reason").asText());
        }
      }
    }
    assertThat(reasoning.toString()).isEqualTo("Let me think.");
    assertThat(content.toString()).isEqualTo("The answer is 42.");
    assertThat(finishes).containsExactly("stop");
    JsonNode usage = events.get(events.size() - 1).path("usage");
    assertThat(usage.path("prompt_tokens").asInt()).isEqualTo(3);
    assertThat(usage.path("completion_tokens").asInt()).isEqualTo(9);
    // The thoughts come in an event before the text, as in a real stream.
    int thoughtAt = r.body().indexOf("Let me think.");
    assertThat(thoughtAt).isPositive().isLessThan(r.body().indexOf("The answer is 42."));
    Recorded upstream = h.fake.requests(":generateContent").get(0);
    assertThat(upstream.query()).isNullOrEmpty();
    assertThat(h.fake.requests(":streamGenerateContent")).isEmpty();
  }

  @Test
  void openAiStreamCarriesToolCallsWhole() throws Exception {
    generateContentAnswers(TOOL_ANSWER);
    HttpResponse<String> r = openAi(chat(true, ",\"tools\":[{\"type\":\"function\",\"function\":{\"name\":"
        + "\"get_weather\",\"parameters\":{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}}}}}]"));
    assertThat(r.statusCode()).isEqualTo(200);
    List<JsonNode> calls = new ArrayList<>();
    List<String> finishes = new ArrayList<>();
    for (JsonNode event : dataEvents(r.body())) {
      for (JsonNode choice : event.path("choices")) {
        choice.path("delta").path("tool_calls").forEach(calls::add);
        if (!choice.path("finish_reason").isNull()) {
          finishes.add(choice.path("finish_reason").asText());
        }
      }
    }
    assertThat(calls).hasSize(1);
    assertThat(calls.get(0).path("function").path("name").asText()).isEqualTo("get_weather");
    assertThat(JSON.readTree(calls.get(0).path("function").path("arguments").asText()).path("city").asText())
        .isEqualTo("Paris");
    assertThat(finishes).containsExactly("tool_calls");
    assertThat(r.body()).endsWith("data: [DONE]\n\n");
  }

  @Test
  void nativeSseGetsHeartbeatsThenTheAnswerAsGeminiEvents() throws Exception {
    generateContentAnswers(THINKING_ANSWER);
    HttpResponse<String> r = h.post(NATIVE_SSE, "{\"contents\":[]}", "x-goog-api-key", CLIENT_TOKEN);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).startsWith(KEEPALIVE);
    List<JsonNode> events = dataEvents(r.body());
    assertThat(events).hasSize(2);
    JsonNode thought = events.get(0).path("candidates").get(0);
    assertThat(thought.path("content").path("parts").get(0).path("thought").asBoolean()).isTrue();
    assertThat(thought.has("finishReason")).isFalse();
    JsonNode text = events.get(1).path("candidates").get(0);
    assertThat(text.path("content").path("parts")).hasSize(1);
    assertThat(text.path("content").path("parts").get(0).path("text").asText()).isEqualTo("The answer is 42.");
    assertThat(text.path("finishReason").asText()).isEqualTo("STOP");
    assertThat(events.get(1).path("usageMetadata").path("totalTokenCount").asInt()).isEqualTo(12);
    Recorded upstream = h.fake.requests(":generateContent").get(0);
    assertThat(upstream.bodyText()).isEqualTo("{\"contents\":[]}");
    assertThat(upstream.query()).isNullOrEmpty();
  }

  @Test
  void nativeStreamWithoutSseStaysARealStream() {
    HttpResponse<String> r = h.post(NATIVE_ARRAY, "{}", "x-goog-api-key", CLIENT_TOKEN);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(h.fake.requests(":streamGenerateContent")).hasSize(1);
    assertThat(h.fake.requests(":generateContent")).isEmpty();
  }

  @Test
  void nonStreamedRequestsAreUnchanged() {
    HttpResponse<String> r = openAi(chat(false, ""));
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).startsWith("{").contains("Hello from fake");
  }

  @Test
  void anErrorBeforeTheFirstHeartbeatIsAnOrdinaryErrorAnswer() {
    h.fake.on(r -> r.pathEndsWith(":generateContent"),
        Replies.googleError(400, "INVALID_ARGUMENT", "Bad contents field"));
    HttpResponse<String> openAi = openAi(chat(true, ""));
    assertThat(openAi.statusCode()).isEqualTo(400);
    assertThat(openAi.body()).contains("Bad contents field").doesNotContain("keepalive");
    HttpResponse<String> gemini = h.post(NATIVE_SSE, "{}", "x-goog-api-key", CLIENT_TOKEN);
    assertThat(gemini.statusCode()).isEqualTo(400);
    assertThat(gemini.body()).contains("\"status\":\"INVALID_ARGUMENT\"").doesNotContain("keepalive");
  }

  @Test
  void anErrorAfterTheHeadersIsTheStreamsErrorEvent() throws Exception {
    h.fake.on(r -> r.pathEndsWith(":generateContent"), Replies.delayed(DELAY_MILLIS,
        Replies.googleError(400, "INVALID_ARGUMENT", "Bad contents field")));
    HttpResponse<String> openAi = openAi(chat(true, ""));
    assertThat(openAi.statusCode()).isEqualTo(200);
    assertThat(openAi.body()).startsWith(KEEPALIVE).doesNotContain("[DONE]");
    List<JsonNode> events = dataEvents(openAi.body());
    assertThat(events).hasSize(1);
    assertThat(events.get(0).path("error").path("message").asText()).isEqualTo("Bad contents field");
    assertThat(events.get(0).path("error").path("type").asText()).isEqualTo("server_error");

    HttpResponse<String> gemini = h.post(NATIVE_SSE, "{}", "x-goog-api-key", CLIENT_TOKEN);
    assertThat(gemini.statusCode()).isEqualTo(200);
    List<JsonNode> nativeEvents = dataEvents(gemini.body());
    assertThat(nativeEvents).hasSize(1);
    assertThat(nativeEvents.get(0).path("error").path("code").asInt()).isEqualTo(400);
    assertThat(nativeEvents.get(0).path("error").path("message").asText()).isEqualTo("Bad contents field");
  }

  @Test
  void aPoolRefusalAfterTheHeadersIsAnErrorEventToo() throws Exception {
    // Every key answers 503 after the first heartbeat: retried on each, then the stream's error event.
    h.fake.on(r -> r.pathEndsWith(":generateContent"), Replies.delayed(600,
        Replies.googleError(503, "UNAVAILABLE", "The model is overloaded.")));
    HttpResponse<String> r = openAi(chat(true, ""));
    assertThat(r.statusCode()).isEqualTo(200);
    List<JsonNode> events = dataEvents(r.body());
    assertThat(events).hasSize(1);
    assertThat(events.get(0).path("error").path("message").asText()).isEqualTo("The model is overloaded.");
    assertThat(r.body()).doesNotContain("[DONE]");
    assertThat(h.fake.requests(":generateContent")).hasSizeGreaterThan(1);
  }

  @Test
  void theClientLeavingCancelsTheUpstreamCall() throws Exception {
    h.fake.on(r -> r.pathEndsWith(":generateContent"), Replies.hang());
    HttpRequest req = h.request("/v1/chat/completions", "authorization", "Bearer " + CLIENT_TOKEN)
        .POST(HttpRequest.BodyPublishers.ofString(chat(true, ""))).build();
    HttpResponse<InputStream> r = h.http.send(req, HttpResponse.BodyHandlers.ofInputStream());
    assertThat(r.statusCode()).isEqualTo(200);
    InputStream body = r.body();
    byte[] beat = body.readNBytes(KEEPALIVE.length());
    assertThat(new String(beat, StandardCharsets.UTF_8)).isEqualTo(KEEPALIVE);
    body.close();
    Recorded upstream = h.fake.requests(":generateContent").get(0);
    long deadline = System.currentTimeMillis() + 5000;
    while (!upstream.closedByCaller() && System.currentTimeMillis() < deadline) {
      Thread.sleep(20);
    }
    assertThat(upstream.closedByCaller()).as("upstream call cancelled after the client left").isTrue();
    assertThat(h.fake.requests(":generateContent")).hasSize(1);
  }
}
