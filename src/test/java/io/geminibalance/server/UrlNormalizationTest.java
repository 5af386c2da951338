package io.geminibalance.server;

import static io.geminibalance.testing.GatewayHarness.CLIENT_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

import io.geminibalance.auth.ClientProtocol;
import io.geminibalance.auth.TokenLimits;
import io.geminibalance.testing.GatewayHarness;
import io.geminibalance.testing.ManagedTokens;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * URL_NORMALIZATION_ENABLED through a running gateway: each rule lands on the endpoint it names
 * (seen at the fake upstream), through that endpoint's authentication, path check and body limit;
 * off by default; a request is rewritten once at most.
 */
class UrlNormalizationTest {
  private static final String CHAT = "{\"model\":\"gemini-2.5-flash\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
  private static final String GENERATE = "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"hi\"}]}]}";
  private static final String BEARER = "Bearer " + CLIENT_TOKEN;
  private static GatewayHarness on;
  private static GatewayHarness off;

  @BeforeAll
  static void start() {
    on = GatewayHarness.start(Map.of("URL_NORMALIZATION_ENABLED", "true", "MAX_REQUEST_BODY_MB", "1"));
    off = GatewayHarness.start();
  }

  @AfterAll
  static void stop() {
    on.close();
    off.close();
  }

  @BeforeEach
  void forget() {
    on.fake.reset();
    off.fake.reset();
  }

  @Test
  void offByDefaultAMisdirectedRequestIs404AsBefore() {
    HttpResponse<String> chat = off.post("/v1beta/openai/chat/completions", CHAT, "Authorization", BEARER);
    HttpResponse<String> bare = off.post("/chat/completions", CHAT, "Authorization", BEARER);

    assertThat(chat.statusCode()).isEqualTo(404);
    assertThat(bare.statusCode()).isEqualTo(404);
    assertThat(off.fake.requests()).isEmpty();
  }

  @Test
  void aNativeCallWithoutItsPrefixReachesGenerateContent() {
    HttpResponse<String> answer = on.post("/models/gemini-2.5-flash:generateContent", GENERATE,
        "x-goog-api-key", CLIENT_TOKEN);

    assertThat(answer.statusCode()).isEqualTo(200);
    assertThat(answer.body()).contains("candidates");
    assertThat(on.fake.requests()).singleElement()
        .satisfies(r -> assertThat(r.path()).isEqualTo("/v1beta/models/gemini-2.5-flash:generateContent"));
  }

  @Test
  void theModelFromTheQueryAndAStreamKeepTheQuery() {
    HttpResponse<String> answer = on.post("/proxy/stream/generatecontent?model=gemini-2.5-pro&alt=sse", GENERATE,
        "x-goog-api-key", CLIENT_TOKEN);

    assertThat(answer.statusCode()).isEqualTo(200);
    assertThat(answer.headers().firstValue("content-type")).hasValueSatisfying(
        type -> assertThat(type).startsWith("text/event-stream"));
    assertThat(on.fake.requests()).singleElement()
        .satisfies(r -> assertThat(r.path()).isEqualTo("/v1beta/models/gemini-2.5-pro:streamGenerateContent"));
  }

  @Test
  void aModelListUnderAnotherPrefixIsTheNativeList() {
    HttpResponse<String> answer = on.get("/proxy/v1beta/models", "x-goog-api-key", CLIENT_TOKEN);

    assertThat(answer.statusCode()).isEqualTo(200);
    assertThat(answer.body()).contains("\"models\"");
  }

  @Test
  void googlesOpenAiUrlShapeReachesTheCompatForward() {
    HttpResponse<String> answer = on.post("/v1beta/openai/chat/completions", CHAT, "Authorization", BEARER);

    assertThat(answer.statusCode()).isEqualTo(200);
    assertThat(on.fake.requests()).singleElement()
        .satisfies(r -> assertThat(r.path()).endsWith("/openai/chat/completions"));
  }

  @Test
  void anOpenAiChatUnderAnyPrefixIsTranslated() {
    for (String path : new String[] {"/proxy/v1/chat/completions", "/chat/completions", "/v1beta/chat/completions"}) {
      on.fake.reset();
      HttpResponse<String> answer = on.post(path, CHAT, "Authorization", BEARER);

      assertThat(answer.statusCode()).as(path).isEqualTo(200);
      assertThat(answer.body()).as(path).contains("\"object\":\"chat.completion\"");
      assertThat(on.fake.requests()).as(path).singleElement()
          .satisfies(r -> assertThat(r.path()).isEqualTo("/v1beta/models/gemini-2.5-flash:generateContent"));
    }
  }

