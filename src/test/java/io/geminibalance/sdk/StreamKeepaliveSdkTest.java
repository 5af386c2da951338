package io.geminibalance.sdk;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.genai.Client;
import com.google.genai.ResponseStream;
import com.google.genai.types.GenerateContentResponse;
import com.google.genai.types.HttpOptions;
import com.openai.core.http.StreamResponse;
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
 * Both official SDKs read streams with keepalive comments in them (SSE comments are skipped by
 * every SSE parser): the raw stream shows the comments, the SDK the whole answer and nothing else.
 */
class StreamKeepaliveSdkTest {
  static final long PAUSE_MILLIS = 3_000;

  @RegisterExtension
  static final GatewayHarness h = GatewayHarness.start(Map.of("STREAM_KEEPALIVE_SECONDS", "1"));

  void upstreamPausesMidStream() {
    h.fake.on(r -> r.pathEndsWith(":streamGenerateContent"),
        Replies.sse(List.of(Replies.chunk("Hello "), Replies.finalChunk("world")), PAUSE_MILLIS));
  }

  @Test
  void googleGenAiSdkIgnoresKeepalives() {
    upstreamPausesMidStream();
    assertThat(h.post("/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse", "{}",
        "x-goog-api-key", GatewayHarness.CLIENT_TOKEN).body()).as("the stream carries comments").contains(": keepalive\n\n");
    Client client = Client.builder().apiKey(GatewayHarness.CLIENT_TOKEN).vertexAI(false)
        .httpOptions(HttpOptions.builder().baseUrl(h.url("")).build()).build();
    List<String> texts = new ArrayList<>();
    try (ResponseStream<GenerateContentResponse> stream =
        client.models.generateContentStream("gemini-2.5-flash", "Hello?", null)) {
      for (GenerateContentResponse chunk : stream) {
        texts.add(chunk.text());
      }
    }
    assertThat(texts).containsExactly("Hello ", "world");
  }

  @Test
  void openAiSdkIgnoresKeepalives() {
    upstreamPausesMidStream();
    List<ChatCompletionChunk> chunks = new ArrayList<>();
    try (StreamResponse<ChatCompletionChunk> stream = OpenAiSdkSupport.client(h).chat().completions().createStreaming(
        ChatCompletionCreateParams.builder().model(OpenAiSdkSupport.MODEL).addUserMessage("hi").build())) {
      stream.stream().forEach(chunks::add);
    }
    StringBuilder text = new StringBuilder();
    chunks.forEach(c -> c.choices().forEach(choice -> choice.delta().content().ifPresent(text::append)));
    assertThat(text.toString()).isEqualTo("Hello world");
    assertThat(chunks.stream().flatMap(c -> c.choices().stream())
        .filter(c -> c.finishReason().isPresent()).toList()).hasSize(1);
  }

  /** Anthropic's stream keeps alive with ping events, which anthropic-java reads and skips. */
  @Test
  void anthropicSdkSkipsPings() {
    upstreamPausesMidStream();
    assertThat(h.post("/v1/messages", "{\"model\":\"gemini-2.5-flash\",\"max_tokens\":9,\"stream\":true,"
        + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", "x-api-key", GatewayHarness.CLIENT_TOKEN).body())
        .as("the stream carries pings").contains("event: ping\n");
    com.anthropic.helpers.MessageAccumulator accumulator = com.anthropic.helpers.MessageAccumulator.create();
    try (com.anthropic.core.http.StreamResponse<com.anthropic.models.messages.RawMessageStreamEvent> stream =
        AnthropicSdkTest.client(h, "", GatewayHarness.CLIENT_TOKEN).messages().createStreaming(
            com.anthropic.models.messages.MessageCreateParams.builder().model("gemini-2.5-flash").maxTokens(9)
                .addUserMessage("hi").build())) {
      stream.stream().forEach(accumulator::accumulate);
    }
    assertThat(accumulator.message().content()).hasSize(1);
    assertThat(accumulator.message().content().get(0).asText().text()).isEqualTo("Hello world");
  }
}
