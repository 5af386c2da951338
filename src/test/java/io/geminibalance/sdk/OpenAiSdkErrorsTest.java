package io.geminibalance.sdk;

import static io.geminibalance.sdk.OpenAiSdkSupport.MODEL;
import static io.geminibalance.sdk.OpenAiSdkSupport.bearer;
import static io.geminibalance.sdk.OpenAiSdkSupport.tree;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.core.http.StreamResponse;
import com.openai.errors.BadRequestException;
import com.openai.errors.InternalServerException;
import com.openai.errors.NotFoundException;
import com.openai.errors.OpenAIException;
import com.openai.errors.OpenAIServiceException;
import com.openai.errors.PermissionDeniedException;
import com.openai.errors.RateLimitException;
import com.openai.errors.UnauthorizedException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import io.geminibalance.testing.GatewayHarness;
import io.geminibalance.testing.Recorded;
import io.geminibalance.testing.Replies;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Every error class the SDK knows, with its status; fail-over and broken streams. One gateway per test. */
class OpenAiSdkErrorsTest {
  static final String CHAT = "{\"model\":\"gemini-2.5-flash\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
  static final String STREAM_CHAT =
      "{\"model\":\"gemini-2.5-flash\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

  GatewayHarness h;

  @AfterEach
  void stop() {
    if (h != null) {
      h.close();
    }
  }

  private OpenAIClient start(Map<String, String> env) {
    h = GatewayHarness.start(env);
    return OpenAiSdkSupport.client(h);
  }

  private static ChatCompletionCreateParams chat(String model) {
    return ChatCompletionCreateParams.builder().model(model).addUserMessage("hi").build();
  }

  private HttpResponse<String> rawChat(String body) {
    return h.post("/v1/chat/completions", body, "authorization", bearer(), "content-type", "application/json");
  }

  private static JsonNode error(HttpResponse<String> r) {
    return tree(r.body()).path("error");
  }

  @Test
  void upstreamBadRequestIsABadRequestExceptionWithTheUpstreamMessage() {
    OpenAIClient client = start(Map.of());
    h.fake.on(r -> true, Replies.googleError(400, "INVALID_ARGUMENT", "Invalid value at contents[0] from test"));
    BadRequestException e = catchThrowableOfType(BadRequestException.class,
        () -> client.chat().completions().create(chat(MODEL)));
    assertThat(e.statusCode()).isEqualTo(400);
    assertThat(e.getMessage()).contains("Invalid value at contents[0] from test");
    assertThat(e.code()).hasValue("invalid_argument");
    assertThat(e.type()).hasValue("invalid_request_error");
    assertThat(h.fake.requests()).hasSize(1);
  }

  @Test
  void wrongTokenIsUnauthorizedAndNothingGoesUpstream() {
    start(Map.of());
    OpenAIClient wrong = OpenAiSdkSupport.client(h, "not-a-token");
    UnauthorizedException e = catchThrowableOfType(UnauthorizedException.class,
        () -> wrong.chat().completions().create(chat(MODEL)));
    assertThat(e.statusCode()).isEqualTo(401);
    assertThat(catchThrowableOfType(UnauthorizedException.class, () -> wrong.models().list())).isNotNull();
    assertThat(h.fake.requests()).isEmpty();
  }

  @Test
  void theRequestsOwnPermissionDeniedIsPermissionDeniedExceptionAtOnce() {
    OpenAIClient client = start(Map.of());
    h.fake.on(r -> true, Replies.json(403, io.geminibalance.testing.GoogleErrorBodies.FOREIGN_FILE));
    PermissionDeniedException e = catchThrowableOfType(PermissionDeniedException.class,
        () -> client.chat().completions().create(chat(MODEL)));
    assertThat(e.statusCode()).isEqualTo(403);
    assertThat(e.getMessage()).contains("You do not have permission to access the File");
    assertThat(h.fake.requests()).as("no other key would do better").hasSize(1);
  }

