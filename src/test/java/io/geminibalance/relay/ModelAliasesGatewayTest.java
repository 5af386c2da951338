package io.geminibalance.relay;

import static io.geminibalance.testing.GatewayHarness.ADMIN_TOKEN;
import static io.geminibalance.testing.GatewayHarness.CLIENT_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.geminibalance.testing.GatewayHarness;
import io.geminibalance.testing.Recorded;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** MODEL_ALIASES on every surface of the running gateway, and its validation when saved or at start. */
class ModelAliasesGatewayTest {
  static final String ALIASES = "{\"fast\":\"gemini-2.5-flash\",\"web\":\"gemini-2.5-flash-search\","
      + "\"my-embed\":\"models/text-embedding-004\",\"narrator\":\"gemini-2.5-pro-preview-tts\"}";

  @RegisterExtension
  static final GatewayHarness h = GatewayHarness.start(Map.of("MODEL_ALIASES", ALIASES));

  static final ObjectMapper JSON = new ObjectMapper();
  static final String BEARER = "Bearer " + CLIENT_TOKEN;

  static JsonNode json(String text) {
    try {
      return JSON.readTree(text);
    } catch (Exception e) {
      throw new IllegalStateException(text, e);
    }
  }

  @Test
  void aNativeModelPathMayNameAnAliasAndTheBodyPassesUnchanged() {
    String body = "{\"contents\":[{\"parts\":[{\"text\":\"hi\"}]}]}";
    HttpResponse<String> response = h.post("/v1beta/models/fast:generateContent", body, "x-goog-api-key", CLIENT_TOKEN);
    assertThat(response.statusCode()).isEqualTo(200);
    HttpResponse<String> onV1 = h.post("/v1/models/fast:countTokens", body, "x-goog-api-key", CLIENT_TOKEN);
    assertThat(onV1.statusCode()).isEqualTo(200);
    assertThat(h.get("/gemini/v1beta/models/fast", "x-goog-api-key", CLIENT_TOKEN).statusCode()).isEqualTo(200);
    assertThat(h.fake.requests()).extracting(Recorded::path).containsExactly(
        "/v1beta/models/gemini-2.5-flash:generateContent", "/v1beta/models/gemini-2.5-flash:countTokens",
        "/v1beta/models/gemini-2.5-flash");
    assertThat(h.fake.requests().get(0).bodyText()).isEqualTo(body);
  }

  @Test
  void aNameThatIsNoAliasGoesUpstreamAsItIs() {
    h.post("/v1beta/models/gemini-2.0-flash:generateContent", "{\"contents\":[{\"parts\":[{\"text\":\"hi\"}]}]}",
        "x-goog-api-key", CLIENT_TOKEN);
    assertThat(h.fake.requests()).extracting(Recorded::path)
        .containsExactly("/v1beta/models/gemini-2.0-flash:generateContent");
  }

  @Test
  void openAiChatResolvesTheAliasAndEchoesTheNameSent() {
    HttpResponse<String> response = h.post("/v1/chat/completions",
        "{\"model\":\"fast\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", "authorization", BEARER,
        "content-type", "application/json");
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(json(response.body()).path("model").asText()).isEqualTo("fast");
    assertThat(h.fake.requests()).extracting(Recorded::path)
        .containsExactly("/v1beta/models/gemini-2.5-flash:generateContent");
  }

  @Test
  void anthropicMessagesResolveTheAliasAndEchoTheNameSent() {
    HttpResponse<String> response = h.post("/v1/messages",
        "{\"model\":\"fast\",\"max_tokens\":16,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
        "x-api-key", CLIENT_TOKEN, "content-type", "application/json");
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    assertThat(json(response.body()).path("model").asText()).isEqualTo("fast");
    assertThat(json(response.body()).path("content").path(0).path("text").asText()).isEqualTo("Hello from fake");

    HttpResponse<String> streamed = h.post("/v1/messages",
        "{\"model\":\"fast\",\"max_tokens\":16,\"stream\":true,"
            + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
        "x-api-key", CLIENT_TOKEN, "content-type", "application/json");
    assertThat(streamed.statusCode()).isEqualTo(200);
    String start = streamed.body().lines().filter(l -> l.startsWith("data:") && l.contains("message_start"))
        .findFirst().orElseThrow();
    assertThat(json(start.substring("data:".length())).path("message").path("model").asText()).isEqualTo("fast");
    assertThat(h.fake.requests()).extracting(Recorded::path).containsExactly(
        "/v1beta/models/gemini-2.5-flash:generateContent", "/v1beta/models/gemini-2.5-flash:streamGenerateContent");
  }

