package io.geminibalance.protocol.openai;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChatStreamTranslatorTest {

  private static ChatStreamTranslator translator(boolean includeUsage, ThoughtSignatureCache cache) {
    return new ChatStreamTranslator(Fixtures.options(null), TestContexts.context("gemini-2.5-flash", cache), includeUsage);
  }

  @Test
  void upstreamErrorEventBecomesAnOpenAiErrorAndSuppressesTheEnding() {
    ChatStreamTranslator stream = translator(true, null);
    stream.onEvent(Fixtures.json("{\"candidates\":[{\"index\":0,\"content\":{\"parts\":[{\"text\":\"Hi\"}]}}]}"));

    List<ObjectNode> chunks = stream.onEvent(Fixtures.json(
        "{\"error\":{\"code\":503,\"message\":\"The model is overloaded.\",\"status\":\"UNAVAILABLE\"}}"));

    assertThat(chunks).containsExactly((ObjectNode) Fixtures.json(
        "{\"error\":{\"message\":\"The model is overloaded.\",\"type\":\"server_error\",\"param\":null,\"code\":\"unavailable\"}}"));
    assertThat(stream.failed()).isTrue();
    assertThat(stream.onEnd()).isEmpty();
  }

  @Test
  void brokenConnectionErrorEventHasTheOpenAiShape() {
    assertThat(ChatStreamTranslator.errorEvent("upstream connection reset", "internal")).isEqualTo(Fixtures.json(
        "{\"error\":{\"message\":\"upstream connection reset\",\"type\":\"server_error\",\"param\":null,\"code\":\"internal\"}}"));
    assertThat(ChatStreamTranslator.isError(Fixtures.json("{\"error\":{}}"))).isTrue();
    assertThat(ChatStreamTranslator.isError(Fixtures.json("{\"candidates\":[]}"))).isFalse();
  }

  @Test
  void everyChunkOfAStreamSharesIdAndCreated() {
    ChatStreamTranslator stream = translator(false, null);
    List<ObjectNode> chunks = new java.util.ArrayList<>();
    chunks.addAll(stream.onEvent(Fixtures.json("{\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"a\"}]}}]}")));
    chunks.addAll(stream.onEvent(Fixtures.json("{\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"b\"}]}}]}")));
    chunks.addAll(stream.onEnd());

    assertThat(chunks).hasSize(3).allSatisfy(chunk -> {
      assertThat(chunk.get("id").asText()).isEqualTo(TestContexts.ID);
      assertThat(chunk.get("created").asLong()).isEqualTo(TestContexts.CREATED);
      assertThat(chunk.has("usage")).isFalse();
    });
    assertThat(chunks.stream().filter(c -> !c.at("/choices/0/finish_reason").isNull())).hasSize(1);
  }

  @Test
  void streamedSignaturesAreRecordedInTheCache() {
    ThoughtSignatureCache cache = new ThoughtSignatureCache(1 << 20, 60_000);
    List<ObjectNode> chunks = translator(false, cache).onEvent(Fixtures.json("{\"candidates\":[{\"content\":{\"parts\":["
        + "{\"functionCall\":{\"name\":\"f\",\"args\":{}},\"thoughtSignature\":\"S1\"}]}}]}"));

    JsonNode call = chunks.get(0).at("/choices/0/delta/tool_calls/0");
    assertThat(cache.get(call.get("id").asText(), 5_001).map(ThoughtSignatureCache.Entry::thoughtSignature)).contains("S1");
  }

  @Test
  void usageOnlyEventsAreHeldUntilTheEnd() {
    ChatStreamTranslator stream = translator(true, null);
    assertThat(stream.onEvent(Fixtures.json("{\"usageMetadata\":{\"promptTokenCount\":2,\"totalTokenCount\":2}}"))).isEmpty();
    assertThat(stream.onEvent(Fixtures.json("{\"usageMetadata\":{\"promptTokenCount\":3,\"candidatesTokenCount\":1,\"totalTokenCount\":4}}"))).isEmpty();

    List<ObjectNode> end = stream.onEnd();

    assertThat(end.get(end.size() - 1).get("usage").get("total_tokens").asInt()).isEqualTo(4);
    assertThat(end.get(end.size() - 1).get("choices")).isEmpty();
  }
}
