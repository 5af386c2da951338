package io.geminibalance.relay;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.geminibalance.protocol.openai.ChatStreamTranslator;
import io.geminibalance.protocol.openai.OpenAiArbitraries;
import io.geminibalance.protocol.openai.ResponseContext;
import io.geminibalance.protocol.openai.TranslationOptions;
import io.geminibalance.testing.JsonArbitraries;
import io.geminibalance.testing.SseArbitraries;
import io.vertx.core.buffer.Buffer;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

/** Properties of the relays' own handling of upstream bytes. */
class RelayPropertyTest {

  // Reads numbers as the filter does (exact decimals), so 1e400 is not Infinity on one side only.
  private static final com.fasterxml.jackson.databind.ObjectMapper EXACT = new com.fasterxml.jackson.databind.ObjectMapper()
      .enable(com.fasterxml.jackson.databind.DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

  private static final java.util.Comparator<JsonNode> SAME_VALUE = (a, b) -> {
    if (a.isNumber() && b.isNumber()) {
      return a.decimalValue().compareTo(b.decimalValue());
    }
    return a.equals(b) ? 0 : 1;
  };

  @Provide
  Arbitrary<byte[]> modelListBodies() {
    return Arbitraries.frequencyOf(
        Tuple.of(8, OpenAiArbitraries.modelListPages().map(p -> JsonArbitraries.text(p).getBytes(StandardCharsets.UTF_8))),
        Tuple.of(1, Arbitraries.bytes().array(byte[].class).ofMaxSize(32)),
        Tuple.of(1, Arbitraries.of("", "null", "[]", "{\"models\":{}}", "{\"models\":[1,null,\"x\"]}")
            .map(s -> s.getBytes(StandardCharsets.UTF_8))));
  }

  @Provide
  Arbitrary<Set<String>> filteredNames() {
    return Arbitraries.of("gemini-2.5-flash", "gemini-2.5-pro", "gemini-2.0-flash", "gemini-pro-vision",
        "chat-bison-001", "").set().ofMaxSize(3);
  }

  /**
   * FILTERED_MODELS come out of a native model list and nothing else changes: other models keep
   * their order and content, and a body that is not a model list passes unchanged.
   */
  @Property(tries = 200, edgeCases = EdgeCasesMode.NONE)
  void filteringRemovesExactlyTheFilteredModels(@ForAll("modelListBodies") byte[] body,
      @ForAll("filteredNames") Set<String> filtered) throws Exception {
    byte[] out = ModelListFilter.filter(body, filtered);
    JsonNode before;
    try {
      before = EXACT.readTree(body);
    } catch (java.io.IOException e) {
      assertThat(out).isEqualTo(body);
      return;
    }
    if (before == null || !before.isObject() || !before.path("models").isArray()) {
      assertThat(out).isEqualTo(body);
      return;
    }
    JsonNode after = EXACT.readTree(out);
    ArrayNode expected = EXACT.createArrayNode();
    for (JsonNode model : before.get("models")) {
      if (!filtered.contains(ModelListFilter.bareName(model.path("name").asText("")))) {
        expected.add(model);
      }
    }
    // Numbers keep their value, not their spelling: the filter re-serialises 0.0 as 0.
    assertThat(after.get("models").equals(SAME_VALUE, expected))
        .as("%s has the models of %s but %s", after, before, filtered).isTrue();
    Set<String> fields = new HashSet<>();
    after.fieldNames().forEachRemaining(fields::add);
    Set<String> fieldsBefore = new HashSet<>();
    before.fieldNames().forEachRemaining(fieldsBefore::add);
    assertThat(fields).isEqualTo(fieldsBefore);
  }

  @Provide
  Arbitrary<byte[]> geminiStreams() {
    Arbitrary<String> payload = Arbitraries.frequencyOf(
        Tuple.of(10, OpenAiArbitraries.geminiEvents().map(JsonArbitraries::text)),
        Tuple.of(1, Arbitraries.of("", "{trunc", "[DONE]", "42")));
    return payload.list().ofMaxSize(5).map(events -> {
      StringBuilder stream = new StringBuilder();
      events.forEach(e -> stream.append("data: ").append(e).append("\r\n\r\n"));
      return stream.toString().getBytes(StandardCharsets.UTF_8);
    });
  }

  @Provide
  Arbitrary<List<Integer>> chunkSizes() {
    return SseArbitraries.chunkSizes();
  }

  private static List<String> relay(List<byte[]> chunks) {
    AtomicLong ids = new AtomicLong();
    ResponseContext context = new ResponseContext("chatcmpl-x", 1, "gemini-2.5-flash",
        () -> "call_" + ids.incrementAndGet(), null, 0);
    OpenAiStreamTransformer transformer = new OpenAiStreamTransformer(
        new ChatStreamTranslator(TranslationOptions.defaults(), context, true));
    List<String> out = new ArrayList<>();
    for (byte[] chunk : chunks) {
      transformer.onChunk(Buffer.buffer(chunk)).forEach(b -> out.add(b.toString(StandardCharsets.UTF_8)));
    }
    transformer.onEnd().forEach(b -> out.add(b.toString(StandardCharsets.UTF_8)));
    return out;
  }

  /**
   * The OpenAI stream relay gives the same events for any split of the upstream bytes, each a
   * complete {@code data:} event, and ends either with {@code [DONE]} or with one error event.
   */
  @Property(tries = 150, edgeCases = EdgeCasesMode.NONE)
  void theOpenAiStreamIsTheSameForAnySplitAndEndsOnce(@ForAll("geminiStreams") byte[] upstream,
      @ForAll("chunkSizes") List<Integer> sizes) throws Exception {
    List<String> whole = relay(List.of(upstream));
    List<String> split = relay(SseArbitraries.cut(upstream, sizes));
    assertThat(String.join("", split)).isEqualTo(String.join("", whole));

    ByteArrayOutputStream all = new ByteArrayOutputStream();
    whole.forEach(e -> all.writeBytes(e.getBytes(StandardCharsets.UTF_8)));
    List<String> events = new io.geminibalance.protocol.sse.SseDecoder().feed(all.toByteArray());
    assertThat(events).isNotEmpty();
    String last = events.get(events.size() - 1);
    boolean errored = last.contains("\"error\"");
    assertThat(last.equals("[DONE]") || errored).as("the stream ends with [DONE] or an error: %s", last).isTrue();
    for (int i = 0; i < events.size() - 1; i++) {
      assertThat(events.get(i)).isNotEqualTo("[DONE]");
      JsonNode chunk = JsonArbitraries.GATEWAY_MAPPER.readTree(events.get(i));
      assertThat(chunk.has("error")).as("only the last event may be an error").isFalse();
    }
  }
}
