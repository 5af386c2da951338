package io.geminibalance.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.anthropic.client.AnthropicClient;
import com.anthropic.core.http.StreamResponse;
import com.anthropic.errors.AnthropicServiceException;
import com.anthropic.errors.BadRequestException;
import com.anthropic.errors.ContentTooLargeException;
import com.anthropic.errors.InternalServerException;
import com.anthropic.errors.NotFoundException;
import com.anthropic.errors.OverloadedException;
import com.anthropic.errors.PermissionDeniedException;
import com.anthropic.errors.RateLimitException;
import com.anthropic.errors.ServiceUnavailableException;
import com.anthropic.errors.SseException;
import com.anthropic.errors.UnauthorizedException;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.RawMessageStreamEvent;
import com.fasterxml.jackson.databind.JsonNode;
import io.geminibalance.testing.GatewayHarness;
import io.geminibalance.testing.GoogleErrorBodies;
import io.geminibalance.testing.Recorded;
import io.geminibalance.testing.Replies;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Every error class of anthropic-java against the gateway: the status and Anthropic's error
 * shape the gateway answers, what went upstream (nothing for the client's own mistakes), and
 * failover to another key.
 */
class AnthropicSdkErrorsTest {
  private GatewayHarness h;

  @AfterEach
  void stop() {
    if (h != null) {
      h.close();
    }
  }

  private AnthropicClient start(Map<String, String> env) {
    h = GatewayHarness.start(env);
    return AnthropicSdkTest.client(h, "/anthropic", GatewayHarness.CLIENT_TOKEN);
  }

  private static MessageCreateParams hi(String model) {
    return MessageCreateParams.builder().model(model).maxTokens(64).addUserMessage("hi").build();
  }

  private HttpResponse<String> raw(String path, String body, String... headers) {
    String[] all = new String[headers.length + 4];
    all[0] = "x-api-key";
    all[1] = GatewayHarness.CLIENT_TOKEN;
    all[2] = "content-type";
    all[3] = "application/json";
    System.arraycopy(headers, 0, all, 4, headers.length);
    return h.post(path, body, all);
  }

  private static JsonNode body(HttpResponse<String> r) {
    return OpenAiSdkSupport.tree(r.body());
  }

  @Test
  void upstreamBadRequestIsBadRequestExceptionWithGooglesMessage() {
    AnthropicClient client = start(Map.of());
    h.fake.on(r -> true, Replies.googleError(400, "INVALID_ARGUMENT", "Invalid value at contents[0] from test"));
    BadRequestException e = catchThrowableOfType(BadRequestException.class,
        () -> client.messages().create(hi("gemini-2.5-flash")));
    assertThat(e.statusCode()).isEqualTo(400);
    assertThat(e.getMessage()).contains("Invalid value at contents[0] from test").contains("invalid_request_error");
    assertThat(h.fake.requests()).hasSize(1);
  }

  @Test
  void wrongOrMissingTokenIsAuthenticationErrorAndNothingGoesUpstream() {
    start(Map.of());
    AnthropicClient wrong = AnthropicSdkTest.client(h, "/anthropic", "not-a-token");
    UnauthorizedException e = catchThrowableOfType(UnauthorizedException.class,
        () -> wrong.messages().create(hi("gemini-2.5-flash")));
    assertThat(e.statusCode()).isEqualTo(401);
    HttpResponse<String> none = h.post("/v1/messages", "{}", "content-type", "application/json");
    assertThat(none.statusCode()).isEqualTo(401);
    assertThat(body(none)).isEqualTo(OpenAiSdkSupport.tree("""
        {"type":"error","error":{"type":"authentication_error","message":
          "Missing credential: send a client token in the x-api-key header or as 'Authorization: Bearer <token>'."}}"""));
    HttpResponse<String> bearer = h.post("/v1/messages/count_tokens", "{}", "authorization", "Bearer nope");
    assertThat(body(bearer).path("error").path("type").asText()).isEqualTo("authentication_error");
    assertThat(bearer.body()).doesNotContain("nope");
    assertThat(h.fake.requests()).isEmpty();
  }

  @Test
  void bearerClientTokenIsAcceptedAsClaudeCodesAuthToken() {
    start(Map.of());
    h.fake.on(r -> true, Replies.json(200, Replies.TEXT_RESPONSE));
    HttpResponse<String> r = h.post("/v1/messages", "{\"model\":\"gemini-2.5-flash\",\"max_tokens\":5,"
        + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", "authorization", "Bearer "
        + GatewayHarness.CLIENT_TOKEN, "anthropic-version", "2023-06-01", "anthropic-beta", "x");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(body(r).path("content").path(0).path("text").asText()).isEqualTo("Hello from fake");
    Recorded up = h.fake.requests().get(0);
    assertThat(up.headers().contains("anthropic-beta")).isFalse();
    assertThat(up.headers().contains("authorization")).isFalse();
  }

  @Test
  void permissionDeniedIsPermissionDeniedException() {
    AnthropicClient client = start(Map.of());
    h.fake.on(r -> true, Replies.json(403, GoogleErrorBodies.FOREIGN_FILE));
    PermissionDeniedException e = catchThrowableOfType(PermissionDeniedException.class,
        () -> client.messages().create(hi("gemini-2.5-flash")));
    assertThat(e.statusCode()).isEqualTo(403);
    assertThat(e.getMessage()).contains("permission_error");
  }

  @Test
  void unknownGeminiModelIsNotFoundNamingIt() {
    AnthropicClient client = start(Map.of());
    h.fake.on(r -> true, Replies.googleError(404, "NOT_FOUND", "models/gemini-nope is not found"));
    NotFoundException e = catchThrowableOfType(NotFoundException.class,
        () -> client.messages().create(hi("gemini-nope")));
    assertThat(e.statusCode()).isEqualTo(404);
    assertThat(e.getMessage()).contains("model: gemini-nope").contains("not_found_error");
  }

  @Test
  void unmappedClaudeModelIsNotFoundWithoutGoingUpstream() {
    AnthropicClient client = start(Map.of("ANTHROPIC_MODEL_MAP", "{\"claude-*haiku*\":\"gemini-2.5-flash-lite\"}"));
    NotFoundException e = catchThrowableOfType(NotFoundException.class,
        () -> client.messages().create(hi("claude-sonnet-4-5")));
    assertThat(e.getMessage()).contains("claude-sonnet-4-5").contains("ANTHROPIC_MODEL_MAP");
    assertThat(h.fake.requests()).isEmpty();
    h.fake.on(r -> true, Replies.json(200, Replies.TEXT_RESPONSE));
    client.messages().create(hi("claude-3-5-haiku-20241022"));
    assertThat(h.fake.requests().get(0).path()).endsWith("/models/gemini-2.5-flash-lite:generateContent");
  }

  @Test
  void rateLimitOnEveryKeyIsRateLimitExceptionWithRetryAfter() {
    AnthropicClient client = start(Map.of());
    h.fake.on(r -> true, Replies.rateLimited("17s"));
    RateLimitException e = catchThrowableOfType(RateLimitException.class,
        () -> client.messages().create(hi("gemini-2.5-flash")));
    assertThat(e.statusCode()).isEqualTo(429);
    assertThat(e.headers().values("retry-after")).isNotEmpty();
    assertThat(e.getMessage()).contains("rate_limit_error");
  }

  @Test
  void aRateLimitedKeyIsRetriedOnAnotherKey() {
    AnthropicClient client = start(Map.of());
    h.fake.on(r -> true, Replies.rateLimited("30s"), 1);
    h.fake.on(r -> true, Replies.json(200, Replies.TEXT_RESPONSE));
    Message message = client.messages().create(hi("gemini-2.5-flash"));
    assertThat(message.content().get(0).asText().text()).isEqualTo("Hello from fake");
    assertThat(h.fake.requests()).hasSize(2);
    assertThat(h.fake.requests().get(0).key()).isNotEqualTo(h.fake.requests().get(1).key());
  }

  @Test
  void serverErrorIsInternalServerException() {
    AnthropicClient client = start(Map.of("MAX_RETRIES", "1"));
    h.fake.on(r -> true, Replies.googleError(500, "INTERNAL", "An internal error has occurred."));
    InternalServerException e = catchThrowableOfType(InternalServerException.class,
        () -> client.messages().create(hi("gemini-2.5-flash")));
    assertThat(e.statusCode()).isEqualTo(500);
    assertThat(e.getMessage()).contains("api_error").contains("An internal error has occurred.");
  }

  @Test
  void googleOverloadedIs529OverloadedException() {
    AnthropicClient client = start(Map.of("MAX_RETRIES", "1"));
    h.fake.on(r -> true, Replies.googleError(503, "UNAVAILABLE", "The model is overloaded."));
    OverloadedException e = catchThrowableOfType(OverloadedException.class,
        () -> client.messages().create(hi("gemini-2.5-flash")));
    assertThat(e.statusCode()).isEqualTo(529);
    assertThat(e.getMessage()).contains("overloaded_error");
  }

  @Test
  void noUsableKeyIs503OverloadedErrorThatSaysNotToRetry() {
    AnthropicClient client = start(Map.of("API_KEYS", "[]"));
    ServiceUnavailableException e = catchThrowableOfType(ServiceUnavailableException.class,
        () -> client.messages().create(hi("gemini-2.5-flash")));
    assertThat(e.statusCode()).isEqualTo(503);
    assertThat(e.headers().values("x-should-retry")).containsExactly("false");
    assertThat(e.getMessage()).contains("overloaded_error");
    assertThat(h.fake.requests()).isEmpty();
  }

  @Test
  void aBodyOverTheLimitIs413RequestTooLarge() {
    AnthropicClient client = start(Map.of("MAX_REQUEST_BODY_MB", "1"));
    String big = "x".repeat(1_100_000);
    ContentTooLargeException e = catchThrowableOfType(ContentTooLargeException.class,
        () -> client.messages().create(MessageCreateParams.builder().model("gemini-2.5-flash").maxTokens(5)
            .addUserMessage(big).build()));
    assertThat(e.statusCode()).isEqualTo(413);
    assertThat(e.getMessage()).contains("request_too_large").contains("MAX_REQUEST_BODY_MB");
    assertThat(h.fake.requests()).isEmpty();
  }

  @Test
  void upstreamErrorMidStreamRaisesAnErrorInTheSdk() {
    AnthropicClient client = start(Map.of());
    h.fake.on(r -> r.pathEndsWith(":streamGenerateContent"), Replies.sse(List.of(Replies.chunk("Hello"),
        "{\"error\":{\"code\":503,\"message\":\"overloaded mid-stream\",\"status\":\"UNAVAILABLE\"}}"), 5));
    Throwable thrown = catchThrowableOfType(AnthropicServiceException.class, () -> {
      try (StreamResponse<RawMessageStreamEvent> stream = client.messages().createStreaming(hi("gemini-2.5-flash"))) {
        stream.stream().forEach(e -> { });
      }
    });
    assertThat(thrown).isInstanceOf(SseException.class);
    assertThat(thrown.getMessage()).contains("overloaded mid-stream");
  }

  @Test
  void aStreamThatFailsBeforeItsFirstByteGetsTheErrorStatus() {
    AnthropicClient client = start(Map.of());
    h.fake.on(r -> r.pathEndsWith(":streamGenerateContent"),
        Replies.googleError(400, "INVALID_ARGUMENT", "bad stream request from test"));
    BadRequestException e = catchThrowableOfType(BadRequestException.class, () -> {
      try (StreamResponse<RawMessageStreamEvent> stream = client.messages().createStreaming(hi("gemini-2.5-flash"))) {
        stream.stream().forEach(event -> { });
      }
    });
    assertThat(e.statusCode()).isEqualTo(400);
    assertThat(e.getMessage()).contains("bad stream request from test");
  }

  @Test
  void anUpstreamCutMidStreamEndsWithAnErrorEventAndNoMessageStop() {
    start(Map.of());
    h.fake.on(r -> r.pathEndsWith(":streamGenerateContent"),
        Replies.sseCut(List.of(Replies.chunk("Hello"), Replies.chunk(" wor"), Replies.finalChunk("ld")), 20, 2));
    HttpResponse<String> r = raw("/v1/messages", "{\"model\":\"gemini-2.5-flash\",\"max_tokens\":9,"
        + "\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).startsWith("event: message_start").contains("\"text\":\"Hello\"")
        .contains("event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"api_error\"")
        .doesNotContain("message_stop").doesNotContain("message_delta");
  }

  /** The client's mistakes: 400 invalid_request_error naming the field, nothing upstream. */
  @Test
  void malformedFieldsAre400NamingTheField() {
    start(Map.of());
    Map<String, String> cases = new java.util.LinkedHashMap<>();
    String msgs = "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]";
    cases.put("{" + msgs + ",\"max_tokens\":5}", "model: Field required");
    cases.put("{\"model\":7," + msgs + ",\"max_tokens\":5}", "model: must be a string");
    cases.put("{\"model\":\"gemini-2.5-flash\"," + msgs + "}", "max_tokens: Field required");
    cases.put("{\"model\":\"gemini-2.5-flash\"," + msgs + ",\"max_tokens\":0}", "max_tokens: must be at least 1");
    cases.put("{\"model\":\"gemini-2.5-flash\",\"max_tokens\":5}", "messages: Field required");
    cases.put("{\"model\":\"gemini-2.5-flash\",\"max_tokens\":5,\"messages\":[{\"role\":\"system\",\"content\":\"x\"}]}",
        "messages[0].role: must be 'user' or 'assistant'");
    cases.put("{\"model\":\"gemini-2.5-flash\",\"max_tokens\":5,\"messages\":[{\"role\":\"user\",\"content\":"
        + "[{\"type\":\"image\",\"source\":{\"type\":\"base64\",\"media_type\":\"image/tiff\",\"data\":\"AA\"}}]}]}",
        "messages[0].content[0].source.media_type: must be one of");
    cases.put("{\"model\":\"gemini-2.5-flash\",\"max_tokens\":5,\"messages\":[{\"role\":\"user\",\"content\":"
        + "[{\"type\":\"tool_result\",\"tool_use_id\":\"toolu_x\",\"content\":\"r\"}]}]}",
        "messages[0].content[0].tool_use_id: 'toolu_x' matches no tool_use block");
    cases.put("{\"model\":\"gemini-2.5-flash\"," + msgs + ",\"max_tokens\":5,\"temperature\":3}",
        "temperature: must be between 0 and 1");
    cases.put("{\"model\":\"gemini-2.5-flash\"," + msgs + ",\"max_tokens\":5,\"tools\":[{\"name\":\"f\"}]}",
        "tools[0].input_schema: Field required");
    cases.put("{\"model\":\"gemini-2.5-flash\"," + msgs + ",\"max_tokens\":5,\"tools\":[{\"name\":\"f\","
        + "\"input_schema\":{}}],\"tool_choice\":{\"type\":\"tool\",\"name\":\"g\"}}",
        "tool_choice.name: no tool named 'g'");
    cases.put("{\"model\":\"gemini-2.5-flash\"," + msgs + ",\"max_tokens\":5,\"thinking\":{\"type\":\"enabled\"}}",
        "thinking.budget_tokens: Field required");
    cases.put("{\"model\":\"gemini-2.5-flash\"," + msgs + ",\"max_tokens\":5,\"stop_sequences\":[1]}",
        "stop_sequences[0]: must be a string");
    cases.put("not json", "The request body is not a valid JSON object.");
    cases.forEach((request, message) -> {
      HttpResponse<String> r = raw("/v1/messages", request);
      assertThat(r.statusCode()).as(request).isEqualTo(400);
      assertThat(body(r).path("type").asText()).as(request).isEqualTo("error");
      assertThat(body(r).path("error").path("type").asText()).as(request).isEqualTo("invalid_request_error");
      assertThat(body(r).path("error").path("message").asText()).as(request).startsWith(message);
    });
    assertThat(h.fake.requests()).isEmpty();
  }

  @Test
  void unknownPathsUnderAnthropicAre404InAnthropicsShape() {
    start(Map.of());
    HttpResponse<String> r = raw("/anthropic/v1/complete", "{}");
    assertThat(r.statusCode()).isEqualTo(404);
    assertThat(body(r).path("error").path("type").asText()).isEqualTo("not_found_error");
    HttpResponse<String> unauthenticated = h.post("/anthropic/v1/models", "");
    assertThat(unauthenticated.statusCode()).isEqualTo(401);
    assertThat(body(unauthenticated).path("error").path("type").asText()).isEqualTo("authentication_error");
  }
}
