package io.geminibalance.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.genai.Client;
import com.google.genai.ResponseStream;
import com.google.genai.errors.ApiException;
import com.google.genai.types.CountTokensResponse;
import com.google.genai.types.GenerateContentResponse;
import com.google.genai.types.HttpOptions;
import io.geminibalance.testing.FakeGemini;
import io.geminibalance.testing.GatewayHarness;
import io.geminibalance.testing.Recorded;
import io.geminibalance.testing.Replies;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Google's Gen AI Java SDK in Vertex AI express mode ({@code vertexAI(true)} with an API key),
 * pointed at the gateway's {@code /vertex-express} with apiVersion {@code v1beta}: it calls
 * {@code /vertex-express/v1beta/publishers/google/models/{model}:{method}}, which the gateway
 * relays to VERTEX_EXPRESS_BASE_URL with a key of the Vertex pool.
 */
class GoogleGenAiSdkVertexExpressTest {
  static final String VERTEX_KEY = "AQ.sdk-vertex-key-0001";
  static Vertx fakeVertx;
  static FakeGemini vertexFake;
  static GatewayHarness h;
  static Client client;

  @BeforeAll
  static void start() {
    fakeVertx = Vertx.vertx();
    vertexFake = FakeGemini.start(fakeVertx);
    h = GatewayHarness.start(Map.of("VERTEX_API_KEYS", VERTEX_KEY,
        "VERTEX_EXPRESS_BASE_URL", vertexFake.baseUrl().replace("/v1beta", "/v1beta1/publishers/google")));
    client = Client.builder().apiKey(GatewayHarness.CLIENT_TOKEN).vertexAI(true)
        .httpOptions(HttpOptions.builder().baseUrl(h.url("/vertex-express")).apiVersion("v1beta").build())
        .build();
  }

  @AfterAll
  static void stop() throws Exception {
    h.close();
    vertexFake.close();
    fakeVertx.close().await(10, TimeUnit.SECONDS);
  }

  @BeforeEach
  void reset() {
    vertexFake.reset();
  }

  @Test
  void generateContent() {
    GenerateContentResponse response = client.models.generateContent("gemini-2.5-flash", "Hello?", null);
    assertThat(response.text()).isEqualTo("Hello from fake");
    Recorded upstream = vertexFake.requests().get(0);
    assertThat(upstream.path()).isEqualTo("/v1beta1/publishers/google/models/gemini-2.5-flash:generateContent");
    assertThat(upstream.key()).isEqualTo(VERTEX_KEY);
    assertThat(upstream.bodyText()).contains("Hello?");
    assertThat(h.fake.requests()).isEmpty();
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
    assertThat(vertexFake.requests().get(0).query()).isEqualTo("alt=sse");
  }

  @Test
  void countTokens() {
    CountTokensResponse response = client.models.countTokens("gemini-2.5-flash", "Hello?", null);
    assertThat(response.totalTokens()).hasValue(5);
  }

  @Test
  void googlesErrorReachesTheSdkAsItsOwn() {
    vertexFake.on(r -> true, Replies.googleError(400, "INVALID_ARGUMENT", "Request contains an invalid argument."));
    assertThatThrownBy(() -> client.models.generateContent("gemini-2.5-flash", "Hello?", null))
        .isInstanceOf(ApiException.class)
        .satisfies(e -> assertThat(((ApiException) e).code()).isEqualTo(400))
        .hasMessageContaining("invalid argument");
  }
}
