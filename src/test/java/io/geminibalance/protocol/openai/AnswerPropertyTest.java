package io.geminibalance.protocol.openai;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.geminibalance.testing.JsonArbitraries;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.statistics.Statistics;

/**
 * Whatever Gemini (or something in its place) answers, the answer translators give a well-formed
 * OpenAI answer or their one documented upstream-error result, never another exception:
 * {@link MalformedUpstreamException} (the edge answers 502) for whole answers, an error chunk
 * with {@code failed()} for streams (the edge ends the stream without {@code [DONE]}).
 */
class AnswerPropertyTest {

  private static final TranslationOptions OPTIONS = TranslationOptions.defaults();
  private static final Set<String> FINISH_REASONS = Set.of("stop", "length", "content_filter", "tool_calls");
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  @Provide
  Arbitrary<JsonNode> geminiResponses() {
    return OpenAiArbitraries.geminiResponses();
  }

  @Provide
  Arbitrary<List<JsonNode>> geminiStreams() {
    return OpenAiArbitraries.geminiEvents().list().ofMaxSize(5);
  }

  @Property(tries = 300, edgeCases = EdgeCasesMode.NONE)
  void wholeAnswersTranslateOrAreMalformedUpstream(@ForAll("geminiResponses") JsonNode generated) throws Exception {
    Optional<JsonNode> received = JsonArbitraries.overTheWire(generated);
    if (received.isEmpty()) {
      return; // not JSON: the relay answers 502 before translating
    }
    ObjectNode completion;
    try {
      completion = new ChatResponseTranslator(OPTIONS).toCompletion(received.get(),
          TestContexts.context("gemini-2.5-flash", new ThoughtSignatureCache(1 << 16, 1_000)));
    } catch (MalformedUpstreamException e) {
      assertThat(e.getMessage()).isNotBlank();
      Statistics.label("outcome").collect("502");
      return;
    }
    Statistics.label("outcome").collect(completion.path("choices").isEmpty() ? "no choices" : "choices");
    assertThat(completion.path("object").asText()).isEqualTo("chat.completion");
    for (JsonNode choice : completion.path("choices")) {
      assertThat(choice.path("index").isInt()).isTrue();
      JsonNode message = choice.path("message");
      assertThat(message.path("role").asText()).isEqualTo("assistant");
      assertThat(message.path("content").isTextual() || message.path("content").isNull()).isTrue();
      assertThat(FINISH_REASONS).contains(choice.path("finish_reason").asText());
      assertToolCalls(message.path("tool_calls"));
    }
    assertUsage(completion.path("usage"));
    JsonArbitraries.GATEWAY_MAPPER.writeValueAsBytes(completion);
  }

  @Property(tries = 250, edgeCases = EdgeCasesMode.NONE)
  void streamsGiveWellFormedChunksOrEndInOneError(@ForAll("geminiStreams") List<JsonNode> generated,
      @ForAll boolean includeUsage) throws Exception {
    ChatStreamTranslator translator = new ChatStreamTranslator(OPTIONS,
        TestContexts.context("gemini-2.5-flash", null), includeUsage);
    List<ObjectNode> chunks = new ArrayList<>();
    for (JsonNode event : generated) {
      // what the relay hands over: the parsed event, or null for a payload that is not JSON
      chunks.addAll(translator.onEvent(JsonArbitraries.overTheWire(event).orElse(null)));
    }
    chunks.addAll(translator.onEnd());

    boolean errorSeen = false;
    Set<Integer> finished = new HashSet<>();
    for (ObjectNode chunk : chunks) {
      assertThat(errorSeen).as("nothing follows an error chunk").isFalse();
      JsonArbitraries.GATEWAY_MAPPER.writeValueAsBytes(chunk);
      if (chunk.has("error")) {
        errorSeen = true;
        assertThat(chunk.path("error").path("message").isTextual()).isTrue();
        assertThat(chunk.path("error").path("code").isTextual()).isTrue();
        continue;
      }
      assertThat(chunk.path("object").asText()).isEqualTo("chat.completion.chunk");
      for (JsonNode choice : chunk.path("choices")) {
        int index = choice.path("index").intValue();
        assertThat(finished).as("no delta after choice %d finished", index).doesNotContain(index);
        JsonNode reason = choice.path("finish_reason");
        if (!reason.isNull()) {
          assertThat(FINISH_REASONS).contains(reason.asText());
          finished.add(index);
        }
        assertToolCalls(choice.path("delta").path("tool_calls"));
      }
      if (chunk.has("usage") && !chunk.get("usage").isNull()) {
        assertUsage(chunk.get("usage"));
      }
    }
    assertThat(translator.failed()).isEqualTo(errorSeen);
    if (!errorSeen) {
      assertThat(finished).as("every stream ends each choice").isNotEmpty();
      if (includeUsage) {
        assertUsage(chunks.get(chunks.size() - 1).path("usage"));
      }
    }
    Statistics.label("outcome").collect(errorSeen ? "error chunk" : "completed");
  }

