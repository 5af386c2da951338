package io.geminibalance.relay;

import static io.geminibalance.testing.GatewayHarness.CLIENT_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.geminibalance.testing.GatewayHarness;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A bad {@code model} gets the same OpenAI error on every OpenAI surface (/v1, /hf/v1 and Google's
 * compatible layer at /openai/v1; chat, embeddings and model look-ups): 400
 * {@code invalid_request_error}, param {@code model}, code {@code invalid_model} for a model that
 * is there but unusable, {@code missing_required_parameter} for none. Before, /v1 chat answered
 * code {@code invalid_request}, embeddings and /v1/models null, and /openai/v1 forwarded a
 * non-string model upstream.
 */
class OpenAiModelErrorsTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String BEARER = "Bearer " + CLIENT_TOKEN;
  private static final List<String> CHATS = List.of("/v1/chat/completions", "/hf/v1/chat/completions",
      "/openai/v1/chat/completions");
  private static final String MESSAGES = "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]";
  @RegisterExtension
  static final GatewayHarness h = GatewayHarness.start();

  @ParameterizedTest
  @ValueSource(strings = {"\"gemini?x\"", "\"../files\"", "\"g\\u00e9mini\"", "\"models/a/b\"", "5", "true",
      "[\"gemini-2.5-flash\"]", "{\"id\":\"gemini-2.5-flash\"}"})
  void aMalformedOrNonStringModelIsInvalidModelEverywhere(String model) throws IOException {
    for (String path : CHATS) {
      assertModelError(path + " " + model, h.post(path, "{\"model\":" + model + "," + MESSAGES + "}",
          "authorization", BEARER), "invalid_model");
    }
    assertModelError("/v1/embeddings " + model, h.post("/v1/embeddings",
        "{\"model\":" + model + ",\"input\":\"a\"}", "authorization", BEARER), "invalid_model");
    assertThat(h.fake.requests()).isEmpty();
  }

  @Test
  void nonStringModelsAreNamedAsSuch() throws IOException {
    for (String path : CHATS) {
      HttpResponse<String> r = h.post(path, "{\"model\":5," + MESSAGES + "}", "authorization", BEARER);
      assertThat(error(r).path("message").asText()).as(path).isEqualTo("'model' must be a string");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "\"model\":null,", "\"model\":\"\",", "\"model\":\"  \","})
  void aMissingModelIsMissingRequiredParameterEverywhere(String model) throws IOException {
    for (String path : CHATS) {
      HttpResponse<String> r = h.post(path, "{" + model + MESSAGES + "}", "authorization", BEARER);
      assertModelError(path + " " + model, r, "missing_required_parameter");
      assertThat(error(r).path("message").asText()).isEqualTo("Missing required parameter: 'model'.");
    }
    assertModelError("/v1/embeddings " + model, h.post("/v1/embeddings", "{" + model + "\"input\":\"a\"}",
        "authorization", BEARER), "missing_required_parameter");
    assertThat(h.fake.requests()).isEmpty();
  }

  @Test
  void aMalformedModelIdInAModelLookUpIsInvalidModelEverywhere() throws IOException {
    for (String path : List.of("/v1/models/gemini%3Fx", "/hf/v1/models/gemini@x", "/openai/v1/models/gemini%3Fx",
        "/openai/v1/models/gemini@x")) {
      assertModelError(path, h.get(path, "authorization", BEARER), "invalid_model");
    }
    assertThat(h.fake.requests()).isEmpty();
  }

  private static void assertModelError(String what, HttpResponse<String> r, String code) throws IOException {
    assertThat(r.statusCode()).as(what + ": " + r.body()).isEqualTo(400);
    JsonNode error = error(r);
    assertThat(error.path("type").asText()).as(what).isEqualTo("invalid_request_error");
    assertThat(error.path("param").asText()).as(what).isEqualTo("model");
    assertThat(error.path("code").asText()).as(what).isEqualTo(code);
  }

  private static JsonNode error(HttpResponse<String> r) throws IOException {
    return JSON.readTree(r.body()).path("error");
  }
}