  @Test
  void aProjectBlockOnEveryKeyIsPermissionDeniedExceptionAfterTryingEach() {
    OpenAIClient client = start(Map.of());
    h.fake.on(r -> true, Replies.json(403, io.geminibalance.testing.GoogleErrorBodies.SERVICE_DISABLED));
    PermissionDeniedException e = catchThrowableOfType(PermissionDeniedException.class,
        () -> client.chat().completions().create(chat(MODEL)));
    assertThat(e.statusCode()).isEqualTo(403);
    assertThat(e.getMessage()).contains("Generative Language API has not been used");
    assertThat(h.fake.requests()).hasSize(3);
    assertThat(h.fake.requests().stream().map(Recorded::key).distinct().toList()).hasSize(3);
  }

  @Test
  void unknownModelIsNotFoundException() {
    OpenAIClient client = start(Map.of());
    h.fake.on(r -> r.pathEndsWith(":generateContent"),
        Replies.googleError(404, "NOT_FOUND", "models/gemini-nope is not found for API version v1beta"));
    NotFoundException e = catchThrowableOfType(NotFoundException.class,
        () -> client.chat().completions().create(chat("gemini-nope")));
    assertThat(e.statusCode()).isEqualTo(404);
    assertThat(e.getMessage()).contains("gemini-nope");
    assertThat(e.code()).hasValue("model_not_found");
    assertThat(h.fake.requests()).hasSize(1);
  }

  @Test
  void rateLimitIsRateLimitExceptionWithRetryAfter() {
    OpenAIClient client = start(Map.of());
    h.fake.on(r -> true, Replies.rateLimited("17s"));
    RateLimitException e = catchThrowableOfType(RateLimitException.class,
        () -> client.chat().completions().create(chat(MODEL)));
    assertThat(e.statusCode()).isEqualTo(429);
    assertThat(e.headers().values("retry-after")).isNotEmpty();
    HttpResponse<String> raw = rawChat(CHAT);
    assertThat(raw.statusCode()).isEqualTo(429);
    assertThat(raw.headers().firstValue("retry-after")).isPresent();
    assertThat(Long.parseLong(raw.headers().firstValue("retry-after").get())).isPositive();
    assertThat(error(raw).path("type").asText()).isEqualTo("rate_limit_error");
    assertThat(error(raw).path("code").asText()).isEqualTo("rate_limit_exceeded");
  }

  @Test
  void serverErrorIsInternalServerException() {
    OpenAIClient client = start(Map.of("MAX_RETRIES", "1"));
    h.fake.on(r -> true, Replies.googleError(500, "INTERNAL", "An internal error has occurred."));
    InternalServerException e = catchThrowableOfType(InternalServerException.class,
        () -> client.chat().completions().create(chat(MODEL)));
    assertThat(e.statusCode()).isEqualTo(500);
    assertThat(e.getMessage()).contains("An internal error has occurred.");
    assertThat(e.type()).hasValue("server_error");
  }

  @Test
  void noUsableKeyIs503() {
    OpenAIClient client = start(Map.of("API_KEYS", "[]"));
    InternalServerException e = catchThrowableOfType(InternalServerException.class,
        () -> client.chat().completions().create(chat(MODEL)));
    assertThat(e.statusCode()).isEqualTo(503);
    HttpResponse<String> raw = rawChat(CHAT);
    assertThat(raw.statusCode()).isEqualTo(503);
    assertThat(error(raw).path("code").asText()).isEqualTo("service_unavailable");
    assertThat(h.fake.requests()).isEmpty();
  }

