package io.geminibalance.sdk;

import static io.geminibalance.sdk.OpenAiSdkSupport.MODEL;
import static io.geminibalance.sdk.OpenAiSdkSupport.onlyUpstream;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.errors.BadRequestException;
import com.openai.errors.InternalServerException;
import com.openai.helpers.ChatCompletionAccumulator;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.embeddings.EmbeddingCreateParams;
import io.geminibalance.testing.GatewayHarness;
import io.geminibalance.testing.Recorded;
import io.geminibalance.testing.Replies;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Less common paths: odd upstream answers, early client aborts, the /hf/v1 prefix, n=2 streams. */
class OpenAiSdkEdgeCasesTest {
  static GatewayHarness h;
  static OpenAIClient client;

  @BeforeAll
  static void start() {
    h = GatewayHarness.start();
    client = OpenAIOkHttpClient.builder().apiKey(GatewayHarness.CLIENT_TOKEN).baseUrl(h.url("/v1"))
        .maxRetries(0).timeout(Duration.ofSeconds(8)).build();
  }

  @AfterAll
  static void stop() {
    h.close();
  }

  @BeforeEach
  void reset() {
    h.fake.reset();
  }

  private static ChatCompletionCreateParams chat() {
    return ChatCompletionCreateParams.builder().model(MODEL).addUserMessage("hi").build();
  }

  @Test
  void hfPrefixServesTheSameSurface() {
    OpenAIClient hf = OpenAIOkHttpClient.builder().apiKey(GatewayHarness.CLIENT_TOKEN).baseUrl(h.url("/hf/v1"))
        .maxRetries(0).build();
    assertThat(hf.chat().completions().create(chat()).choices().get(0).message().content())
        .hasValue("Hello from fake");
    assertThat(hf.models().retrieve("gemini-2.5-flash").id()).isEqualTo("gemini-2.5-flash");
  }

  @Test
  void upstreamAnswerThatIsNotAnObjectIsA5xxNotAHang() {
    h.fake.on(r -> r.pathEndsWith(":generateContent"), Replies.json(200, "[]"));
    InternalServerException e = catchThrowableOfType(InternalServerException.class,
        () -> client.chat().completions().create(chat()));
    assertThat(e).as("the gateway must answer, not leave the client waiting").isNotNull();
    assertThat(e.statusCode()).isEqualTo(502);
  }

  @Test
  void embeddingCountMismatchIsA5xxNotAHang() {
    h.fake.on(r -> r.pathEndsWith(":batchEmbedContents"),
        Replies.json(200, "{\"embeddings\":[{\"values\":[0.1]}]}"));
    InternalServerException e = catchThrowableOfType(InternalServerException.class,
        () -> client.embeddings().create(EmbeddingCreateParams.builder().model("text-embedding-004")
            .inputOfArrayOfStrings(List.of("a", "b")).build()));
    assertThat(e).as("the gateway must answer, not leave the client waiting").isNotNull();
    assertThat(e.statusCode()).isEqualTo(502);
  }

  @Test
  void embeddingUpstreamErrorIsABadRequest() {
    h.fake.on(r -> r.pathEndsWith(":batchEmbedContents"),
        Replies.googleError(400, "INVALID_ARGUMENT", "embedding input too long"));
    BadRequestException e = catchThrowableOfType(BadRequestException.class,
        () -> client.embeddings().create(EmbeddingCreateParams.builder().model("text-embedding-004")
            .input("a").build()));
    assertThat(e.getMessage()).contains("embedding input too long");
    assertThat(catchThrowableOfType(BadRequestException.class,
        () -> client.embeddings().create(EmbeddingCreateParams.builder().model("text-embedding-004")
            .inputOfArrayOfTokens(List.of(1L, 2L)).build()))).isNotNull();
  }

