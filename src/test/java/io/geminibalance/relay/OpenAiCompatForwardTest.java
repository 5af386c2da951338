package io.geminibalance.relay;

import static io.geminibalance.testing.GatewayHarness.CLIENT_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

import io.geminibalance.testing.GatewayHarness;
import io.geminibalance.testing.Recorded;
import io.geminibalance.testing.Replies;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code /openai/v1}: forwarded to Google's OpenAI-compatible API with a pool key as Bearer. */
class OpenAiCompatForwardTest {
  static final String BEARER = "Bearer " + CLIENT_TOKEN;
  @RegisterExtension
  static final GatewayHarness h = GatewayHarness.start();

  @Test
  void chatIsForwardedUnchangedWithAPoolKeyAsBearer() {
    String body = "{\"model\":\"gemini-2.5-flash\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"top_k\":3,\"x\":1.50}";
    String answer = "{\"id\":\"c1\",\"object\":\"chat.completion\",\"choices\":[]}";
    h.fake.on(r -> r.path().equals("/v1beta/openai/chat/completions"), Replies.json(200, answer));
    HttpResponse<String> r = h.post("/openai/v1/chat/completions", body, "authorization", BEARER);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).isEqualTo(answer);
    Recorded upstream = h.fake.requests().get(0);
    assertThat(upstream.bodyText()).isEqualTo(body);
    assertThat(upstream.headers().get("authorization")).startsWith("Bearer key-");
    assertThat(upstream.headers().toString()).doesNotContain(CLIENT_TOKEN);
  }

  @Test
  void streamIsRelayedAsIs() {
    h.fake.on(r -> r.path().equals("/v1beta/openai/chat/completions"),
        Replies.rawPieces("text/event-stream", List.of("data: {\"a\":1}\n\n", "data: [DONE]\n\n"), 5));
    HttpResponse<String> r = h.post("/openai/v1/chat/completions",
        "{\"model\":\"gemini-2.5-flash\",\"stream\":true,\"messages\":[]}", "authorization", BEARER);
    assertThat(r.body()).isEqualTo("data: {\"a\":1}\n\ndata: [DONE]\n\n");
  }

  @Test
  void embeddingsAndModelsAreForwarded() {
    h.fake.on(r -> r.path().equals("/v1beta/openai/embeddings"), Replies.json(200, "{\"data\":[]}"));
    h.fake.on(r -> r.path().equals("/v1beta/openai/models"), Replies.json(200, "{\"data\":[{\"id\":\"m\"}]}"));
    assertThat(h.post("/openai/v1/embeddings", "{\"model\":\"text-embedding-004\",\"input\":\"a\"}",
        "authorization", BEARER).body()).isEqualTo("{\"data\":[]}");
    assertThat(h.get("/openai/v1/models", "authorization", BEARER).body()).contains("\"m\"");
  }

  @Test
  void failsOverBetweenKeysOnTheForwardedSurface() {
    h.fake.on(r -> true, Replies.invalidKey(), 1);
    HttpResponse<String> r = h.post("/openai/v1/chat/completions",
        "{\"model\":\"gemini-2.5-flash\",\"messages\":[]}", "authorization", BEARER);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(h.fake.requests()).hasSize(2);
    assertThat(h.fake.requests().get(0).key()).isNotEqualTo(h.fake.requests().get(1).key());
  }

  @Test
  void authErrorsAndBadBodiesAreInOpenAiShape() {
    HttpResponse<String> noAuth = h.post("/openai/v1/chat/completions", "{}");
    assertThat(noAuth.statusCode()).isEqualTo(401);
    assertThat(noAuth.body()).contains("\"type\":\"invalid_request_error\"").contains("\"code\":\"invalid_api_key\"");
    HttpResponse<String> badJson = h.post("/openai/v1/chat/completions", "{oops", "authorization", BEARER);
    assertThat(badJson.statusCode()).isEqualTo(400);
    HttpResponse<String> noModel = h.post("/openai/v1/chat/completions", "{\"messages\":[]}", "authorization", BEARER);
    assertThat(noModel.statusCode()).isEqualTo(400);
    assertThat(noModel.body()).contains("\"param\":\"model\"");
    assertThat(h.fake.requests()).isEmpty();
  }
}
