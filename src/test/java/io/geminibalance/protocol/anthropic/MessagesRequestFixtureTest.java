package io.geminibalance.protocol.anthropic;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Request pairs under {@code fixtures/anthropic/request}: an Anthropic Messages {@code request},
 * an optional {@code modelMap} (else the default) and {@code countTokens} flag, and the
 * {@code expected} Gemini body, model, stream flag and media URLs.
 */
class MessagesRequestFixtureTest {

  @TestFactory
  Stream<DynamicTest> everyRequestFixtureTranslatesExactly() {
    List<Path> files = AnthropicFixtures.list("request", ".json");
    assertThat(files).hasSizeGreaterThanOrEqualTo(9);
    return files.stream().map(file -> DynamicTest.dynamicTest(file.getFileName().toString(), () -> check(file)));
  }

  private static void check(Path file) {
    JsonNode fixture = AnthropicFixtures.read(file);
    ModelMap models = fixture.has("modelMap") ? ModelMap.parse(fixture.get("modelMap")) : AnthropicFixtures.defaultMap();
    MessagesRequestTranslator translator = new MessagesRequestTranslator(models);
    JsonNode request = fixture.get("request");
    String before = request.toString();
    boolean counting = fixture.path("countTokens").asBoolean(false);

    TranslatedMessages translated = counting ? translator.countTokens(request) : translator.messages(request);

    JsonNode expected = fixture.get("expected");
    assertThat(AnthropicFixtures.normalized(translated.body())).as("body").isEqualTo(expected.get("body"));
    assertThat(translated.upstreamModel()).as("upstream model").isEqualTo(expected.get("model").asText());
    assertThat(translated.requestedModel()).as("requested model").isEqualTo(request.get("model").asText());
    assertThat(translated.stream()).as("stream").isEqualTo(expected.path("stream").asBoolean(false));
    List<String> urls = AnthropicFixtures.MAPPER.convertValue(
        expected.has("mediaUrls") ? expected.get("mediaUrls") : AnthropicFixtures.MAPPER.createArrayNode(),
        AnthropicFixtures.MAPPER.getTypeFactory().constructCollectionType(List.class, String.class));
    assertThat(translated.mediaUrls()).as("media urls").isEqualTo(urls);
    if (expected.has("countTokensBody")) {
      ObjectNode wrapped = MessagesRequestTranslator.countTokensBody(translated.body(), translated.upstreamModel());
      assertThat(AnthropicFixtures.normalized(wrapped)).as("countTokens body").isEqualTo(expected.get("countTokensBody"));
    }
    assertThat(request.toString()).as("input untouched").isEqualTo(before);
  }
}