  @Test
  void closingTheSdkStreamEarlyCancelsTheUpstreamCall() throws Exception {
    h.fake.on(r -> r.pathEndsWith(":streamGenerateContent"), Replies.sse(
        java.util.stream.IntStream.range(0, 200).mapToObj(i -> Replies.chunk("w" + i + " ")).toList(), 50));
    try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(chat())) {
      Iterator<ChatCompletionChunk> it = stream.stream().iterator();
      assertThat(it.hasNext()).isTrue();
      it.next();
    }
    Recorded upstream = h.fake.requests(":streamGenerateContent").get(0);
    long deadline = System.currentTimeMillis() + 5000;
    while (!upstream.closedByCaller() && System.currentTimeMillis() < deadline) {
      Thread.sleep(20);
    }
    assertThat(upstream.closedByCaller()).isTrue();
  }

  @Test
  void twoCandidatesInAStreamGiveTwoChoicesEachWithOneFinishReason() {
    h.fake.on(r -> r.pathEndsWith(":streamGenerateContent"), Replies.sse(List.of(
        "{\"candidates\":[{\"content\":{\"role\":\"model\",\"parts\":[{\"text\":\"A1 \"}]},\"index\":0},"
            + "{\"content\":{\"role\":\"model\",\"parts\":[{\"text\":\"B1 \"}]},\"index\":1}]}",
        "{\"candidates\":[{\"content\":{\"role\":\"model\",\"parts\":[{\"text\":\"B2\"}]},\"finishReason\":\"MAX_TOKENS\","
            + "\"index\":1}]}",
        "{\"candidates\":[{\"content\":{\"role\":\"model\",\"parts\":[{\"text\":\"A2\"}]},\"finishReason\":\"STOP\","
            + "\"index\":0}]}"), 5));
    ChatCompletionAccumulator accumulator = ChatCompletionAccumulator.create();
    try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(
        ChatCompletionCreateParams.builder().model(MODEL).addUserMessage("two").n(2L).build())) {
      stream.stream().forEach(accumulator::accumulate);
    }
    ChatCompletion completion = accumulator.chatCompletion();
    assertThat(completion.choices()).hasSize(2);
    ChatCompletion.Choice first = completion.choices().stream().filter(c -> c.index() == 0).findFirst().orElseThrow();
    ChatCompletion.Choice second = completion.choices().stream().filter(c -> c.index() == 1).findFirst().orElseThrow();
    assertThat(first.message().content()).hasValue("A1 A2");
    assertThat(first.finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.STOP);
    assertThat(second.message().content()).hasValue("B1 B2");
    assertThat(second.finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.LENGTH);
    assertThat(onlyUpstream(h, ":streamGenerateContent").at("/generationConfig/candidateCount").asInt()).isEqualTo(2);
  }

  @Test
  void modelsPrefixAndVirtualSuffixesAreResolvedUpstreamAndEchoedBack() {
    ChatCompletion prefixed = client.chat().completions().create(ChatCompletionCreateParams.builder()
        .model("models/gemini-2.5-flash").addUserMessage("hi").build());
    assertThat(prefixed.model()).isEqualTo("models/gemini-2.5-flash");
    assertThat(h.fake.requests().get(0).path()).isEqualTo("/v1beta/models/gemini-2.5-flash:generateContent");

    h.fake.reset();
    ChatCompletion search = client.chat().completions().create(ChatCompletionCreateParams.builder()
        .model("gemini-2.5-flash-search").addUserMessage("news?").build());
    assertThat(search.model()).isEqualTo("gemini-2.5-flash-search");
    assertThat(h.fake.requests().get(0).path()).isEqualTo("/v1beta/models/gemini-2.5-flash:generateContent");
    assertThat(onlyUpstream(h, ":generateContent").at("/tools/0/googleSearch").isObject()).isTrue();

    h.fake.reset();
    client.chat().completions().create(ChatCompletionCreateParams.builder()
        .model("gemini-2.5-flash-non-thinking").addUserMessage("quick").build());
    assertThat(h.fake.requests().get(0).path()).isEqualTo("/v1beta/models/gemini-2.5-flash:generateContent");
    com.fasterxml.jackson.databind.JsonNode thinking =
        onlyUpstream(h, ":generateContent").at("/generationConfig/thinkingConfig");
    assertThat(thinking.path("thinkingBudget").asInt(-1)).isZero();
    assertThat(thinking.path("includeThoughts").asBoolean(false)).isFalse();
  }

  @Test
  void unknownToolCallIdIsABadRequestNamingTheField() {
    BadRequestException e = catchThrowableOfType(BadRequestException.class,
        () -> client.chat().completions().create(ChatCompletionCreateParams.builder().model(MODEL)
            .addUserMessage("hi")
            .addMessage(com.openai.models.chat.completions.ChatCompletionToolMessageParam.builder()
                .toolCallId("call_unknown").content("42").build())
            .build()));
    assertThat(e.statusCode()).isEqualTo(400);
    assertThat(e.param()).hasValueSatisfying(p -> assertThat(p).contains("tool_call_id"));
    assertThat(h.fake.requests()).isEmpty();
  }

  @Test
  void audioInputGoesUpstreamAsInlineData() {
    client.chat().completions().create(ChatCompletionCreateParams.builder().model(MODEL)
        .addUserMessageOfArrayOfContentParts(List.of(
            com.openai.models.chat.completions.ChatCompletionContentPart.ofInputAudio(
                com.openai.models.chat.completions.ChatCompletionContentPartInputAudio.builder()
                    .inputAudio(com.openai.models.chat.completions.ChatCompletionContentPartInputAudio.InputAudio
                        .builder().data("UklGRg==").format(
                            com.openai.models.chat.completions.ChatCompletionContentPartInputAudio.InputAudio
                                .Format.WAV).build()).build())))
        .build());
    com.fasterxml.jackson.databind.JsonNode part = onlyUpstream(h, ":generateContent").at("/contents/0/parts/0");
    assertThat(part.at("/inlineData/mimeType").asText()).isEqualTo("audio/wav");
    assertThat(part.at("/inlineData/data").asText()).isEqualTo("UklGRg==");
  }

  @Test
  void streamingUnknownModelIsNotFoundBeforeAnyByte() {
    h.fake.on(r -> r.pathEndsWith(":streamGenerateContent"),
        Replies.googleError(404, "NOT_FOUND", "models/gemini-nope is not found"));
    com.openai.errors.NotFoundException e = catchThrowableOfType(com.openai.errors.NotFoundException.class, () -> {
      try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(
          ChatCompletionCreateParams.builder().model("gemini-nope").addUserMessage("hi").build())) {
        stream.stream().forEach(c -> { });
      }
    });
    assertThat(e.statusCode()).isEqualTo(404);
  }
}
