package io.geminibalance.protocol.openai;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.geminibalance.protocol.gemini.AnswerEvents;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Fake streaming's translation, whole-body: a non-streamed Gemini answer
 * ({@code fixtures/openai/fake-stream/*.json}'s {@code answer}) cut by {@link AnswerEvents} into
 * the events a real stream would have sent ({@code events}), and those fed to the very
 * {@link ChatStreamTranslator} of real streams ({@code expected}: the chunks before {@code [DONE]}).
 */
class FakeStreamFixtureTest {

  @TestFactory
  Stream<DynamicTest> everyAnswerGivesTheEventsAndChunksOfARealStream() {
    List<Path> specs = Fixtures.list("fixtures/openai/fake-stream", ".json");
    assertThat(specs).hasSizeGreaterThanOrEqualTo(4);
    return specs.stream().map(spec -> DynamicTest.dynamicTest(spec.getFileName().toString(), () -> check(spec)));
  }

  private static void check(Path specFile) {
    JsonNode spec = Fixtures.read(specFile);
    ObjectNode answer = (ObjectNode) spec.get("answer");
    ObjectNode before = answer.deepCopy();
    List<ObjectNode> events = AnswerEvents.of(answer);
    assertThat(answer).as("the answer is not changed").isEqualTo(before);
    assertThat(Fixtures.json(events.toString())).as("events").isEqualTo(spec.get("events"));

    ChatStreamTranslator translator = new ChatStreamTranslator(Fixtures.options(spec.get("options")),
        TestContexts.context(spec.get("model").asText(), null), spec.get("includeUsage").asBoolean());
    List<ObjectNode> chunks = new ArrayList<>();
    events.forEach(event -> chunks.addAll(translator.onEvent(event)));
    chunks.addAll(translator.onEnd());
    assertThat(Fixtures.json(chunks.toString())).as("chunks").isEqualTo(spec.get("expected"));
  }
}
