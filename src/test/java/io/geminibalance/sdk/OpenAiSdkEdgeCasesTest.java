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
}
