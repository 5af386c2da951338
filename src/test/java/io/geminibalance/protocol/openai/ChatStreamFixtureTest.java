package io.geminibalance.protocol.openai;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.geminibalance.protocol.sse.SseDecoder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Recorded Gemini SSE streams ({@code fixtures/openai/stream/*.sse}) fed through
 * {@link SseDecoder} and {@link ChatStreamTranslator}, whole and in random byte splits; the
 * OpenAI chunks must equal the sibling {@code .json}'s {@code expected} list every time.
 */
class ChatStreamFixtureTest {

  private static final int SPLIT_ITERATIONS = 200;

  @TestFactory
  Stream<DynamicTest> everyStreamFixtureGivesTheSameChunksForAnySplit() {
    List<Path> specs = Fixtures.list("fixtures/openai/stream", ".json");
    assertThat(specs).hasSizeGreaterThanOrEqualTo(9);
    return specs.stream().map(spec -> DynamicTest.dynamicTest(spec.getFileName().toString(), () -> check(spec)));
  }

  private static void check(Path specFile) {
    JsonNode spec = Fixtures.read(specFile);
    String name = specFile.getFileName().toString().replace(".json", ".sse");
    byte[] sse = Fixtures.bytes("fixtures/openai/stream/" + name);
    JsonNode expected = spec.get("expected");

    assertThat(run(spec, List.of(sse))).as("unsplit").isEqualTo(expected);
    Random random = new Random(name.hashCode());
    for (int i = 0; i < SPLIT_ITERATIONS; i++) {
      assertThat(run(spec, randomSplit(sse, random))).as("split #%d", i).isEqualTo(expected);
    }
  }

  static List<byte[]> randomSplit(byte[] bytes, Random random) {
    List<byte[]> pieces = new ArrayList<>();
    int start = 0;
    while (start < bytes.length) {
      int size = 1 + random.nextInt(random.nextBoolean() ? 4 : 64);
      int end = Math.min(bytes.length, start + size);
      pieces.add(Arrays.copyOfRange(bytes, start, end));
      start = end;
    }
    return pieces;
  }

  private static JsonNode run(JsonNode spec, List<byte[]> pieces) {
    ChatStreamTranslator translator = new ChatStreamTranslator(Fixtures.options(spec.get("options")),
        TestContexts.context(spec.get("model").asText(), null), spec.get("includeUsage").asBoolean());
    SseDecoder decoder = new SseDecoder();
    List<ObjectNode> chunks = new ArrayList<>();
    for (byte[] piece : pieces) {
      decoder.feed(piece).forEach(data -> chunks.addAll(translator.onEvent(Fixtures.json(data))));
    }
    decoder.finish().forEach(data -> chunks.addAll(translator.onEvent(Fixtures.json(data))));
    chunks.addAll(translator.onEnd());
    return Fixtures.json(chunks.toString());
  }
}
