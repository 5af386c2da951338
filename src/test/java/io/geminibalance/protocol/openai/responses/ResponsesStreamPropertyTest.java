package io.geminibalance.protocol.openai.responses;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.geminibalance.protocol.openai.TranslationOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * However Gemini slices an answer into stream events (text, thoughts, signatures, function calls
 * in any order), the Responses stream ends with the same output as the whole answer, its text
 * deltas add up to each message's text, and its sequence numbers count up from 0 without a gap.
 */
class ResponsesStreamPropertyTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final TranslationOptions OPTIONS = TranslationOptions.defaults().withSafetySettings(JSON.createArrayNode());

  @Property(tries = 300)
  void streamAndWholeAnswerAgree(@ForAll("events") List<List<ObjectNode>> events) {
    ObjectNode echo = JSON.createObjectNode().put("model", "gemini-2.5-flash");
    ResponsesStreamTranslator stream = new ResponsesStreamTranslator(OPTIONS, context(echo));
    List<ObjectNode> out = new ArrayList<>();
    ArrayNode allParts = JSON.createArrayNode();
    for (List<ObjectNode> parts : events) {
      ObjectNode event = JSON.createObjectNode();
      event.putArray("candidates").addObject().putObject("content").put("role", "model")
          .putArray("parts").addAll(parts);
      allParts.addAll(parts);
      out.addAll(stream.onEvent(event));
    }
    out.addAll(stream.onEnd());

    ObjectNode whole = JSON.createObjectNode();
    ObjectNode candidate = whole.putArray("candidates").addObject();
    candidate.putObject("content").put("role", "model").set("parts", allParts);
    ObjectNode expected = ResponsesStreamTranslator.toResponse(whole, OPTIONS, context(echo));

    ObjectNode completed = out.getLast();
    assertThat(completed.get("type").asText()).isEqualTo("response.completed");
    assertThat(completed.path("response").get("output")).isEqualTo(expected.get("output"));
    for (int i = 0; i < out.size(); i++) {
      assertThat(out.get(i).get("sequence_number").asInt()).isEqualTo(i);
    }
    for (JsonNode item : expected.get("output")) {
      if (item.path("type").asText().equals("message")) {
        String deltas = out.stream()
            .filter(e -> e.get("type").asText().equals("response.output_text.delta"))
            .filter(e -> e.get("item_id").asText().equals(item.get("id").asText()))
            .map(e -> e.get("delta").asText()).reduce("", String::concat);
        assertThat(deltas).isEqualTo(item.path("content").get(0).path("text").asText());
      }
    }
  }

  private static ResponsesContext context(ObjectNode echo) {
    AtomicLong next = new AtomicLong();
    return new ResponsesContext("resp_p", 1L, echo, () -> Long.toString(next.incrementAndGet()), null, 0);
  }

  @Provide
  Arbitrary<List<List<ObjectNode>>> events() {
    Arbitrary<String> text = Arbitraries.strings().alpha().numeric().withChars(' ', '\n').ofMinLength(1).ofMaxLength(8);
    Arbitrary<String> signature = Arbitraries.strings().alpha().ofMinLength(4).ofMaxLength(8).injectNull(0.7);
    Arbitrary<ObjectNode> textPart = Combinators.combine(text, signature).as((t, s) -> {
      ObjectNode part = JSON.createObjectNode().put("text", t);
      return s == null ? part : part.put("thoughtSignature", s);
    });
    Arbitrary<ObjectNode> thought = text.map(t -> JSON.createObjectNode().put("text", t).put("thought", true));
    Arbitrary<ObjectNode> call = Combinators.combine(Arbitraries.of("f", "g"), signature).as((name, s) -> {
      ObjectNode part = JSON.createObjectNode();
      part.putObject("functionCall").put("name", name).putObject("args").put("x", 1);
      return s == null ? part : part.put("thoughtSignature", s);
    });
    Arbitrary<ObjectNode> part = Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(5, textPart), net.jqwik.api.Tuple.of(2, thought), net.jqwik.api.Tuple.of(1, call));
    return part.list().ofMaxSize(3).list().ofMinSize(1).ofMaxSize(6);
  }
}