  @Test
  void theResponsesApiResolvesTheAliasAndEchoesTheNameSent() {
    HttpResponse<String> response = h.post("/v1/responses", "{\"model\":\"fast\",\"input\":\"hi\"}",
        "authorization", BEARER, "content-type", "application/json");
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    assertThat(json(response.body()).path("model").asText()).isEqualTo("fast");
    assertThat(h.fake.requests()).extracting(Recorded::path)
        .containsExactly("/v1beta/models/gemini-2.5-flash:generateContent");
  }

  @Test
  void theCompatibilitySurfaceSendsGoogleTheAliasTarget() {
    String body = "{\"model\":\"fast\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"seed\":7}";
    HttpResponse<String> response = h.post("/openai/v1/chat/completions", body, "authorization", BEARER,
        "content-type", "application/json");
    assertThat(response.statusCode()).isEqualTo(200);
    Recorded upstream = h.fake.requests("/chat/completions").get(0);
    assertThat(json(upstream.bodyText())).isEqualTo(json(body.replace("\"fast\"", "\"gemini-2.5-flash\"")));
    String plain = "{\"model\":\"gemini-2.0-flash\",  \"messages\":[]}";
    h.post("/openai/v1/chat/completions", plain, "authorization", BEARER, "content-type", "application/json");
    assertThat(h.fake.requests("/chat/completions").get(1).bodyText()).as("no alias: bytes unchanged").isEqualTo(plain);
  }

  /** A lookup on Google's own layer asks for the alias's target; its answer passes unchanged, as every answer there. */
  @Test
  void aModelLookupOnTheCompatibilitySurfaceAsksForTheAliasTarget() {
    String prefix = "/openai/models/";
    h.fake.on(r -> r.path().contains(prefix), (r, res, raw) -> res.setStatusCode(200)
        .putHeader("content-type", "application/json").end("{\"id\":\"" + r.path().substring(
            r.path().indexOf(prefix) + prefix.length()) + "\",\"object\":\"model\",\"owned_by\":\"google\"}"));
    HttpResponse<String> alias = h.get("/openai/v1/models/fast", "authorization", BEARER);
    assertThat(alias.statusCode()).as(alias.body()).isEqualTo(200);
    assertThat(json(alias.body()).path("id").asText()).isEqualTo("gemini-2.5-flash");
    assertThat(h.fake.requests(prefix + "gemini-2.5-flash")).hasSize(1);
    HttpResponse<String> plain = h.get("/openai/v1/models/gemini-2.5-pro", "authorization", BEARER);
    assertThat(json(plain.body()).path("id").asText()).isEqualTo("gemini-2.5-pro");
  }

  @Test
  void anAliasMayStandForAVirtualModel() {
    HttpResponse<String> response = h.post("/hf/v1/chat/completions",
        "{\"model\":\"web\",\"messages\":[{\"role\":\"user\",\"content\":\"news?\"}]}", "authorization", BEARER,
        "content-type", "application/json");
    assertThat(response.statusCode()).isEqualTo(200);
    Recorded upstream = h.fake.requests(":generateContent").get(0);
    assertThat(upstream.path()).isEqualTo("/v1beta/models/gemini-2.5-flash:generateContent");
    assertThat(json(upstream.bodyText()).path("tools").toString()).contains("googleSearch");
  }

  @Test
  void theOpenAiModelListShowsAliasesOfListedModels() {
    HttpResponse<String> list = h.get("/v1/models", "authorization", BEARER);
    assertThat(list.statusCode()).isEqualTo(200);
    assertThat(json(list.body()).path("data").findValuesAsText("id")).contains("fast", "web").doesNotContain("narrator");
    assertThat(h.get("/v1/models/fast", "authorization", BEARER).statusCode()).isEqualTo(200);
  }

  @Test
  void embeddingsResolveTheAliasAndEchoTheNameSent() {
    HttpResponse<String> response = h.post("/v1/embeddings", "{\"model\":\"my-embed\",\"input\":\"hello\"}",
        "authorization", BEARER, "content-type", "application/json");
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(json(response.body()).path("model").asText()).isEqualTo("my-embed");
    Recorded upstream = h.fake.requests(":batchEmbedContents").get(0);
    assertThat(upstream.path()).isEqualTo("/v1beta/models/text-embedding-004:batchEmbedContents");
  }

  @Test
  void speechResolvesTheAlias() {
    h.fake.on(r -> r.path().endsWith(":generateContent"),
        io.geminibalance.testing.Replies.json(200, OpenAiAudioTest.audioAnswer(new byte[] {1, 0})));
    HttpResponse<String> response = h.post("/v1/audio/speech", "{\"model\":\"narrator\",\"input\":\"Once\"}",
        "authorization", BEARER, "content-type", "application/json");
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(h.fake.requests()).extracting(Recorded::path)
        .containsExactly("/v1beta/models/gemini-2.5-pro-preview-tts:generateContent");
  }