  @Provide
  Arbitrary<JsonNode> embeddingAnswers() {
    var embedding = JsonArbitraries.fields();
    embedding.put("values", JsonArbitraries.required(JsonArbitraries.nearly(
        JsonArbitraries.arrayOf(JsonArbitraries.nearly(JsonArbitraries.numbers()), 4))));
    var answer = JsonArbitraries.fields();
    answer.put("embeddings", JsonArbitraries.required(JsonArbitraries.nearly(
        JsonArbitraries.arrayOf(JsonArbitraries.nearly(JsonArbitraries.object(embedding)), 4))));
    return JsonArbitraries.nearly(JsonArbitraries.object(answer));
  }

  @Property(tries = 200, edgeCases = EdgeCasesMode.NONE)
  void embeddingAnswersMergeOrAreMalformedUpstream(@ForAll("embeddingAnswers") JsonNode generated,
      @ForAll @IntRange(min = 1, max = 4) int inputs, @ForAll boolean base64) {
    JsonNode answer = JsonArbitraries.overTheWire(generated).orElse(NODES.objectNode());
    ObjectNode request = NODES.objectNode().put("model", "text-embedding-004")
        .put("encoding_format", base64 ? "base64" : "float");
    request.putArray("input").addAll(List.of(NODES.textNode("a"), NODES.textNode("b"), NODES.textNode("c"),
        NODES.textNode("d")).subList(0, inputs));
    EmbeddingsTranslator.EmbeddingsRequest translated = EmbeddingsTranslator.toGemini(request);
    ObjectNode out;
    try {
      out = EmbeddingsTranslator.toOpenAi(translated, List.of(answer));
    } catch (MalformedUpstreamException e) {
      Statistics.label("outcome").collect("502");
      return;
    }
    Statistics.label("outcome").collect("merged");
    assertThat(out.path("data").size()).isEqualTo(inputs);
    for (JsonNode item : out.path("data")) {
      JsonNode vector = item.path("embedding");
      if (base64) {
        byte[] floats = Base64.getDecoder().decode(vector.asText());
        assertThat(floats.length % Float.BYTES).isZero();
      } else {
        assertThat(vector.isArray()).isTrue();
        vector.forEach(v -> assertThat(v.isNumber()).as("embedding values are numbers").isTrue());
      }
    }
  }

