package io.geminibalance.sdk;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.genai.Client;
import com.google.genai.ResponseStream;
import com.google.genai.types.GenerateContentResponse;
import com.google.genai.types.HttpOptions;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.errors.OpenAIException;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import io.geminibalance.testing.GatewayHarness;
import io.geminibalance.testing.Replies;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Both official SDKs read a fake stream as an ordinary one: the heartbeats (SSE comments) are
 * skipped, thoughts and text both arrive, and an error after the heartbeats is raised, not taken
 * for a short answer.
 */
class FakeStreamSdkTest {
  static final String ANSWER = "{\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"Let me think.\",\"thought\":true},"
      + "{\"text\":\"The answer is 42.\"}],\"role\":\"model\"},\"finishReason\":\"STOP\",\"index\":0}],"
      + "\"usageMetadata\":{\"promptTokenCount\":3,\"candidatesTokenCount\":5,\"thoughtsTokenCount\":4,"
      + "\"totalTokenCount\":12}}";

  @RegisterExtension
  static final GatewayHarness h = GatewayHarness.start(Map.of("FAKE_STREAM_ENABLED", "true",
      "FAKE_STREAM_EMPTY_DATA_INTERVAL_SECONDS", "1"));

  static void upstreamAnswersLate(String answer) {
    h.fake.on(r -> r.pathEndsWith(":generateContent"), Replies.delayed(2_500, Replies.json(200, answer)));
  }

  @Test
  void openAiSdkReadsAFakeStream() {
    upstreamAnswersLate(ANSWER);
    List<ChatCompletionChunk> chunks = new ArrayList<>();
    try (StreamResponse<ChatCompletionChunk> stream = OpenAiSdkSupport.client(h).chat().completions().createStreaming(
        ChatCompletionCreateParams.builder().model(OpenAiSdkSupport.MODEL).addUserMessage("hi").build())) {
      stream.stream().forEach(chunks::add);
    }
    StringBuilder text = new StringBuilder();
    StringBuilder reasoning = new StringBuilder();
    chunks.forEach(c -> c.choices().forEach(choice -> {
      choice.delta().content().ifPresent(text::append);
      JsonValue thought = choice.delta()._additionalProperties().get("reasoning_content");
      if (thought != null) {
        thought.asString().ifPresent(reasoning::append);
      }
    }));
    assertThat(text.toString()).isEqualTo("The answer is 42.");
    assertThat(reasoning.toString()).isEqualTo("Let me think.");
    assertThat(chunks.stream().flatMap(c -> c.choices().stream())
        .filter(c -> c.finishReason().isPresent()).toList()).hasSize(1);
    assertThat(h.fake.requests(":streamGenerateContent")).isEmpty();
  }

  @Test
  void openAiSdkRaisesAnErrorThatCameAfterTheHeartbeats() {
    h.fake.on(r -> r.pathEndsWith(":generateContent"), Replies.delayed(2_500,
        Replies.googleError(400, "INVALID_ARGUMENT", "Bad contents field")));
    List<ChatCompletionChunk> chunks = new ArrayList<>();
    Throwable thrown = null;
    try (StreamResponse<ChatCompletionChunk> stream = OpenAiSdkSupport.client(h).chat().completions().createStreaming(
        ChatCompletionCreateParams.builder().model(OpenAiSdkSupport.MODEL).addUserMessage("hi").build())) {
      stream.stream().forEach(chunks::add);
    } catch (OpenAIException e) {
      thrown = e;
    }
    assertThat(thrown).as("the SDK raises the error event").isNotNull();
    assertThat(thrown.getMessage()).contains("Bad contents field");
    assertThat(chunks).isEmpty();
  }

  @Test
  void googleGenAiSdkReadsAFakeStream() {
    upstreamAnswersLate(ANSWER);
    Client client = Client.builder().apiKey(GatewayHarness.CLIENT_TOKEN).vertexAI(false)
        .httpOptions(HttpOptions.builder().baseUrl(h.url("")).build()).build();
    List<String> texts = new ArrayList<>();
    List<Boolean> thoughts = new ArrayList<>();
    try (ResponseStream<GenerateContentResponse> stream =
        client.models.generateContentStream("gemini-2.5-flash", "Hello?", null)) {
      for (GenerateContentResponse chunk : stream) {
        chunk.candidates().orElseThrow().get(0).content().orElseThrow().parts().orElseThrow().forEach(p -> {
          texts.add(p.text().orElse(""));
          thoughts.add(p.thought().orElse(false));
        });
      }
    }
    assertThat(texts).containsExactly("Let me think.", "The answer is 42.");
    assertThat(thoughts).containsExactly(true, false);
  }
}
