package io.geminibalance.protocol.openai;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.geminibalance.testing.JsonArbitraries;
import java.util.Optional;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;

/**
 * Any images body ends as an Imagen request within Imagen's bounds, or as a
 * {@link TranslationException} naming a field the body has; never as another exception.
 */
class ImagesPropertyTest {

  @Provide
  Arbitrary<JsonNode> imagesRequests() {
    return OpenAiArbitraries.imagesRequests();
  }

  @Property(tries = 300, edgeCases = EdgeCasesMode.NONE)
  void imagesRequestsTranslateOrNameTheirBadField(@ForAll("imagesRequests") JsonNode generated) throws Exception {
    Optional<JsonNode> received = JsonArbitraries.overTheWire(generated);
    if (received.isEmpty()) {
      return;
    }
    JsonNode body = received.get();
    ImagesRequestTranslator.ImagesRequest request;
    try {
      request = ImagesRequestTranslator.translate(body, "imagen-4.0-generate-001");
    } catch (TranslationException e) {
      TranslatorPropertyTest.assertNamesAField(e, body);
      assertThat(e.param()).isIn("model", "prompt", "n", "size", "response_format", "quality", "output_format",
          "output_compression", "background", "style", "moderation", "user");
      Statistics.label("outcome").collect(e.param());
      return;
    }
    Statistics.label("outcome").collect("translated");
    JsonNode parameters = request.predictBody().path("parameters");
    assertThat(parameters.path("sampleCount").asInt()).isBetween(1, ImagesRequestTranslator.MAX_IMAGES);
    assertThat(parameters.path("aspectRatio").asText("1:1")).isIn(ImagesRequestTranslator.RATIOS);
    assertThat(request.revisedPrompt()).isNotBlank().doesNotContainPattern("\\{n:[^}]*}")
        .doesNotContainPattern("\\{ratio:[^}]*}");
    assertThat(request.upstreamModel()).startsWith("imagen-");
    TranslatorPropertyTest.assertWritable(request.predictBody());
  }
}
