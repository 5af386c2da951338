package io.geminibalance.protocol.openai;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Whole exchanges under {@code fixtures/openai/images}: the OpenAI request, the {@code :predict}
 * body and model it becomes, Imagen's answer and the OpenAI answer (without an image host).
 */
class ImagesFixtureTest {

  @TestFactory
  Stream<DynamicTest> everyImagesFixtureTranslatesExactly() {
    List<Path> files = Fixtures.list("fixtures/openai/images", ".json");
    assertThat(files).hasSizeGreaterThanOrEqualTo(5);
    return files.stream().map(file -> DynamicTest.dynamicTest(file.getFileName().toString(), () -> check(file)));
  }

  @TestFactory
  Stream<DynamicTest> everyImageChatFixtureTranslatesExactly() {
    List<Path> files = Fixtures.list("fixtures/openai/images-chat", ".json");
    assertThat(files).isNotEmpty();
    return files.stream().map(file -> DynamicTest.dynamicTest(file.getFileName().toString(), () -> checkChat(file)));
  }

  private static void checkChat(Path file) {
    JsonNode fixture = Fixtures.read(file);
    JsonNode request = fixture.get("request");
    ImagesRequestTranslator.ImagesRequest translated =
        ImageChatTranslator.request(request, fixture.get("createImageModel").asText());
    assertThat(Fixtures.json(translated.predictBody().toString())).isEqualTo(fixture.get("predict"));
    List<String> urls = Fixtures.MAPPER.convertValue(fixture.get("urls"),
        Fixtures.MAPPER.getTypeFactory().constructCollectionType(List.class, String.class));
    List<String> lines = ImageChatTranslator.markdownLines(urls);
    String model = request.get("model").asText();
    assertThat(Fixtures.json(ImageChatTranslator.completion("chatcmpl-1", 1_700_000_000L, model, lines).toString()))
        .isEqualTo(fixture.get("completion"));
    assertThat(Fixtures.json(ImageChatTranslator.chunks("chatcmpl-1", 1_700_000_000L, model, lines).toString()))
        .isEqualTo(fixture.get("chunks"));
  }

  private static void check(Path file) {
    JsonNode fixture = Fixtures.read(file);
    JsonNode request = fixture.get("request");
    String before = request.toString();
    ImagesRequestTranslator.ImagesRequest translated =
        ImagesRequestTranslator.translate(request, fixture.get("createImageModel").asText());
    assertThat(Fixtures.json(translated.predictBody().toString())).isEqualTo(fixture.get("predict"));
    assertThat(translated.upstreamModel()).isEqualTo(fixture.get("upstreamModel").asText());
    List<ImagesResponseTranslator.GeneratedImage> images =
        ImagesResponseTranslator.images(fixture.get("imagen"), translated.mimeType());
    JsonNode answer = ImagesResponseTranslator.toOpenAi(translated, images, Map.of(), 1_700_000_000L);
    assertThat(Fixtures.json(answer.toString())).isEqualTo(fixture.get("expected"));
    assertThat(request.toString()).as("input untouched").isEqualTo(before);
  }
}
