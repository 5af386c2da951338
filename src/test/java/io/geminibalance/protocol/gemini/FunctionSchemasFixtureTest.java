package io.geminibalance.protocol.gemini;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Tool definitions real agents send, under {@code fixtures/tool-schemas}: each file holds the
 * {@code schema} as the agent sends it and the {@code expected} {@code parametersJsonSchema} (or
 * {@code invalid}: the pointer and message of the refusal).
 */
class FunctionSchemasFixtureTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  static List<Path> fixtures() {
    URL url = FunctionSchemasFixtureTest.class.getClassLoader().getResource("fixtures/tool-schemas");
    assertThat(url).as("fixture directory").isNotNull();
    try (Stream<Path> files = Files.list(Path.of(url.toURI()))) {
      return files.filter(p -> p.toString().endsWith(".json")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  static JsonNode read(Path file) {
    try {
      return MAPPER.readTree(file.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @TestFactory
  Stream<DynamicTest> everyAgentsToolSchemaCleansExactly() {
    List<Path> files = fixtures();
    assertThat(files).hasSizeGreaterThanOrEqualTo(15);
    return files.stream().map(file -> DynamicTest.dynamicTest(file.getFileName().toString(), () -> check(file)));
  }

  private static void check(Path file) {
    JsonNode fixture = read(file);
    JsonNode schema = fixture.get("schema");
    String before = schema.toString();
    if (fixture.has("invalid")) {
      assertThatThrownBy(() -> FunctionSchemas.forGemini(schema)).isInstanceOfSatisfying(FunctionSchemas.Invalid.class,
          e -> {
            assertThat(e.pointer()).isEqualTo(fixture.at("/invalid/pointer").asText());
            assertThat(e.getMessage()).isEqualTo(fixture.at("/invalid/message").asText());
          });
    } else {
      JsonNode cleaned = FunctionSchemas.forGemini(schema);
      assertThat(cleaned).isEqualTo(fixture.get("expected"));
      // Gemini keeps the order of properties as written: the cleaning must not reorder them.
      assertThat(cleaned.path("properties").properties().stream().map(java.util.Map.Entry::getKey).toList())
          .containsExactlyElementsOf(fixture.at("/expected/properties").properties().stream()
              .map(java.util.Map.Entry::getKey).toList());
      assertThat(FunctionSchemas.forGemini(cleaned)).as("cleaning a cleaned schema changes nothing").isEqualTo(cleaned);
    }
    assertThat(schema.toString()).as("the input is not changed").isEqualTo(before);
  }
}
