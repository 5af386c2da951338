package io.geminibalance.sdk;

import static io.geminibalance.sdk.OpenAiSdkSupport.body;
import static io.geminibalance.sdk.OpenAiSdkSupport.onlyUpstream;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.errors.NotFoundException;
import com.openai.models.embeddings.CreateEmbeddingResponse;
import com.openai.models.embeddings.Embedding;
import com.openai.models.embeddings.EmbeddingCreateParams;
import com.openai.models.models.Model;
import io.geminibalance.testing.GatewayHarness;
import io.geminibalance.testing.Recorded;
import io.geminibalance.testing.Replies;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Embeddings and the model list through the OpenAI Java SDK. */
class OpenAiSdkEmbeddingsModelsTest {
  static final String EMBEDDING_MODEL = "text-embedding-004";
  static GatewayHarness h;
  static OpenAIClient client;

  @BeforeAll
  static void start() {
    h = GatewayHarness.start();
    client = OpenAiSdkSupport.client(h);
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
  void defaultEncodingDecodesToTheUpstreamFloats() {
    h.fake.on(r -> r.pathEndsWith(":batchEmbedContents"),
        Replies.json(200, "{\"embeddings\":[{\"values\":[0.25,-1.5,3.125e-3]}]}"));
    CreateEmbeddingResponse response = client.embeddings().create(EmbeddingCreateParams.builder()
        .model(EMBEDDING_MODEL).input("hello world").build());
    assertThat(response.data()).hasSize(1);
    assertThat(response.data().get(0).embedding()).containsExactly(0.25f, -1.5f, 3.125e-3f);
    assertThat(response.model()).isEqualTo(EMBEDDING_MODEL);
    assertThat(response.usage().promptTokens()).isNotNegative();
    Recorded upstream = h.fake.requests(":batchEmbedContents").get(0);
    assertThat(upstream.path()).isEqualTo("/v1beta/models/text-embedding-004:batchEmbedContents");
    JsonNode request = body(upstream).at("/requests/0");
    assertThat(request.path("model").asText()).isEqualTo("models/text-embedding-004");
    assertThat(request.at("/content/parts/0/text").asText()).isEqualTo("hello world");
    assertThat(request.has("outputDimensionality")).isFalse();
  }

  @Test
  void floatWithDimensionsSendsOutputDimensionality() {
    CreateEmbeddingResponse response = client.embeddings().create(EmbeddingCreateParams.builder()
        .model("models/" + EMBEDDING_MODEL).inputOfArrayOfStrings(List.of("a", "b"))
        .encodingFormat(EmbeddingCreateParams.EncodingFormat.FLOAT).dimensions(3).build());
    assertThat(response.data()).hasSize(2);
    assertThat(response.data().get(1).index()).isEqualTo(1);
    assertThat(response.data().get(1).embedding()).containsExactly(0.1f, 0.2f, 1.5f);
    JsonNode requests = onlyUpstream(h, ":batchEmbedContents").path("requests");
    assertThat(requests).hasSize(2);
    for (JsonNode request : requests) {
      assertThat(request.path("outputDimensionality").asInt()).isEqualTo(3);
    }
    assertThat(h.fake.requests().get(0).path()).isEqualTo("/v1beta/models/text-embedding-004:batchEmbedContents");
  }

  @Test
  void moreThanAHundredInputsAreBatchedInOrder() {
    // Each upstream value encodes the input text's number, so order is checkable end to end.
    h.fake.on(r -> r.pathEndsWith(":batchEmbedContents"), (r, res, raw) -> {
      StringBuilder out = new StringBuilder("{\"embeddings\":[");
      JsonNode requests = body(r).path("requests");
      for (int i = 0; i < requests.size(); i++) {
        String text = requests.get(i).at("/content/parts/0/text").asText();
        out.append(i == 0 ? "" : ",").append("{\"values\":[").append(text.substring(6)).append(",1]}");
      }
      res.putHeader("content-type", "application/json").end(out.append("]}").toString());
    });
    List<String> inputs = IntStream.range(0, 250).mapToObj(i -> "input-" + i).toList();
    CreateEmbeddingResponse response = client.embeddings().create(EmbeddingCreateParams.builder()
        .model(EMBEDDING_MODEL).inputOfArrayOfStrings(inputs).build());
    assertThat(response.data()).hasSize(250);
    List<Float> firsts = new ArrayList<>();
    for (Embedding e : response.data()) {
      assertThat(e.index()).isEqualTo(firsts.size());
      firsts.add(e.embedding().get(0));
    }
    assertThat(firsts).containsExactlyElementsOf(IntStream.range(0, 250).mapToObj(i -> (float) i).toList());
    List<Recorded> batches = h.fake.requests(":batchEmbedContents");
    assertThat(batches).hasSize(3);
    assertThat(batches.stream().map(b -> body(b).path("requests").size()).toList()).containsExactly(100, 100, 50);
  }

  @Test
  void modelListHasDerivedIdsAndNoFilteredModels() {
    List<String> ids = new ArrayList<>();
    client.models().list().autoPager().forEach(m -> ids.add(m.id()));
    assertThat(ids).contains("gemini-2.5-flash", "gemini-2.5-pro", "text-embedding-004",
        "gemini-2.5-flash-search", "gemini-2.5-flash-non-thinking", "gemini-2.5-pro-search",
        "gemini-2.5-pro-non-thinking");
    assertThat(ids).doesNotContain("gemini-pro-vision");
    assertThat(ids).doesNotHaveDuplicates();
    Model flash = client.models().list().data().stream().filter(m -> m.id().equals("gemini-2.5-flash"))
        .findFirst().orElseThrow();
    assertThat(flash.ownedBy()).isEqualTo("google");
    assertThat(h.fake.requests()).allSatisfy(r -> assertThat(r.path()).isEqualTo("/v1beta/models"));
  }

  @Test
  void retrieveOneModelAndAnUnknownOneIsNotFound() {
    Model model = client.models().retrieve("gemini-2.5-flash-search");
    assertThat(model.id()).isEqualTo("gemini-2.5-flash-search");
    assertThat(model.ownedBy()).isEqualTo("google");
    assertThat(client.models().retrieve("gemini-2.5-pro").id()).isEqualTo("gemini-2.5-pro");
    NotFoundException e = catchThrowableOfType(NotFoundException.class,
        () -> client.models().retrieve("gemini-does-not-exist"));
    assertThat(e.statusCode()).isEqualTo(404);
    assertThat(e.getMessage()).contains("gemini-does-not-exist");
    assertThat(catchThrowableOfType(NotFoundException.class, () -> client.models().retrieve("gemini-pro-vision")))
        .isNotNull();
  }
}
