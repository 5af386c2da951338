package io.geminibalance.protocol.anthropic;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.List;
import java.util.random.RandomGenerator;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Answer pairs under {@code fixtures/anthropic/response}: a Gemini {@code response} and the
 * {@code expected} Anthropic message. Tool use ids come from a generator that always draws 0, so
 * their random part is all {@code A}.
 */
class MessageResponseFixtureTest {
  static final RandomGenerator ZEROS = () -> 0L;

  @TestFactory
  Stream<DynamicTest> everyResponseFixtureTranslatesExactly() {
    List<Path> files = AnthropicFixtures.list("response", ".json");
    assertThat(files).hasSizeGreaterThanOrEqualTo(7);
    return files.stream().map(file -> DynamicTest.dynamicTest(file.getFileName().toString(), () -> {
      JsonNode fixture = AnthropicFixtures.read(file);
      AnswerContext context = new AnswerContext("msg_fixture", fixture.get("model").asText(), ZEROS);
      assertThat(AnthropicFixtures.normalized(MessageResponseTranslator.toMessage(fixture.get("response"), context)))
          .isEqualTo(fixture.get("expected"));
    }));
  }
}