  @Provide
  Arbitrary<byte[]> upstreamErrorBodies() {
    var detail = JsonArbitraries.fields();
    detail.put("@type", JsonArbitraries.required(JsonArbitraries.nearly(JsonArbitraries.text(
        "type.googleapis.com/google.rpc.RetryInfo", "type.googleapis.com/google.rpc.ErrorInfo",
        "type.googleapis.com/google.rpc.QuotaFailure"))));
    detail.put("retryDelay", JsonArbitraries.optional(JsonArbitraries.nearly(JsonArbitraries.text("17s", "0.5s",
        "99999999999999999999999s", "-1s", "s", "1e3s", "NaNs", "Infinitys", "1.s"))));
    detail.put("reason", JsonArbitraries.optional(JsonArbitraries.nearly(JsonArbitraries.text("API_KEY_INVALID"))));
    var error = JsonArbitraries.fields();
    error.put("code", JsonArbitraries.optional(JsonArbitraries.numbers()));
    error.put("message", JsonArbitraries.required(JsonArbitraries.nearly(JsonArbitraries.strings()
        .map(NODES::textNode))));
    error.put("status", JsonArbitraries.optional(JsonArbitraries.nearly(JsonArbitraries.text("INVALID_ARGUMENT",
        "RESOURCE_EXHAUSTED", ""))));
    error.put("details", JsonArbitraries.optional(JsonArbitraries.nearly(
        JsonArbitraries.arrayOf(JsonArbitraries.nearly(JsonArbitraries.object(detail)), 3))));
    Arbitrary<JsonNode> body = JsonArbitraries.nearly(JsonArbitraries.object(
        Map.of("error", JsonArbitraries.required(JsonArbitraries.nearly(JsonArbitraries.object(error))))));
    return Arbitraries.frequencyOf(
        Tuple.of(6, body.map(b -> JsonArbitraries.text(b).getBytes(StandardCharsets.UTF_8))),
        Tuple.of(1, Arbitraries.bytes().array(byte[].class).ofMaxSize(64)),
        Tuple.of(1, Arbitraries.of("", "null", "[]", "{", "<html>502</html>", "{\"error\":null}")
            .map(s -> s.getBytes(StandardCharsets.UTF_8))));
  }

  @Property(tries = 200, edgeCases = EdgeCasesMode.NONE)
  void upstreamErrorsBecomeOpenAiErrors(@ForAll("upstreamErrorBodies") byte[] body,
      @ForAll @IntRange(min = 100, max = 599) int status) {
    OpenAiErrors.OpenAiError error = OpenAiErrors.fromUpstream(status, body);
    assertThat(error.status()).isEqualTo(status);
    assertThat(error.body().path("error").path("message").asText()).isNotBlank();
    assertThat(error.body().path("error").path("type").isTextual()).isTrue();
    error.retryAfterSeconds().ifPresent(seconds -> assertThat(seconds).isNotNegative());
  }

  @Provide
  Arbitrary<List<JsonNode>> modelPages() {
    return OpenAiArbitraries.modelListPages().list().ofMaxSize(3);
  }

  @Property(tries = 150, edgeCases = EdgeCasesMode.NONE)
  void modelListsHaveUniqueUnfilteredIds(@ForAll("modelPages") List<JsonNode> generated,
      @ForAll("requestedIds") String requested) {
    List<JsonNode> pages = generated.stream().map(p -> JsonArbitraries.overTheWire(p).orElse(NODES.objectNode()))
        .toList();
    ModelListTranslator translator = new ModelListTranslator(OPTIONS);
    ObjectNode list = translator.toOpenAiList(pages, 1);
    Set<String> ids = new HashSet<>();
    for (JsonNode entry : list.path("data")) {
      String id = entry.path("id").asText();
      assertThat(id).isNotEmpty();
      assertThat(ids.add(id)).as("listed once: %s", id).isTrue();
      assertThat(OPTIONS.filteredModels()).doesNotContain(id);
    }
    translator.find(pages, requested, 1)
        .ifPresent(found -> assertThat(ids).contains(found.path("id").asText()));
  }

  @Provide
  Arbitrary<String> requestedIds() {
    return Arbitraries.oneOf(Arbitraries.of("gemini-2.5-flash", "models/gemini-2.5-flash-search", "gemini-pro-vision",
        "models/", ""), JsonArbitraries.strings());
  }

  private static void assertToolCalls(JsonNode toolCalls) throws Exception {
    for (JsonNode call : toolCalls) {
      assertThat(call.path("id").isTextual()).isTrue();
      assertThat(call.path("function").path("name").isTextual()).isTrue();
      JsonArbitraries.GATEWAY_MAPPER.readTree(call.path("function").path("arguments").asText());
    }
  }

  private static void assertUsage(JsonNode usage) {
    for (String field : List.of("prompt_tokens", "completion_tokens", "total_tokens")) {
      assertThat(usage.path(field).isIntegralNumber()).as("usage.%s is a whole number", field).isTrue();
    }
  }
}
