package io.geminibalance.relay;

import static io.geminibalance.testing.GatewayHarness.CLIENT_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.geminibalance.testing.FakeImageHost;
import io.geminibalance.testing.GatewayHarness;
import io.geminibalance.testing.ImageHost;
import io.geminibalance.testing.Recorded;
import io.geminibalance.testing.Replies;
import java.net.http.HttpResponse;
import java.util.Base64;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code POST /v1/images/generations} and the image chat model, end to end over FakeGemini. */
class OpenAiImagesTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String IMAGEN = "imagen-4.0-generate-001";
  private static final String PNG_B64 = Base64.getEncoder().encodeToString(ImageHost.PNG);

  @RegisterExtension
  static final GatewayHarness h = GatewayHarness.start();

  static String predictions(int n) {
    StringBuilder out = new StringBuilder("{\"predictions\":[");
    for (int i = 0; i < n; i++) {
      out.append(i == 0 ? "" : ",").append("{\"bytesBase64Encoded\":\"").append(PNG_B64)
          .append("\",\"mimeType\":\"image/png\"}");
    }
    return out.append("]}").toString();
  }

  private static HttpResponse<String> images(GatewayHarness g, String prefix, String body) {
    return g.post(prefix + "/images/generations", body, "authorization", "Bearer " + CLIENT_TOKEN,
        "content-type", "application/json");
  }

  private static JsonNode json(String text) throws Exception {
    return JSON.readTree(text);
  }

  @Test
  void b64JsonAnswersCarryImagenBytesAndThePromptWithoutTokens() throws Exception {
    h.fake.on(r -> r.path().endsWith(":predict"), Replies.json(200, predictions(3)));
    HttpResponse<String> answer = images(h, "/v1", "{\"model\":\"dall-e-3\",\"prompt\":\"a red fox {n:3} {ratio:16:9}\","
        + "\"response_format\":\"b64_json\",\"size\":\"1024x1024\"}");
    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
    JsonNode data = json(answer.body()).path("data");
    assertThat(data).hasSize(3);
    assertThat(Base64.getDecoder().decode(data.get(0).path("b64_json").asText())).isEqualTo(ImageHost.PNG);
    assertThat(data.get(0).path("revised_prompt").asText()).isEqualTo("a red fox");
    assertThat(json(answer.body()).path("created").asLong()).isPositive();
    Recorded predict = h.fake.requests(":predict").get(0);
    assertThat(predict.path()).isEqualTo("/v1beta/models/" + IMAGEN + ":predict");
    JsonNode sent = json(predict.bodyText());
    assertThat(sent.path("instances").get(0).path("prompt").asText()).isEqualTo("a red fox");
    assertThat(sent.path("parameters").path("sampleCount").asInt()).isEqualTo(3);
    assertThat(sent.path("parameters").path("aspectRatio").asText()).isEqualTo("16:9");
    assertThat(predict.key()).isIn(GatewayHarness.KEY_A, GatewayHarness.KEY_B, GatewayHarness.KEY_C);
  }

  @Test
  void urlAnswersWithoutAHostAreDataUrlsAndHfV1ServesToo() throws Exception {
    h.fake.on(r -> r.path().endsWith(":predict"), Replies.json(200, predictions(1)));
    HttpResponse<String> answer = images(h, "/hf/v1", "{\"prompt\":\"a lighthouse\",\"size\":\"1024x1792\"}");
    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
    assertThat(json(answer.body()).path("data").get(0).path("url").asText())
        .isEqualTo("data:image/png;base64," + PNG_B64);
    assertThat(json(h.fake.requests(":predict").get(0).bodyText()).path("parameters").path("aspectRatio").asText())
        .isEqualTo("9:16");
  }

  @Test
  void aPromptBlockedByTheSafetyFilterIsA400ContentPolicyViolation() throws Exception {
    h.fake.on(r -> r.path().endsWith(":predict"),
        Replies.json(200, "{\"predictions\":[{\"raiFilteredReason\":\"Unsafe content.\"}]}"));
    HttpResponse<String> answer = images(h, "/v1", "{\"prompt\":\"something blocked\"}");
    assertThat(answer.statusCode()).isEqualTo(400);
    JsonNode error = json(answer.body()).path("error");
    assertThat(error.path("code").asText()).isEqualTo("content_policy_violation");
    assertThat(error.path("type").asText()).isEqualTo("invalid_request_error");
    assertThat(error.path("message").asText()).contains("Unsafe content.");
    assertThat(h.fake.requests(":predict")).hasSize(1);
  }

  @Test
  void aKeyAt429IsLeftForAnotherKey() throws Exception {
    h.fake.on(r -> r.path().endsWith(":predict"), Replies.rateLimited("30s"), 1);
    h.fake.on(r -> r.path().endsWith(":predict"), Replies.json(200, predictions(1)));
    HttpResponse<String> answer = images(h, "/v1", "{\"prompt\":\"a cat\",\"response_format\":\"b64_json\"}");
    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
    assertThat(h.fake.requests(":predict")).hasSize(2);
    Set<String> keys = h.fake.requests(":predict").stream().map(Recorded::key).collect(Collectors.toSet());
    assertThat(keys).hasSize(2);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "{\"prompt\":\"x\",\"n\":5}                              | n",
      "{\"prompt\":\"x\",\"n\":0}                              | n",
      "{\"prompt\":\"x\",\"n\":\"two\"}                        | n",
      "{\"prompt\":\"x\",\"size\":\"1027x1792\"}               | size",
      "{\"prompt\":\"x\",\"response_format\":\"png\"}          | response_format",
      "{\"prompt\":\"x\",\"quality\":\"ultra\"}                | quality",
      "{\"prompt\":\"x\",\"style\":\"cartoon\"}                | style",
      "{\"prompt\":\"x\",\"background\":\"transparent\"}       | background",
      "{\"prompt\":\"x\",\"output_format\":\"webp\"}           | output_format",
      "{\"prompt\":\"x\",\"model\":\"gemini-2.5-flash\"}       | model",
      "{\"prompt\":\"x {n:9}\"}                                | prompt",
      "{\"prompt\":\"x {ratio:2:1}\"}                          | prompt",
      "{\"prompt\":\"{n:2}\"}                                  | prompt",
      "{\"n\":1}                                               | prompt",
      "{\"prompt\":42}                                         | prompt",
  })
  void badInputIsA400NamingTheFieldAndNothingGoesUpstream(String body, String field) throws Exception {
    HttpResponse<String> answer = images(h, "/v1", body);
    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(400);
    JsonNode error = json(answer.body()).path("error");
    assertThat(error.path("param").asText()).isEqualTo(field);
    assertThat(error.path("type").asText()).isEqualTo("invalid_request_error");
    assertThat(error.path("message").asText()).isNotBlank();
    assertThat(h.fake.requests(":predict")).isEmpty();
  }

  @Test
  void notJsonAndNoTokenAreRefused() {
    assertThat(images(h, "/v1", "not json").statusCode()).isEqualTo(400);
    HttpResponse<String> anonymous = h.post("/v1/images/generations", "{\"prompt\":\"x\"}");
    assertThat(anonymous.statusCode()).isEqualTo(401);
    assertThat(h.get("/v1/images/generations", "authorization", "Bearer " + CLIENT_TOKEN).statusCode())
        .isEqualTo(404);
    assertThat(h.fake.requests(":predict")).isEmpty();
  }

  @Test
  void theImageChatModelAnswersMarkdownImagesWholeAndStreamed() throws Exception {
    h.fake.on(r -> r.path().endsWith(":predict"), Replies.json(200, predictions(2)));
    String request = "{\"model\":\"" + IMAGEN + "-chat\",\"messages\":[{\"role\":\"user\",\"content\":\"earlier\"},"
        + "{\"role\":\"assistant\",\"content\":\"ok\"},{\"role\":\"user\",\"content\":[{\"type\":\"text\","
        + "\"text\":\"two moons {n:2}\"}]}]";
    HttpResponse<String> whole = h.post("/v1/chat/completions", request + "}", "authorization",
        "Bearer " + CLIENT_TOKEN, "content-type", "application/json");
    assertThat(whole.statusCode()).as(whole.body()).isEqualTo(200);
    JsonNode completion = json(whole.body());
    assertThat(completion.path("model").asText()).isEqualTo(IMAGEN + "-chat");
    assertThat(completion.path("choices").get(0).path("message").path("content").asText())
        .isEqualTo("![image 1](data:image/png;base64," + PNG_B64 + ")\n\n![image 2](data:image/png;base64,"
            + PNG_B64 + ")");
    JsonNode sent = json(h.fake.requests(":predict").get(0).bodyText());
    assertThat(sent.path("instances").get(0).path("prompt").asText()).isEqualTo("two moons");
    assertThat(sent.path("parameters").path("sampleCount").asInt()).isEqualTo(2);

    HttpResponse<String> streamed = h.post("/v1/chat/completions", request + ",\"stream\":true}", "authorization",
        "Bearer " + CLIENT_TOKEN, "content-type", "application/json");
    assertThat(streamed.statusCode()).isEqualTo(200);
    assertThat(streamed.headers().firstValue("content-type").orElse("")).startsWith("text/event-stream");
    assertThat(streamed.body()).contains("\"role\":\"assistant\"").contains("![image 2](data:image/png;base64,")
        .contains("\"finish_reason\":\"stop\"").endsWith("data: [DONE]\n\n");
  }

  @Test
  void theImageChatModelWithoutAUserPromptIsA400() throws Exception {
    HttpResponse<String> answer = h.post("/v1/chat/completions", "{\"model\":\"" + IMAGEN + "-chat\",\"messages\":"
        + "[{\"role\":\"system\",\"content\":\"be nice\"}]}", "authorization", "Bearer " + CLIENT_TOKEN,
        "content-type", "application/json");
    assertThat(answer.statusCode()).isEqualTo(400);
    assertThat(json(answer.body()).path("error").path("param").asText()).isEqualTo("messages");
  }

  @Test
  void withAPaidKeyImagenGoesToIt() throws Exception {
    try (GatewayHarness g = GatewayHarness.start(Map.of("PAID_KEY", "paid-key-pppp-9999"))) {
      g.fake.on(r -> r.path().endsWith(":predict"), Replies.json(200, predictions(1)));
      assertThat(images(g, "/v1", "{\"prompt\":\"x\"}").statusCode()).isEqualTo(200);
      assertThat(g.fake.requests(":predict")).extracting(Recorded::key).containsOnly("paid-key-pppp-9999");
    }
  }

  @Test
  void withAnImageHostUrlAnswersLinkToTheUploadedImages() throws Exception {
    try (FakeImageHost host = FakeImageHost.start();
        GatewayHarness g = GatewayHarness.start(Map.of("UPLOAD_PROVIDER", "cloudflare_imgbed",
            "CLOUDFLARE_IMGBED_URL", host.url("/upload"), "CLOUDFLARE_IMGBED_AUTH_CODE", "code-1234",
            "CREATE_IMAGE_MODEL", "imagen-4.0-fast-generate-001"))) {
      host.answer(FakeImageHost.Answer.json(200, "[{\"src\":\"/file/abc.png\"}]"));
      g.fake.on(r -> r.path().endsWith(":predict"), Replies.json(200, predictions(2)));
      HttpResponse<String> answer = images(g, "/v1", "{\"model\":\"gpt-image-1\",\"prompt\":\"x\",\"n\":2}");
      assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
      JsonNode data = json(answer.body()).path("data");
      assertThat(data).hasSize(2);
      assertThat(data.get(0).path("url").asText()).isEqualTo(host.url("/file/abc.png"));
      assertThat(host.uploads()).hasSize(2);
      assertThat(g.fake.requests(":predict").get(0).path()).endsWith("/imagen-4.0-fast-generate-001:predict");

      // b64_json needs no host: nothing more is uploaded.
      assertThat(images(g, "/v1", "{\"prompt\":\"x\",\"response_format\":\"b64_json\"}").statusCode())
          .isEqualTo(200);
      assertThat(host.uploads()).hasSize(2);

      // The host fails twice (first try and retry): the image comes back as a data URL.
      host.answer(FakeImageHost.Answer.json(500, "{\"error\":\"down\"}"));
      g.fake.reset();
      g.fake.on(r -> r.path().endsWith(":predict"), Replies.json(200, predictions(1)));
      HttpResponse<String> fallback = images(g, "/v1", "{\"prompt\":\"x\",\"n\":1}");
      assertThat(fallback.statusCode()).isEqualTo(200);
      assertThat(json(fallback.body()).path("data").get(0).path("url").asText()).startsWith("data:image/png;base64,");
      assertThat(host.uploads()).hasSize(4);
    }
  }

  @Test
  void imagesInChatAnswersAreUploadedWhenAHostIsConfigured() throws Exception {
    String inline = "{\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"Here:\"},{\"inlineData\":"
        + "{\"mimeType\":\"image/png\",\"data\":\"" + PNG_B64 + "\"}}],\"role\":\"model\"},"
        + "\"finishReason\":\"STOP\",\"index\":0}]}";
    String chat = "{\"model\":\"gemini-2.5-flash-image-preview-image\",\"messages\":[{\"role\":\"user\","
        + "\"content\":\"draw\"}]}";
    h.fake.on(r -> r.path().endsWith(":generateContent"), Replies.json(200, inline));
    HttpResponse<String> plain = h.post("/v1/chat/completions", chat, "authorization", "Bearer " + CLIENT_TOKEN,
        "content-type", "application/json");
    assertThat(json(plain.body()).path("choices").get(0).path("message").path("content").asText())
        .contains("![image](data:image/png;base64," + PNG_B64 + ")");
    try (FakeImageHost host = FakeImageHost.start();
        GatewayHarness g = GatewayHarness.start(Map.of("UPLOAD_PROVIDER", "cloudflare_imgbed",
            "CLOUDFLARE_IMGBED_URL", host.url("/upload"), "CLOUDFLARE_IMGBED_AUTH_CODE", "code-1"))) {
      host.answer(FakeImageHost.Answer.json(200, "[{\"src\":\"/file/chat.png\"}]"));
      g.fake.on(r -> r.path().endsWith(":generateContent"), Replies.json(200, inline));
      HttpResponse<String> hosted = g.post("/v1/chat/completions", chat, "authorization", "Bearer " + CLIENT_TOKEN,
          "content-type", "application/json");
      assertThat(hosted.statusCode()).as(hosted.body()).isEqualTo(200);
      String content = json(hosted.body()).path("choices").get(0).path("message").path("content").asText();
      assertThat(content).contains("Here:").contains("![image](" + host.url("/file/chat.png") + ")")
          .doesNotContain("base64");
      assertThat(host.uploads()).hasSize(1);
    }
  }

  @Test
  void theImageChatModelIsListed() throws Exception {
    HttpResponse<String> list = h.get("/v1/models", "authorization", "Bearer " + CLIENT_TOKEN);
    JsonNode data = json(list.body()).path("data");
    assertThat(data.get(data.size() - 1).path("id").asText()).isEqualTo(IMAGEN + "-chat");
    assertThat(h.get("/v1/models/" + IMAGEN + "-chat", "authorization", "Bearer " + CLIENT_TOKEN).statusCode())
        .isEqualTo(200);
  }

  @Test
  void openAiV1ImagesGoToGooglesLayerWithOpenAiNamesAsCreateImageModel() throws Exception {
    try (GatewayHarness g = GatewayHarness.start(Map.of("PAID_KEY", "paid-key-pppp-9999"))) {
      g.fake.on(r -> r.path().equals("/v1beta/openai/images/generations"), Replies.json(200, "{\"data\":[]}"));
      HttpResponse<String> renamed = g.post("/openai/v1/images/generations",
          "{\"model\":\"dall-e-3\",\"prompt\":\"x\",\"response_format\":\"b64_json\"}",
          "authorization", "Bearer " + CLIENT_TOKEN);
      assertThat(renamed.statusCode()).isEqualTo(200);
      String own = "{\"model\":\"imagen-4.0-ultra-generate-001\",\"prompt\":\"y\"}";
      assertThat(g.post("/openai/v1/images/generations", own, "authorization", "Bearer " + CLIENT_TOKEN)
          .statusCode()).isEqualTo(200);
      var sent = g.fake.requests("/openai/images/generations");
      assertThat(sent).hasSize(2);
      assertThat(json(sent.get(0).bodyText()).path("model").asText()).isEqualTo(IMAGEN);
      assertThat(json(sent.get(0).bodyText()).path("response_format").asText()).isEqualTo("b64_json");
      assertThat(sent.get(1).bodyText()).isEqualTo(own);
      assertThat(sent).allSatisfy(r -> assertThat(r.headers().get("authorization"))
          .isEqualTo("Bearer paid-key-pppp-9999"));
    }
  }
}
