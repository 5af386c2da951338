package io.geminibalance.relay;

import static io.geminibalance.testing.GatewayHarness.CLIENT_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.geminibalance.testing.GatewayHarness;
import io.geminibalance.testing.RawHttp;
import io.geminibalance.testing.Recorded;
import java.io.IOException;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Only allow-listed paths reach upstream, and a client's model never escapes its path segment.
 * Paths go over a raw socket, byte for byte as written: the JDK client would normalise or refuse
 * some of them before they left.
 */
class PathConfinementTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String BEARER = "Bearer " + CLIENT_TOKEN;
  private static final String CHAT = ",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
  @RegisterExtension
  static final GatewayHarness h = GatewayHarness.start();

  // ---- native surface ----

  @ParameterizedTest
  @ValueSource(strings = {
      "GET /v1beta/models/../files",
      "GET /gemini/v1beta/models/../files",
      "GET /v1beta/models/../../v1beta/files",
      "GET /v1beta/models/%2e%2e/files",
      "GET /v1beta/models/%2E%2E/files",
      "GET /v1beta/models/.%2e/files",
      "POST /v1beta/models/..%2Ffiles:generateContent",
      "POST /v1beta/models/a%2Fb:generateContent",
      "POST /v1beta/models/a%2fb:generateContent",
      "POST /v1beta/models/a%5Cb:generateContent",
      "GET /v1beta/models//gemini-2.5-flash",
      "GET /v1beta//models",
      "GET /v1beta/./models",
      "GET /api/../v1beta/files",
      "POST /v1beta/models/a%00b:generateContent",
      "POST /v1beta/models/a%0D%0Ab:generateContent",
  })
  void traversalEncodedSeparatorsAndEmptySegmentsAre400AndNothingGoesUpstream(String request) throws IOException {
    String[] parts = request.split(" ");
    RawHttp.Answer r = raw(parts[0], parts[1], parts[0].equals("POST") ? "{}" : null, "x-goog-api-key", CLIENT_TOKEN);
    assertThat(r.status()).as(request).isEqualTo(400);
    JsonNode error = JSON.readTree(r.body()).path("error");
    assertThat(error.path("code").asInt()).isEqualTo(400);
    assertThat(error.path("status").asText()).isEqualTo("INVALID_ARGUMENT");
    assertThat(error.path("message").asText()).as(request)
        .containsAnyOf("'..'", "'.'", "%2F", "%2E", "%5C", "Empty path segment", "control character");
    assertThat(h.fake.requests()).as(request).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"gemini%3Fx", "gemini%23x", "gemini#x", "gemini%20x", "%20gemini", "g%C3%A9mini",
      "gemini@1", "-gemini", ".gemini"})
  void malformedModelsInTheNativePathAre400NamingTheModel(String model) throws IOException {
    RawHttp.Answer r = raw("POST", "/v1beta/models/" + model + ":generateContent", "{}", "x-goog-api-key", CLIENT_TOKEN);
    assertThat(r.status()).as(model).isEqualTo(400);
    assertThat(JSON.readTree(r.body()).at("/error/message").asText()).as(model).startsWith("Invalid model name in path: '");
    assertThat(h.fake.requests()).as(model).isEmpty();
  }

  @Test
  void rawNonAsciiAndOverlongModelsInTheNativePathAre400() throws IOException {
    RawHttp.Answer unicode = raw("POST", "/v1beta/models/g\u00e9mini:generateContent", "{}", "x-goog-api-key", CLIENT_TOKEN);
    assertThat(unicode.status()).isEqualTo(400);
    assertThat(unicode.body()).contains("in the path is not allowed");
    String longModel = "gemini-" + "x".repeat(2000);
    RawHttp.Answer tooLong = raw("POST", "/v1beta/models/" + longModel + ":generateContent", "{}", "x-goog-api-key", CLIENT_TOKEN);
    assertThat(tooLong.status()).isEqualTo(400);
    assertThat(JSON.readTree(tooLong.body()).at("/error/message").asText())
        .startsWith("Invalid model name in path: 'gemini-xxx")
        .endsWith("(2007 characters) is longer than 128 characters");
    assertThat(tooLong.body().length()).isLessThan(400);
    assertThat(h.fake.requests()).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"POST /v1beta/models/gemini-2.5-flash:fooBar", "POST /v1beta/models/gemini-2.5-flash:predictShort",
      "GET /v1beta/tunedModels", "PUT /v1beta/files/abc", "GET /v1beta/models/gemini-2.5-flash/operations/x", "POST /v1beta/models/gemini-2.5-flash",
      "DELETE /v1beta/models/gemini-2.5-flash"})
  void unknownResourcesAndMethodsAre404AndNothingGoesUpstream(String request) throws IOException {
    String[] parts = request.split(" ");
    RawHttp.Answer r = raw(parts[0], parts[1], parts[0].equals("POST") ? "{}" : null, "x-goog-api-key", CLIENT_TOKEN);
    assertThat(r.status()).as(request).isEqualTo(404);
    assertThat(JSON.readTree(r.body()).at("/error/status").asText()).isEqualTo("NOT_FOUND");
    assertThat(h.fake.requests()).as(request).isEmpty();
  }

  @Test
  void wellFormedNativePathsReachTheSameUpstreamPath() {
    assertThat(h.post("/v1beta/models/gemini-2.5-flash-preview-05-20:streamGenerateContent?alt=sse", "{}",
        "x-goog-api-key", CLIENT_TOKEN).statusCode()).isEqualTo(200);
    assertThat(h.get("/gemini/v1beta/models/learnlm-2.0-flash-experimental", "x-goog-api-key", CLIENT_TOKEN)
        .statusCode()).isEqualTo(200);
    assertThat(h.post("/v1beta/models/gemini-embedding-001:embedContent", "{}", "x-goog-api-key", CLIENT_TOKEN)
        .statusCode()).isEqualTo(200);
    assertThat(h.get("/v1beta/models?pageSize=5", "x-goog-api-key", CLIENT_TOKEN).statusCode()).isEqualTo(200);
    assertThat(h.fake.requests()).extracting(Recorded::path).containsExactly(
        "/v1beta/models/gemini-2.5-flash-preview-05-20:streamGenerateContent",
        "/v1beta/models/learnlm-2.0-flash-experimental",
        "/v1beta/models/gemini-embedding-001:embedContent",
        "/v1beta/models");
  }

  // ---- OpenAI surface (/v1, /hf/v1): the model from the body goes into the upstream path ----

  @Test
  void aHugeModelInAnOpenAiBodyIs400NamingModelAndNothingGoesUpstream() throws IOException {
    String huge = "gemini-" + "a".repeat(200_000);
    for (String path : new String[] {"/v1/chat/completions", "/hf/v1/chat/completions", "/openai/v1/chat/completions"}) {
      HttpResponse<String> r = h.post(path, "{\"model\":\"" + huge + "\"" + CHAT, "authorization", BEARER);
      assertOpenAiModelError(path, r);
      assertThat(r.body().length()).as(path).isLessThan(600);
      assertThat(r.body()).as(path).contains("(200007 characters)");
    }
    HttpResponse<String> embeddings = h.post("/v1/embeddings", "{\"model\":\"" + huge + "\",\"input\":\"a\"}",
        "authorization", BEARER);
    assertOpenAiModelError("/v1/embeddings", embeddings);
    assertThat(embeddings.body().length()).isLessThan(600);
    assertThat(h.fake.requests()).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"gemini-2.5-flash?alt=x", "gemini-2.5-flash#x", "../files", "models/../files",
      "gemini-2.5-flash/../../files", "gemini 2.5 flash", "g\u00e9mini-2.5-flash", "gemini-2.5-flash\\u0000",
      "gemini-2.5-flash:generateContent", "gemini%2Ffiles", "", " "})
  void malformedModelsInOpenAiBodiesAre400NamingModel(String model) throws IOException {
    String body = "{\"model\":\"" + model + "\"" + CHAT;
    assertOpenAiModelError("/v1/chat/completions", h.post("/v1/chat/completions", body, "authorization", BEARER));
    assertOpenAiModelError("/openai/v1/chat/completions",
        h.post("/openai/v1/chat/completions", body, "authorization", BEARER));
    assertOpenAiModelError("/v1/embeddings", h.post("/v1/embeddings",
        "{\"model\":\"" + model + "\",\"input\":\"a\"}", "authorization", BEARER));
    assertThat(h.fake.requests()).isEmpty();
  }

  @Test
  void wellFormedOpenAiModelsWithVirtualSuffixesReachTheExpectedPath() {
    assertThat(h.post("/v1/chat/completions", "{\"model\":\"gemini-2.5-flash-search\"" + CHAT, "authorization", BEARER)
        .statusCode()).isEqualTo(200);
    assertThat(h.post("/v1/chat/completions", "{\"model\":\"models/gemini-2.5-pro\",\"stream\":true" + CHAT,
        "authorization", BEARER).statusCode()).isEqualTo(200);
    assertThat(h.post("/v1/embeddings", "{\"model\":\"gemini-embedding-001\",\"input\":\"a\"}", "authorization", BEARER)
        .statusCode()).isEqualTo(200);
    assertThat(h.post("/openai/v1/chat/completions", "{\"model\":\"models/gemini-2.5-flash\"" + CHAT,
        "authorization", BEARER).statusCode()).isEqualTo(200);
    assertThat(h.fake.requests()).extracting(Recorded::path).containsExactly(
        "/v1beta/models/gemini-2.5-flash:generateContent",
        "/v1beta/models/gemini-2.5-pro:streamGenerateContent",
        "/v1beta/models/gemini-embedding-001:batchEmbedContents",
        "/v1beta/openai/chat/completions");
  }

  @ParameterizedTest
  @ValueSource(strings = {"/v1/models/gemini%3Fx", "/v1/models/..%2Ffiles", "/hf/v1/models/-x",
      "/openai/v1/models/gemini%3Fx", "/openai/v1/models/gemini@x"})
  void malformedModelIdsInOpenAiPathsAre400NamingModel(String path) throws IOException {
    RawHttp.Answer r = raw("GET", path, null, "authorization", BEARER);
    assertThat(r.status()).as(path).isEqualTo(400);
    assertThat(JSON.readTree(r.body()).at("/error/param").asText()).as(path).isEqualTo("model");
    assertThat(h.fake.requests()).as(path).isEmpty();
  }

  // ---- Google's OpenAI-compatible layer (/openai/v1), forwarded by path ----

  @ParameterizedTest
  @ValueSource(strings = {"GET /openai/v1/models/../files", "GET /openai/v1/models/%2e%2e/files",
      "GET /openai/v1/models/a%2Fb", "GET /openai/v1/models/a%5Cb", "POST /openai/v1/chat//completions",
      "POST /openai/v1/chat/completions/../../files", "GET /api/../openai/v1/files"})
  void compatPathsAreConfinedToo(String request) throws IOException {
    String[] parts = request.split(" ");
    RawHttp.Answer r = raw(parts[0], parts[1], parts[0].equals("POST") ? "{\"model\":\"gemini-2.5-flash\"}" : null,
        "authorization", BEARER);
    assertThat(r.status()).as(request).isEqualTo(400);
    JsonNode error = JSON.readTree(r.body()).path("error");
    assertThat(error.path("type").asText()).isEqualTo("invalid_request_error");
    assertThat(error.path("code").asText()).isEqualTo("invalid_path");
    assertThat(h.fake.requests()).as(request).isEmpty();
  }

  @Test
  void compatForwardsOnlyItsAllowList() throws IOException {
    assertThat(raw("POST", "/openai/v1/files", "{\"model\":\"gemini-2.5-flash\"}", "authorization", BEARER).status())
        .isEqualTo(404);
    assertThat(raw("GET", "/openai/v1/batches", null, "authorization", BEARER).status()).isEqualTo(404);
    assertThat(h.fake.requests()).isEmpty();
    assertThat(h.get("/openai/v1/models/gemini-2.5-flash", "authorization", BEARER).statusCode()).isEqualTo(200);
    assertThat(h.get("/openai/v1/models/models/gemini-2.5-pro", "authorization", BEARER).statusCode()).isEqualTo(200);
    assertThat(h.fake.requests()).extracting(Recorded::path).containsExactly(
        "/v1beta/openai/models/gemini-2.5-flash", "/v1beta/openai/models/models/gemini-2.5-pro");
  }

  private static void assertOpenAiModelError(String what, HttpResponse<String> r) throws IOException {
    assertThat(r.statusCode()).as(what + ": " + r.body()).isEqualTo(400);
    JsonNode error = JSON.readTree(r.body()).path("error");
    assertThat(error.path("type").asText()).as(what).isEqualTo("invalid_request_error");
    assertThat(error.path("param").asText()).as(what).isEqualTo("model");
    assertThat(error.path("message").asText()).as(what).containsAnyOf("Invalid model name", "'model' is required",
        "Missing required parameter: 'model'");
  }

  /** Over a raw socket: the JDK client would normalise or refuse some of these targets. */
  private static RawHttp.Answer raw(String method, String target, String body, String... headers) throws IOException {
    return RawHttp.exchange(h.gateway.port(), method, target, body, headers);
  }
}