  private static HttpResponse<String> putConfig(GatewayHarness gateway, String body) {
    return gateway.send(gateway.request("/api/config", "authorization", "Bearer " + ADMIN_TOKEN, "content-type",
        "application/json").PUT(HttpRequest.BodyPublishers.ofString(body)).build());
  }

  @Test
  void aMalformedTargetIsRefusedWhenSavedAndAGoodOneAppliesAtOnce() {
    try (GatewayHarness g = GatewayHarness.start()) {
      HttpResponse<String> bad = putConfig(g, "{\"MODEL_ALIASES\":{\"quick\":\"../files/secret\"}}");
      assertThat(bad.statusCode()).isEqualTo(400);
      assertThat(bad.body()).contains("MODEL_ALIASES").contains("quick");
      HttpResponse<String> notText = putConfig(g, "{\"MODEL_ALIASES\":{\"quick\":3}}");
      assertThat(notText.statusCode()).isEqualTo(400);
      assertThat(notText.body()).contains("MODEL_ALIASES");
      g.post("/v1beta/models/quick:generateContent", "{\"contents\":[]}", "x-goog-api-key", CLIENT_TOKEN);
      assertThat(g.fake.requests()).extracting(Recorded::path).containsExactly("/v1beta/models/quick:generateContent");

      assertThat(putConfig(g, "{\"MODEL_ALIASES\":{\"quick\":\"gemini-2.0-flash\"}}").statusCode()).isEqualTo(200);
      g.fake.reset();
      g.post("/v1beta/models/quick:generateContent", "{\"contents\":[]}", "x-goog-api-key", CLIENT_TOKEN);
      assertThat(g.fake.requests()).extracting(Recorded::path)
          .containsExactly("/v1beta/models/gemini-2.0-flash:generateContent");
    }
  }

  @Test
  void badAudioSettingsAreRefusedWhenSavedAndAVoiceIsTakenInAnyCase() {
    try (GatewayHarness g = GatewayHarness.start()) {
      HttpResponse<String> voice = putConfig(g, "{\"TTS_VOICE_NAME\":\"Robot\"}");
      assertThat(voice.statusCode()).isEqualTo(400);
      assertThat(voice.body()).contains("\"param\":\"TTS_VOICE_NAME\"").contains("Zephyr");
      HttpResponse<String> model = putConfig(g, "{\"TTS_MODEL\":\"../x\"}");
      assertThat(model.statusCode()).isEqualTo(400);
      assertThat(model.body()).contains("\"param\":\"TTS_MODEL\"");
      assertThat(putConfig(g, "{\"TRANSCRIPTION_MODEL\":\"a b\"}").body()).contains("\"param\":\"TRANSCRIPTION_MODEL\"");
      assertThat(putConfig(g, "{\"TTS_SPEED\":\"warp\"}").body()).contains("\"param\":\"TTS_SPEED\"");

      assertThat(putConfig(g, "{\"TTS_VOICE_NAME\":\"kore\",\"TTS_SPEED\":\"fast\","
          + "\"TTS_MODEL\":\"gemini-2.5-pro-preview-tts\"}").statusCode()).isEqualTo(200);
      g.fake.on(r -> r.path().endsWith(":generateContent"),
          io.geminibalance.testing.Replies.json(200, OpenAiAudioTest.audioAnswer(new byte[] {1, 0})));
      HttpResponse<String> speech = g.post("/v1/audio/speech", "{\"model\":\"tts-1\",\"input\":\"Go\"}",
          "authorization", BEARER, "content-type", "application/json");
      assertThat(speech.statusCode()).isEqualTo(200);
      Recorded upstream = g.fake.requests(":generateContent").get(0);
      assertThat(upstream.path()).isEqualTo("/v1beta/models/gemini-2.5-pro-preview-tts:generateContent");
      JsonNode sent = json(upstream.bodyText());
      assertThat(sent.at("/generationConfig/speechConfig/voiceConfig/prebuiltVoiceConfig/voiceName").asText())
          .isEqualTo("Kore");
      assertThat(sent.at("/contents/0/parts/0/text").asText()).isEqualTo("Speak quickly. Say the following text:\nGo");
    }
  }

  @Test
  void aMalformedAliasStopsStartUpNamingTheSetting() {
    Throwable failure = catchThrowable(() -> GatewayHarness.start(Map.of("MODEL_ALIASES", "{\"a b\":\"gemini-2.5-flash\"}")).close());
    assertThat(failure).isNotNull();
    Throwable root = failure;
    while (root.getCause() != null) {
      root = root.getCause();
    }
    assertThat(root.getMessage()).contains("MODEL_ALIASES");
  }
}