  @Test
  void aManagedTokenRequestRewrittenToAnotherSurfaceIsCountedOnce() {
    String value = "sk-gb-RepairedManagedTokenForTests01";
    ManagedTokens.awayFromMinuteEnd();
    ManagedTokens.use(on, "t-repair-" + System.nanoTime(), "ci-bot", value, List.of(), Set.of(),
        new TokenLimits(1L, null, null, null, null));
    try {
      // Authenticated on the native route, then rewritten to the OpenAI-compatible forward.
      assertThat(on.post("/v1beta/openai/chat/completions", CHAT, "Authorization", "Bearer " + value).statusCode())
          .isEqualTo(200);
      assertThat(on.post("/v1beta/openai/chat/completions", CHAT, "Authorization", "Bearer " + value).statusCode())
          .isEqualTo(429);
    } finally {
      on.gateway.clientTokens().replace(List.of());
    }
  }

  @Test
  void aManagedTokenRewrittenOntoASurfaceItMayNotUseIs403() {
    String value = "sk-gb-RepairedNativeOnlyTokenForTest1";
    ManagedTokens.use(on, "t-repair-proto-" + System.nanoTime(), "native-only", value, List.of(),
        Set.of(ClientProtocol.NATIVE), TokenLimits.NONE);
    int before = on.fake.requests().size();
    try {
      // Authenticated on the native route (allowed there), then rewritten to the OpenAI-compatible forward.
      HttpResponse<String> response = on.post("/v1beta/openai/chat/completions", CHAT, "Authorization",
          "Bearer " + value);
      assertThat(response.statusCode()).as(response.body()).isEqualTo(403);
      assertThat(response.body()).contains("not allowed to use the");
      assertThat(on.fake.requests()).hasSize(before);
    } finally {
      on.gateway.clientTokens().replace(List.of());
    }
  }

  @Test
  void theRewrittenRequestIsAuthenticatedByTheRouteItLandsOn() {
    HttpResponse<String> none = on.post("/chat/completions", CHAT);
    HttpResponse<String> wrong = on.post("/proxy/v1/chat/completions", CHAT, "Authorization", "Bearer wrong");
    HttpResponse<String> nativeNone = on.post("/models/gemini-2.5-flash:generateContent", GENERATE);
    HttpResponse<String> wrongSurface = on.post("/v1beta/chat/completions", CHAT, "x-goog-api-key", "wrong");

    assertThat(none.statusCode()).isEqualTo(401);
    assertThat(none.body()).contains("\"code\":\"invalid_api_key\"");
    assertThat(wrong.statusCode()).isEqualTo(401);
    assertThat(nativeNone.statusCode()).isEqualTo(401);
    assertThat(nativeNone.body()).contains("UNAUTHENTICATED");
    assertThat(wrongSurface.statusCode()).isEqualTo(401);
    assertThat(on.fake.requests()).isEmpty();
  }

  @Test
  void theRewrittenRequestHasTheBodyLimitOfTheRouteItLandsOn() {
    String big = "{\"model\":\"gemini-2.5-flash\",\"messages\":[{\"role\":\"user\",\"content\":\""
        + "x".repeat(1_200_000) + "\"}]}";
    HttpResponse<String> answer = on.post("/proxy/v1/chat/completions", big, "Authorization", BEARER);

    assertThat(answer.statusCode()).isEqualTo(413);
    assertThat(answer.body()).contains("request_too_large");
    assertThat(on.fake.requests()).isEmpty();
  }

  @Test
  void aRewriteThatLandsNowhereIsRewrittenOnceThen404() {
    HttpResponse<String> speech = on.post("/proxy/v1/audio/anything", CHAT, "Authorization", BEARER);
    HttpResponse<String> noModel = on.post("/proxy/generatecontent", GENERATE, "x-goog-api-key", CLIENT_TOKEN);
    HttpResponse<String> unknownMethod = on.post("/v1beta/models/gemini-2.5-flash:doSomething", GENERATE,
        "x-goog-api-key", CLIENT_TOKEN);

    // audio/speech is served: the rewrite lands there once, and the chat body is refused by it
    // (no "input") before any upstream call.
    assertThat(speech.statusCode()).isEqualTo(400);
    assertThat(speech.body()).as("answered by /v1/audio/speech, in OpenAI's shape").contains("input")
        .contains("invalid_request_error");
    assertThat(noModel.statusCode()).isEqualTo(404);
    assertThat(unknownMethod.statusCode()).isEqualTo(404);
    assertThat(unknownMethod.body()).contains("doSomething");
    assertThat(on.fake.requests()).isEmpty();
  }

  @Test
  void theAdminApiIsNeverRewritten() {
    HttpResponse<String> answer = on.post("/api/v1/chat/completions", CHAT, "Authorization",
        "Bearer " + GatewayHarness.ADMIN_TOKEN);

    assertThat(answer.statusCode()).isEqualTo(404);
    assertThat(on.fake.requests()).isEmpty();
  }
}
