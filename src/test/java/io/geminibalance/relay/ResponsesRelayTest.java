package io.geminibalance.relay;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.geminibalance.testing.GatewayHarness;
import io.geminibalance.testing.Recorded;
import io.geminibalance.testing.Replies;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code /v1/responses} end to end: FakeGemini upstream, SQLite store, two client tokens. */
class ResponsesRelayTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final String OTHER_TOKEN = "tok-client-0099";
  static final String SIGNATURE = "c2lnLW9mLWEtdGhvdWdodA==";
  static GatewayHarness h;

  @BeforeAll
  static void start() {
    h = GatewayHarness.start(Map.of(
        "ALLOWED_TOKENS", "[\"" + GatewayHarness.CLIENT_TOKEN + "\",\"" + OTHER_TOKEN + "\"]",
        "STREAM_KEEPALIVE_SECONDS", "1"));
  }

  @AfterAll
  static void stop() {
    h.close();
  }

  @BeforeEach
  void reset() {
    h.fake.reset();
  }

  static HttpResponse<String> post(String path, String body) {
    return post(path, body, GatewayHarness.CLIENT_TOKEN);
  }

  static HttpResponse<String> post(String path, String body, String token) {
    return h.post(path, body, "authorization", "Bearer " + token, "content-type", "application/json");
  }

  static HttpResponse<String> get(String path, String token) {
    return h.get(path, "authorization", "Bearer " + token);
  }

  static HttpResponse<String> delete(String path, String token) {
    return h.send(h.request(path, "authorization", "Bearer " + token).DELETE().build());
  }

  static JsonNode tree(String text) {
    try {
      return JSON.readTree(text);
    } catch (Exception e) {
      throw new AssertionError("not JSON: " + text, e);
    }
  }

  static JsonNode upstream(int i) {
    return tree(h.fake.requests(":generateContent").get(i).bodyText());
  }

  @Test
  void plainResponseIsTranslatedBothWays() {
    HttpResponse<String> res = post("/v1/responses", """
        {"model":"gemini-2.5-flash","input":"Hi","instructions":"Be brief","max_output_tokens":50,
         "metadata":{"k":"v"}}""");
    assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
    JsonNode response = tree(res.body());
    assertThat(response.get("id").asText()).startsWith("resp_");
    assertThat(response.get("object").asText()).isEqualTo("response");
    assertThat(response.get("status").asText()).isEqualTo("completed");
    assertThat(response.get("model").asText()).isEqualTo("gemini-2.5-flash");
    assertThat(response.get("instructions").asText()).isEqualTo("Be brief");
    assertThat(response.get("store").asBoolean()).isTrue();
    assertThat(response.path("metadata").path("k").asText()).isEqualTo("v");
    JsonNode message = response.get("output").get(0);
    assertThat(message.get("type").asText()).isEqualTo("message");
    assertThat(message.get("id").asText()).startsWith("msg_");
    assertThat(message.path("content").get(0).get("text").asText()).isEqualTo("Hello from fake");
    assertThat(response.path("usage").path("input_tokens").asInt()).isEqualTo(3);
    assertThat(response.path("usage").path("output_tokens").asInt()).isEqualTo(4);
    assertThat(response.path("usage").path("total_tokens").asInt()).isEqualTo(7);
    JsonNode sent = upstream(0);
    assertThat(sent.path("systemInstruction").path("parts").get(0).get("text").asText()).isEqualTo("Be brief");
    assertThat(sent.path("contents").get(0).path("parts").get(0).get("text").asText()).isEqualTo("Hi");
    assertThat(sent.path("generationConfig").path("maxOutputTokens").asInt()).isEqualTo(50);
    assertThat(h.fake.requests(":generateContent").get(0).path()).contains("/models/gemini-2.5-flash:");

    // The same on /hf/v1.
    assertThat(post("/hf/v1/responses", "{\"model\":\"gemini-2.5-flash\",\"input\":\"Hi\"}").statusCode())
        .isEqualTo(200);
  }

  @Test
  void streamHasTheResponsesEventSequenceAndKeepalives() {
    h.fake.on(r -> r.path().endsWith(":streamGenerateContent"),
        Replies.sse(List.of(Replies.chunk("Hel"), Replies.finalChunk("lo")), 1500));
    HttpResponse<String> res = post("/v1/responses",
        "{\"model\":\"gemini-2.5-flash\",\"input\":\"Hi\",\"stream\":true}");
    assertThat(res.statusCode()).isEqualTo(200);
    assertThat(res.headers().firstValue("content-type").orElse("")).startsWith("text/event-stream");
    List<String> types = new ArrayList<>();
    List<Integer> sequence = new ArrayList<>();
    StringBuilder text = new StringBuilder();
    for (String block : res.body().split("\n\n")) {
      if (block.startsWith(":")) {
        continue;
      }
      String[] lines = block.split("\n");
      assertThat(lines[0]).startsWith("event: ");
      JsonNode event = tree(lines[1].substring("data: ".length()));
      assertThat(lines[0]).isEqualTo("event: " + event.get("type").asText());
      types.add(event.get("type").asText());
      sequence.add(event.get("sequence_number").asInt());
      if (event.get("type").asText().equals("response.output_text.delta")) {
        text.append(event.get("delta").asText());
      }
    }
    assertThat(types).containsExactly("response.created", "response.in_progress", "response.output_item.added",
        "response.content_part.added", "response.output_text.delta", "response.output_text.delta",
        "response.output_text.done", "response.content_part.done", "response.output_item.done",
        "response.completed");
    assertThat(sequence).isSorted().doesNotHaveDuplicates();
    assertThat(text.toString()).isEqualTo("Hello");
    assertThat(res.body()).contains(": keepalive").doesNotContain("[DONE]");
    // A streamed response is kept too, once it completed.
    String id = tree(res.body().substring(res.body().indexOf("data: ") + 6, res.body().indexOf('\n',
        res.body().indexOf("data: ")))).path("response").path("id").asText();
    HttpResponse<String> read = get("/v1/responses/" + id, GatewayHarness.CLIENT_TOKEN);
    assertThat(read.statusCode()).as(read.body()).isEqualTo(200);
    assertThat(tree(read.body()).path("output").get(0).path("content").get(0).path("text").asText())
        .isEqualTo("Hello");
  }

  @Test
  void aStreamThatBreaksEndsWithResponseFailedAndIsNotKept() {
    h.fake.on(r -> r.path().endsWith(":streamGenerateContent"),
        Replies.sseCut(List.of(Replies.chunk("Hel"), Replies.chunk("lo"), Replies.finalChunk("!")), 50, 1));
    HttpResponse<String> res = post("/v1/responses",
        "{\"model\":\"gemini-2.5-flash\",\"input\":\"Hi\",\"stream\":true}");
    assertThat(res.statusCode()).isEqualTo(200);
    String body = res.body();
    assertThat(body).contains("event: response.failed").doesNotContain("response.completed");
    String last = body.substring(body.lastIndexOf("data: ") + 6).trim();
    JsonNode failed = tree(last);
    assertThat(failed.path("type").asText()).isEqualTo("response.failed");
    assertThat(failed.path("response").path("status").asText()).isEqualTo("failed");
    assertThat(failed.path("response").path("error").path("code").asText()).isEqualTo("upstream_stream_interrupted");
    String id = failed.path("response").path("id").asText();
    assertThat(get("/v1/responses/" + id, GatewayHarness.CLIENT_TOKEN).statusCode()).isEqualTo(404);
  }

  @Test
  void functionCallRoundTripKeepsNameAndThoughtSignature() {
    h.fake.on(r -> r.path().endsWith(":generateContent"), Replies.json(200, """
        {"candidates":[{"content":{"role":"model","parts":[{"functionCall":{"name":"get_weather",
        "args":{"city":"Paris"}},"thoughtSignature":"%s"}]},"finishReason":"STOP","index":0}]}"""
        .formatted(SIGNATURE)), 1);
    String tools = """
        "tools":[{"type":"function","name":"get_weather","description":"Weather",
         "parameters":{"type":"object","properties":{"city":{"type":"string"}}}}]""";
    JsonNode first = tree(post("/v1/responses", "{\"model\":\"gemini-2.5-flash\",\"input\":\"Weather?\","
        + tools + ",\"store\":false}").body());
    JsonNode reasoning = first.get("output").get(0);
    JsonNode call = first.get("output").get(1);
    assertThat(reasoning.get("type").asText()).isEqualTo("reasoning");
    assertThat(reasoning.get("encrypted_content").asText()).isEqualTo(SIGNATURE);
    assertThat(call.get("type").asText()).isEqualTo("function_call");
    assertThat(call.get("name").asText()).isEqualTo("get_weather");
    assertThat(tree(call.get("arguments").asText()).get("city").asText()).isEqualTo("Paris");
    assertThat(upstream(0).path("tools").get(0).path("functionDeclarations").get(0).path("name").asText())
        .isEqualTo("get_weather");

    String input = "[{\"role\":\"user\",\"content\":\"Weather?\"}," + reasoning + "," + call
        + ",{\"type\":\"function_call_output\",\"call_id\":\"" + call.get("call_id").asText()
        + "\",\"output\":\"{\\\"temp\\\":21}\"}]";
    HttpResponse<String> second = post("/v1/responses", "{\"model\":\"gemini-2.5-flash\",\"input\":" + input
        + "," + tools + "}");
    assertThat(second.statusCode()).as(second.body()).isEqualTo(200);
    JsonNode contents = upstream(1).get("contents");
    assertThat(contents).hasSize(3);
    JsonNode modelPart = contents.get(1).path("parts").get(0);
    assertThat(modelPart.path("functionCall").path("name").asText()).isEqualTo("get_weather");
    assertThat(modelPart.path("thoughtSignature").asText()).isEqualTo(SIGNATURE);
    JsonNode result = contents.get(2).path("parts").get(0).path("functionResponse");
    assertThat(result.path("name").asText()).isEqualTo("get_weather");
    assertThat(result.path("response").path("temp").asInt()).isEqualTo(21);
  }

  @Test
  void previousResponseContinuesTheConversationAndIsOwnedByItsClient() {
    JsonNode first = tree(post("/v1/responses",
        "{\"model\":\"gemini-2.5-flash\",\"input\":\"My name is Ann\",\"instructions\":\"Old rules\"}").body());
    String id = first.get("id").asText();

    HttpResponse<String> second = post("/v1/responses", "{\"model\":\"gemini-2.5-flash\",\"input\":\"Who am I?\","
        + "\"previous_response_id\":\"" + id + "\"}");
    assertThat(second.statusCode()).as(second.body()).isEqualTo(200);
    assertThat(tree(second.body()).get("previous_response_id").asText()).isEqualTo(id);
    JsonNode sent = upstream(1);
    assertThat(sent.has("systemInstruction")).as("instructions are not carried over").isFalse();
    JsonNode contents = sent.get("contents");
    assertThat(contents).hasSize(3);
    assertThat(contents.get(0).path("parts").get(0).path("text").asText()).isEqualTo("My name is Ann");
    assertThat(contents.get(1).path("role").asText()).isEqualTo("model");
    assertThat(contents.get(1).path("parts").get(0).path("text").asText()).isEqualTo("Hello from fake");
    assertThat(contents.get(2).path("parts").get(0).path("text").asText()).isEqualTo("Who am I?");

    // Readable by its client, absent for another one.
    HttpResponse<String> read = get("/v1/responses/" + id, GatewayHarness.CLIENT_TOKEN);
    assertThat(read.statusCode()).isEqualTo(200);
    assertThat(tree(read.body()).get("id").asText()).isEqualTo(id);
    assertThat(tree(read.body()).get("output")).isEqualTo(first.get("output"));
    HttpResponse<String> items = get("/v1/responses/" + id + "/input_items?order=asc", GatewayHarness.CLIENT_TOKEN);
    assertThat(items.statusCode()).isEqualTo(200);
    assertThat(tree(items.body()).get("data")).hasSize(1);
    assertThat(tree(items.body()).get("data").get(0).path("content").get(0).path("text").asText())
        .isEqualTo("My name is Ann");
    assertThat(tree(items.body()).get("data").get(0).get("id").asText()).startsWith("msg_");
    assertThat(tree(items.body()).get("has_more").asBoolean()).isFalse();

    assertThat(get("/v1/responses/" + id, OTHER_TOKEN).statusCode()).isEqualTo(404);
    assertThat(delete("/v1/responses/" + id, OTHER_TOKEN).statusCode()).isEqualTo(404);
    int upstreamBefore = h.fake.requests().size();
    HttpResponse<String> foreign = post("/v1/responses", "{\"model\":\"gemini-2.5-flash\",\"input\":\"x\","
        + "\"previous_response_id\":\"" + id + "\"}", OTHER_TOKEN);
    assertThat(foreign.statusCode()).isEqualTo(404);
    assertThat(tree(foreign.body()).path("error").path("param").asText()).isEqualTo("previous_response_id");
    assertThat(tree(foreign.body()).path("error").path("code").asText()).isEqualTo("previous_response_not_found");
    assertThat(h.fake.requests()).as("no key leased for an unknown previous response").hasSize(upstreamBefore);

    HttpResponse<String> deleted = delete("/v1/responses/" + id, GatewayHarness.CLIENT_TOKEN);
    assertThat(deleted.statusCode()).isEqualTo(200);
    assertThat(tree(deleted.body()).get("deleted").asBoolean()).isTrue();
    assertThat(tree(deleted.body()).get("object").asText()).isEqualTo("response");
    assertThat(get("/v1/responses/" + id, GatewayHarness.CLIENT_TOKEN).statusCode()).isEqualTo(404);
  }

  /** A gateway of its own: the bound applies to every client of the shared one. */
  @Test
  void aClientOverItsBoundLosesItsOldestResponseOnly() throws Exception {
    try (GatewayHarness own = GatewayHarness.start(Map.of(
        "ALLOWED_TOKENS", "[\"" + GatewayHarness.CLIENT_TOKEN + "\",\"" + OTHER_TOKEN + "\"]",
        "RESPONSES_STORE_MAX_PER_CLIENT", "2"))) {
      String others = keep(own, OTHER_TOKEN);
      List<String> ids = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        // Distinct milliseconds, so that "oldest" is the order the test made them in.
        Thread.sleep(5);
        ids.add(keep(own, GatewayHarness.CLIENT_TOKEN));
      }
      // The newest first: reading it waits for its save, which forgets the oldest.
      assertThat(read(own, ids.get(2), GatewayHarness.CLIENT_TOKEN).statusCode()).isEqualTo(200);
      assertThat(read(own, ids.get(1), GatewayHarness.CLIENT_TOKEN).statusCode()).isEqualTo(200);
      HttpResponse<String> oldest = read(own, ids.get(0), GatewayHarness.CLIENT_TOKEN);
      assertThat(oldest.statusCode()).as(oldest.body()).isEqualTo(404);
      HttpResponse<String> continued = own.post("/v1/responses", "{\"model\":\"gemini-2.5-flash\",\"input\":\"x\","
          + "\"previous_response_id\":\"" + ids.get(0) + "\"}", "authorization", "Bearer " + GatewayHarness.CLIENT_TOKEN,
          "content-type", "application/json");
      assertThat(continued.statusCode()).isEqualTo(404);
      assertThat(tree(continued.body()).path("error").path("code").asText()).isEqualTo("previous_response_not_found");
      assertThat(read(own, others, OTHER_TOKEN).statusCode()).as("another client's").isEqualTo(200);
    }
  }

  private static String keep(GatewayHarness gateway, String token) {
    HttpResponse<String> made = gateway.post("/v1/responses", "{\"model\":\"gemini-2.5-flash\",\"input\":\"Hi\"}",
        "authorization", "Bearer " + token, "content-type", "application/json");
    assertThat(made.statusCode()).as(made.body()).isEqualTo(200);
    assertThat(tree(made.body()).get("store").asBoolean()).isTrue();
    return tree(made.body()).get("id").asText();
  }

  private static HttpResponse<String> read(GatewayHarness gateway, String id, String token) {
    return gateway.get("/v1/responses/" + id, "authorization", "Bearer " + token);
  }

  @Test
  void storeFalseKeepsNothing() {
    JsonNode response = tree(post("/v1/responses",
        "{\"model\":\"gemini-2.5-flash\",\"input\":\"Hi\",\"store\":false}").body());
    assertThat(response.get("store").asBoolean()).isFalse();
    assertThat(get("/v1/responses/" + response.get("id").asText(), GatewayHarness.CLIENT_TOKEN).statusCode())
        .isEqualTo(404);
  }

  @Test
  void aRateLimitedKeyIsRetriedOnAnother() {
    h.fake.on(r -> r.path().endsWith(":generateContent"), Replies.rateLimited("30s"), 1);
    HttpResponse<String> res = post("/v1/responses", "{\"model\":\"gemini-2.5-flash\",\"input\":\"Hi\"}");
    assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
    List<Recorded> calls = h.fake.requests(":generateContent");
    assertThat(calls).hasSize(2);
    assertThat(calls.get(0).key()).isNotEqualTo(calls.get(1).key());
  }

  @Test
  void badInputIsA4xxInOpenAisShapeNamingTheField() {
    assertError(post("/v1/responses", "{\"model\":\"gemini-2.5-flash\"}"), 400, "input");
    assertError(post("/v1/responses", "{\"input\":\"Hi\"}"), 400, "model");
    assertError(post("/v1/responses", "{\"model\":\"gemini-2.5-flash\",\"input\":\"Hi\","
        + "\"tools\":[{\"type\":\"file_search\"}]}"), 400, "tools[0].type");
    assertError(post("/v1/responses", "{\"model\":\"gemini-2.5-flash\",\"input\":\"Hi\","
        + "\"tools\":[{\"type\":\"function\",\"name\":\"f\",\"parameters\":7}]}"), 400, "tools[0].parameters");
    assertError(post("/v1/responses", "{\"model\":\"gemini-2.5-flash\",\"input\":[{\"type\":"
        + "\"function_call_output\",\"call_id\":\"call_1\",\"output\":\"x\"}]}"), 400, "input[0].call_id");
    assertError(post("/v1/responses", "{\"model\":\"gemini-2.5-flash\",\"input\":[{\"role\":\"user\","
        + "\"content\":[{\"type\":\"input_image\",\"image_url\":\"ftp://x\"}]}]}"), 400, "input[0].content[0].image_url");
    assertError(post("/v1/responses", "{\"model\":\"gemini-2.5-flash\",\"input\":\"Hi\","
        + "\"text\":{\"format\":{\"type\":\"json_schema\",\"name\":\"x\"}}}"), 400, "text.format.schema");
    assertError(post("/v1/responses", "{\"model\":\"gemini-2.5-flash\",\"input\":\"Hi\","
        + "\"reasoning\":{\"effort\":\"huge\"}}"), 400, "reasoning.effort");
    assertError(post("/v1/responses", "{\"model\":\"gemini-2.5-flash\",\"input\":\"Hi\",\"background\":true}"),
        400, "background");
    assertError(post("/v1/responses", "{\"model\":\"gemini-2.5-flash\",\"input\":\"Hi\","
        + "\"previous_response_id\":\"nope\"}"), 400, "previous_response_id");
    assertError(post("/v1/responses", "{\"model\":\"gemini-2.5-flash\",\"input\":\"Hi\","
        + "\"previous_response_id\":\"resp_unknown\"}"), 404, "previous_response_id");
    assertError(post("/v1/responses", "not json"), 400, null);
    StringBuilder images = new StringBuilder();
    for (int i = 0; i < 11; i++) {
      images.append(i == 0 ? "" : ",").append("{\"type\":\"input_image\",\"image_url\":\"https://example.com/")
          .append(i).append(".png\"}");
    }
    assertError(post("/v1/responses", "{\"model\":\"gemini-2.5-flash\",\"input\":[{\"role\":\"user\","
        + "\"content\":[" + images + "]}]}"), 400, "input");
    assertError(get("/v1/responses/bad-id", GatewayHarness.CLIENT_TOKEN), 400, "response_id");
    assertError(get("/v1/responses/resp_missing", GatewayHarness.CLIENT_TOKEN), 404, "response_id");
    assertError(delete("/v1/responses/resp_missing", GatewayHarness.CLIENT_TOKEN), 404, "response_id");
    assertError(post("/v1/responses/resp_abc/cancel", ""), 400, "response_id");
    assertError(get("/v1/responses/resp_abc/input_items?limit=0", GatewayHarness.CLIENT_TOKEN), 400, "limit");
    assertThat(h.send(h.request("/v1/responses").POST(HttpRequest.BodyPublishers.ofString("{}")).build())
        .statusCode()).isEqualTo(401);
    assertThat(h.fake.requests(":generateContent")).as("no bad request reaches Google").isEmpty();
  }

  private static void assertError(HttpResponse<String> res, int status, String param) {
    assertThat(res.statusCode()).as(res.body()).isEqualTo(status);
    JsonNode error = tree(res.body()).get("error");
    assertThat(error.get("message").asText()).isNotBlank();
    assertThat(error.get("type").asText()).isNotBlank();
    if (param == null) {
      assertThat(error.get("param").isNull()).isTrue();
    } else {
      assertThat(error.get("param").asText()).isEqualTo(param);
    }
  }
}
