package io.geminibalance.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.genai.Client;
import com.google.genai.ResponseStream;
import com.google.genai.errors.ApiException;
import com.google.genai.types.CountTokensResponse;
import com.google.genai.types.EmbedContentResponse;
import com.google.genai.types.GenerateContentResponse;
import com.google.genai.types.HttpOptions;
import com.google.genai.types.ListModelsConfig;
import com.google.genai.types.Model;
import io.geminibalance.testing.GatewayHarness;
import io.geminibalance.testing.Recorded;
import io.geminibalance.testing.Replies;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Google's own Gen AI Java SDK, pointed at the gateway, must work unchanged. */
class GoogleGenAiSdkTest {
  static GatewayHarness h;
  static Client client;

  @BeforeAll
  static void start() {
    h = GatewayHarness.start();
    client = sdk(GatewayHarness.CLIENT_TOKEN);
  }

  static Client sdk(String token) {
    return Client.builder().apiKey(token).vertexAI(false)
        .httpOptions(HttpOptions.builder().baseUrl(h.url("")).build()).build();
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
  void generateContent() {
    GenerateContentResponse response = client.models.generateContent("gemini-2.5-flash", "Hello?", null);
    assertThat(response.text()).isEqualTo("Hello from fake");
    Recorded upstream = h.fake.requests().get(0);
    assertThat(upstream.path()).isEqualTo("/v1beta/models/gemini-2.5-flash:generateContent");
    assertThat(upstream.bodyText()).contains("Hello?");
    assertThat(upstream.key()).startsWith("key-");
  }

  @Test
  void streamingDeliversEveryChunk() {
    List<String> texts = new ArrayList<>();
    try (ResponseStream<GenerateContentResponse> stream =
        client.models.generateContentStream("gemini-2.5-flash", "Hello?", null)) {
      for (GenerateContentResponse chunk : stream) {
        texts.add(chunk.text());
      }
    }
    assertThat(String.join("", texts)).isEqualTo("Hello from fake");
    assertThat(h.fake.requests().get(0).query()).isEqualTo("alt=sse");
  }

  @Test
  void countTokens() {
    CountTokensResponse response = client.models.countTokens("gemini-2.5-flash", "Hello?", null);
    assertThat(response.totalTokens()).hasValue(5);
  }

  @Test
  void embedContentUsesBatchEmbedContents() {
    EmbedContentResponse response = client.models.embedContent("text-embedding-004", "Hello?", null);
    assertThat(response.embeddings()).isPresent();
    assertThat(response.embeddings().get()).hasSize(1);
    assertThat(h.fake.requests().get(0).path()).endsWith(":batchEmbedContents");
  }

  @Test
  void listModelsWithoutFilteredOnes() {
    List<String> names = new ArrayList<>();
    for (Model model : client.models.list(ListModelsConfig.builder().build())) {
      names.add(model.name().orElse(""));
    }
    assertThat(names).contains("models/gemini-2.5-flash", "models/gemini-2.5-pro")
        .doesNotContain("models/gemini-pro-vision");
  }

  @Test
  void upstreamErrorsSurfaceAsSdkErrorsWithTheirStatus() {
    h.fake.on(r -> true, Replies.googleError(400, "INVALID_ARGUMENT", "bad request from test"));
    assertThatThrownBy(() -> client.models.generateContent("gemini-2.5-flash", "x", null))
        .isInstanceOf(ApiException.class)
        .satisfies(e -> assertThat(((ApiException) e).code()).isEqualTo(400))
        .hasMessageContaining("bad request from test");
  }

  @Test
  void wrongTokenIsRejected() {
    assertThatThrownBy(() -> sdk("wrong-token").models.generateContent("gemini-2.5-flash", "x", null))
        .isInstanceOf(ApiException.class)
        .satisfies(e -> assertThat(((ApiException) e).code()).isEqualTo(401));
    assertThat(h.fake.requests()).isEmpty();
  }
}
