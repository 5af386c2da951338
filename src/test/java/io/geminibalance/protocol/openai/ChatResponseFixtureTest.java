package io.geminibalance.protocol.openai;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/** Response pairs under {@code fixtures/openai/response}: a Gemini response and the expected completion. */
class ChatResponseFixtureTest {

  @TestFactory
  Stream<DynamicTest> everyResponseFixtureTranslatesExactly() {
    List<Path> files = Fixtures.list("fixtures/openai/response", ".json");
    assertThat(files).hasSizeGreaterThan(20);
    return files.stream().map(file -> DynamicTest.dynamicTest(file.getFileName().toString(), () -> check(file)));
  }

  private static void check(Path file) {
    JsonNode fixture = Fixtures.read(file);
    ChatResponseTranslator translator = new ChatResponseTranslator(Fixtures.options(fixture.get("options")));
    JsonNode gemini = fixture.get("gemini");
    String before = gemini.toString();

    JsonNode completion = translator.toCompletion(gemini, TestContexts.context(fixture.get("model").asText(), null));

    // Compared as wire JSON: Jackson's LongNode and IntNode differ in equals() but not on the wire.
    assertThat(Fixtures.json(completion.toString())).isEqualTo(fixture.get("expected"));
    assertThat(gemini.toString()).as("input untouched").isEqualTo(before);
  }
}
