package io.geminibalance.protocol.anthropic;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.geminibalance.protocol.sse.SseDecoder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Recorded Gemini SSE streams ({@code fixtures/anthropic/stream/*.sse}) through {@link SseDecoder}
 * and {@link MessageStreamTranslator}, as the relay drives it ({@code message_start} first), whole
 * and cut at random byte positions: the events ({@code event} name and {@code data}) must equal
 * the sibling {@code .json}'s {@code expected} list every time.
 */
class MessageStreamFixtureTest {
  private static final int SPLITS = 100;

  @TestFactory
  Stream<DynamicTest> everyStreamFixtureGivesTheSameEventsForAnySplit() {
    List<Path> specs = AnthropicFixtures.list("stream", ".json");
    assertThat(specs).hasSizeGreaterThanOrEqualTo(5);
    return specs.stream().map(spec -> DynamicTest.dynamicTest(spec.getFileName().toString(), () -> check(spec)));
  }

  private static void check(Path specFile) throws IOException {
    JsonNode spec = AnthropicFixtures.read(specFile);
    byte[] sse = Files.readAllBytes(specFile.resolveSibling(specFile.getFileName().toString().replace(".json", ".sse")));
    JsonNode expected = spec.get("expected");
    assertThat(run(spec, List.of(sse))).as("unsplit").isEqualTo(expected);
    Random random = new Random(specFile.getFileName().toString().hashCode());
    for (int i = 0; i < SPLITS; i++) {
      assertThat(run(spec, pieces(sse, random))).as("split #%d", i).isEqualTo(expected);
    }
  }

  private static List<byte[]> pieces(byte[] bytes, Random random) {
    List<byte[]> pieces = new ArrayList<>();
    for (int start = 0; start < bytes.length; ) {
      int end = Math.min(bytes.length, start + 1 + random.nextInt(48));
      pieces.add(Arrays.copyOfRange(bytes, start, end));
      start = end;
    }
    return pieces;
  }

  private static JsonNode run(JsonNode spec, List<byte[]> pieces) {
    MessageStreamTranslator translator = new MessageStreamTranslator(
        new AnswerContext("msg_fixture", spec.get("model").asText(), MessageResponseFixtureTest.ZEROS));
    List<MessageStreamTranslator.Event> events = new ArrayList<>(translator.start());
    SseDecoder decoder = new SseDecoder();
    for (byte[] piece : pieces) {
      decoder.feed(piece).forEach(data -> events.addAll(translator.onEvent(parse(data))));
    }
    decoder.finish().forEach(data -> events.addAll(translator.onEvent(parse(data))));
    events.addAll(translator.onEnd());
    ArrayNode out = AnthropicFixtures.MAPPER.createArrayNode();
    events.forEach(e -> out.addObject().put("event", e.name()).set("data", e.data()));
    return AnthropicFixtures.normalized(out);
  }

  private static JsonNode parse(String data) {
    try {
      return AnthropicFixtures.MAPPER.readTree(data);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