  @Test
  void malformedBodiesAre400NamingTheField() {
    start(Map.of());
    HttpResponse<String> badJson = rawChat("{\"model\": \"gemini-2.5-flash\", \"messages\": [");
    assertThat(badJson.statusCode()).isEqualTo(400);
    assertThat(error(badJson).path("type").asText()).isEqualTo("invalid_request_error");
    assertThat(error(badJson).path("message").asText()).containsIgnoringCase("JSON");

    HttpResponse<String> noMessages = rawChat("{\"model\":\"gemini-2.5-flash\"}");
    assertThat(noMessages.statusCode()).isEqualTo(400);
    assertThat(error(noMessages).path("param").asText()).isEqualTo("messages");
    assertThat(error(noMessages).path("message").asText()).contains("messages");

    HttpResponse<String> noModel = rawChat("{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
    assertThat(noModel.statusCode()).isEqualTo(400);
    assertThat(error(noModel).path("param").asText()).isEqualTo("model");
    assertThat(error(noModel).path("message").asText()).contains("model");

    HttpResponse<String> badToolArgs = rawChat("""
        {"model":"gemini-2.5-flash","messages":[{"role":"user","content":"hi"},
         {"role":"assistant","tool_calls":[{"id":"call_1","type":"function",
           "function":{"name":"f","arguments":"{not json"}}]},
         {"role":"tool","tool_call_id":"call_1","content":"x"}]}""");
    assertThat(badToolArgs.statusCode()).isEqualTo(400);
    assertThat(error(badToolArgs).path("param").asText()).contains("arguments");
    assertThat(h.fake.requests()).isEmpty();
  }

  @Test
  void streamingRequestThatFailsBeforeTheFirstByteGetsTheErrorStatus() {
    OpenAIClient client = start(Map.of());
    h.fake.on(r -> r.pathEndsWith(":streamGenerateContent"),
        Replies.googleError(400, "INVALID_ARGUMENT", "bad stream request from test"));
    BadRequestException e = catchThrowableOfType(BadRequestException.class, () -> {
      try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(chat(MODEL))) {
        stream.stream().forEach(c -> { });
      }
    });
    assertThat(e.statusCode()).isEqualTo(400);
    assertThat(e.getMessage()).contains("bad stream request from test");
    HttpResponse<String> raw = rawChat(STREAM_CHAT);
    assertThat(raw.statusCode()).isEqualTo(400);
    assertThat(raw.headers().firstValue("content-type").orElse("")).startsWith("application/json");

    h.fake.reset();
    h.fake.on(r -> true, Replies.rateLimited("9s"));
    HttpResponse<String> limited = rawChat(STREAM_CHAT);
    assertThat(limited.statusCode()).isEqualTo(429);
    assertThat(limited.headers().firstValue("retry-after")).isPresent();
  }

  @Test
  void failsOverToTheNextKeyWhenTheFirstIsInvalid() {
    OpenAIClient client = start(Map.of());
    h.fake.on(r -> true, Replies.invalidKey(), 1);
    ChatCompletion completion = client.chat().completions().create(chat(MODEL));
    assertThat(completion.choices().get(0).message().content()).hasValue("Hello from fake");
    List<Recorded> requests = h.fake.requests();
    assertThat(requests).hasSize(2);
    assertThat(requests.get(0).key()).isNotEqualTo(requests.get(1).key());
    assertThat(requests.get(1).bodyText()).isEqualTo(requests.get(0).bodyText());
  }

