package io.geminibalance.protocol.openai;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Request pairs under {@code fixtures/openai/request}: each file holds an OpenAI
 * {@code request}, optional {@code options} overrides and the {@code expected} translation.
 */
class ChatRequestFixtureTest {

  @TestFactory
  Stream<DynamicTest> everyRequestFixtureTranslatesExactly() {
    List<Path> files = Fixtures.list("fixtures/openai/request", ".json");
    assertThat(files).hasSizeGreaterThan(10);
    return files.stream().map(file -> DynamicTest.dynamicTest(file.getFileName().toString(), () -> check(file)));
  }

  private static void check(Path file) {
    JsonNode fixture = Fixtures.read(file);
    ChatRequestTranslator translator = new ChatRequestTranslator(Fixtures.options(fixture.get("options")), null);
    JsonNode request = fixture.get("request");
    String before = request.toString();

    TranslatedChatRequest translated = translator.translate(request, 0);

    JsonNode expected = fixture.get("expected");
    assertThat(translated.body()).as("body").isEqualTo(expected.get("body"));
    assertThat(translated.upstreamModel()).as("upstream model").isEqualTo(expected.get("model").asText());
    assertThat(translated.stream()).as("stream").isEqualTo(expected.path("stream").asBoolean(false));
    assertThat(translated.includeUsage()).as("includeUsage").isEqualTo(expected.path("includeUsage").asBoolean(false));
    List<String> urls = Fixtures.MAPPER.convertValue(
        expected.has("mediaUrls") ? expected.get("mediaUrls") : Fixtures.MAPPER.createArrayNode(),
        Fixtures.MAPPER.getTypeFactory().constructCollectionType(List.class, String.class));
    assertThat(translated.mediaUrls()).as("media urls").isEqualTo(urls);
    assertThat(request.toString()).as("input untouched").isEqualTo(before);
  }
}