  @Test
  void failsOverOnTheStreamingPathToo() {
    OpenAIClient client = start(Map.of());
    h.fake.on(r -> true, Replies.invalidKey(), 1);
    StringBuilder text = new StringBuilder();
    try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(chat(MODEL))) {
      stream.stream().forEach(c -> c.choices().forEach(ch -> ch.delta().content().ifPresent(text::append)));
    }
    assertThat(text.toString()).isEqualTo("Hello from fake");
    assertThat(h.fake.requests()).hasSize(2);
  }

  @Test
  void midStreamUpstreamBreakRaisesAnErrorInTheSdk() {
    OpenAIClient client = start(Map.of());
    h.fake.on(r -> r.pathEndsWith(":streamGenerateContent"),
        Replies.sseCut(List.of(Replies.chunk("Hello"), Replies.chunk(" wor"), Replies.finalChunk("ld")), 20, 2));
    List<String> seen = new ArrayList<>();
    OpenAIException e = catchThrowableOfType(OpenAIException.class, () -> {
      try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(chat(MODEL))) {
        stream.stream().forEach(c -> c.choices().forEach(ch -> ch.delta().content().ifPresent(seen::add)));
      }
    });
    assertThat(e).as("a broken upstream must surface as an SDK error, not a short answer").isNotNull();
    assertThat(String.join("", seen)).isEqualTo("Hello wor");

    HttpResponse<String> raw = rawChat(STREAM_CHAT);
    assertThat(raw.statusCode()).isEqualTo(200);
    assertThat(raw.body()).doesNotContain("[DONE]").contains("\"error\"");
  }

  @Test
  void upstreamErrorEventMidStreamRaisesAnErrorInTheSdk() {
    OpenAIClient client = start(Map.of());
    h.fake.on(r -> r.pathEndsWith(":streamGenerateContent"), Replies.sse(List.of(Replies.chunk("Hello"),
        "{\"error\":{\"code\":500,\"message\":\"stream broke upstream\",\"status\":\"INTERNAL\"}}"), 5));
    OpenAIException e = catchThrowableOfType(OpenAIException.class, () -> {
      try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(chat(MODEL))) {
        stream.stream().forEach(c -> { });
      }
    });
    assertThat(e).isNotNull();
    assertThat(e.getMessage()).contains("stream broke upstream");
  }

  @Test
  void errorBodiesHaveOpenAiShape() {
    start(Map.of());
    h.fake.on(r -> true, Replies.googleError(403, "PERMISSION_DENIED", "denied"));
    HttpResponse<String> r = rawChat(CHAT);
    assertThat(r.statusCode()).isEqualTo(403);
    JsonNode error = error(r);
    assertThat(error.path("type").asText()).isEqualTo("permission_error");
    assertThat(error.path("code").asText()).isEqualTo("permission_denied");
    assertThat(error.has("param")).isTrue();
    assertThat(OpenAIServiceException.class).isAssignableFrom(PermissionDeniedException.class);
  }

  /**
   * A non-streamed answer whose body goes silent after the headers: the upstream request's own
   * timeout no longer applies then, so without the body watchdog the client waited forever.
   */
  @Test
  void upstreamAnswerThatStallsMidBodyIsA504AfterTheIdleTimeout() throws Exception {
    start(Map.of("TIME_OUT", "1"));
    h.fake.on(r -> r.pathEndsWith(":generateContent"), (r, res, raw) -> {
      res.setStatusCode(200).putHeader("content-type", "application/json").setChunked(true);
      res.write("{\"candidates\": [");
    });
    long started = System.nanoTime();
    HttpResponse<String> r = rawChat(CHAT);
    long tookMillis = (System.nanoTime() - started) / 1_000_000;
    assertThat(r.statusCode()).isEqualTo(504);
    assertThat(error(r).path("message").asText()).contains("no data from upstream for 1000 ms");
    assertThat(error(r).path("code").asText()).isEqualTo("deadline_exceeded");
    assertThat(tookMillis).isBetween(900L, 5_000L);
    Recorded upstream = h.fake.requests(":generateContent").get(0);
    long deadline = System.currentTimeMillis() + 5000;
    while (!upstream.closedByCaller() && System.currentTimeMillis() < deadline) {
      Thread.sleep(20);
    }
    assertThat(upstream.closedByCaller()).as("upstream request cancelled").isTrue();
  }

  @Test
  void upstreamThatStallsMidStreamRaisesAnErrorAfterTheIdleTimeout() {
    OpenAIClient client = start(Map.of("TIME_OUT", "1"));
    h.fake.on(r -> r.pathEndsWith(":streamGenerateContent"), (r, res, raw) -> {
      res.setStatusCode(200).putHeader("content-type", "text/event-stream").setChunked(true);
      res.write("data: " + Replies.chunk("Hello") + "\r\n\r\n");
    });
    List<String> seen = new ArrayList<>();
    OpenAIException e = catchThrowableOfType(OpenAIException.class, () -> {
      try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(chat(MODEL))) {
        stream.stream().forEach(c -> c.choices().forEach(ch -> ch.delta().content().ifPresent(seen::add)));
      }
    });
    assertThat(e).as("a stalled upstream must end in an SDK error, not a short answer").isNotNull();
    assertThat(String.join("", seen)).isEqualTo("Hello");
  }
}
