package io.geminibalance.protocol.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The images translators and the image chat model's, one rule at a time. */
class ImagesTranslatorTest {
  private static final String MODEL = "imagen-4.0-generate-001";

  private static ImagesRequestTranslator.ImagesRequest translate(String json) {
    return ImagesRequestTranslator.translate(Fixtures.json(json), MODEL);
  }

  @ParameterizedTest
  @CsvSource({"256x256,1:1", "512x512,1:1", "1024x1024,1:1", "1792x1024,16:9", "1536x1024,4:3",
      "1024x1792,9:16", "1024x1536,3:4", "16:9,16:9", "3:4,3:4", "4:3,4:3", "9:16,9:16", "1:1,1:1"})
  void everyDocumentedSizeMapsToTheNearestImagenRatio(String size, String ratio) {
    assertThat(translate("{\"prompt\":\"x\",\"size\":\"" + size + "\"}").predictBody()
        .path("parameters").path("aspectRatio").asText()).isEqualTo(ratio);
  }

  @Test
  void autoLeavesTheRatioToImagen() {
    assertThat(translate("{\"prompt\":\"x\",\"size\":\"auto\"}").predictBody().path("parameters").has("aspectRatio"))
        .isFalse();
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "{\"prompt\":\"x\",\"size\":\"1027x1792\"}       | size            | 1024x1792",
      "{\"prompt\":\"x\",\"n\":5}                      | n               | between 1 and 4",
      "{\"prompt\":\"x\",\"response_format\":\"png\"}  | response_format | 'url' or 'b64_json'",
      "{\"prompt\":\"x\",\"output_compression\":101}   | output_compression | between 0 and 100",
      "{\"prompt\":\"x\",\"model\":\"gpt-4o\"}         | model           | does not generate images",
      "{\"prompt\":\"x {n:0}\"}                        | prompt          | {n:0}",
      "{\"prompt\":\"x {ratio:21:9}\"}                 | prompt          | {ratio:21:9}",
      "{\"prompt\":\"   \"}                            | prompt          | must not be empty",
      "{}                                              | prompt          | Missing required parameter",
  })
  void badInputNamesTheField(String json, String param, String message) {
    assertThatThrownBy(() -> translate(json)).isInstanceOfSatisfying(TranslationException.class, e -> {
      assertThat(e.param()).isEqualTo(param);
      assertThat(e.getMessage()).contains(message);
    });
  }

  @Test
  void theLastTokenWinsAndBothAreRemoved() {
    ImagesRequestTranslator.ImagesRequest request = translate("{\"prompt\":\"{n:1} a {n:4} b {ratio:1:1}\"}");
    assertThat(request.revisedPrompt()).isEqualTo("a b");
    assertThat(request.predictBody().path("parameters").path("sampleCount").asInt()).isEqualTo(4);
  }

  @Test
  void anAnswerWithoutImagesIsAContentPolicyViolationWithGooglesReasons() {
    assertThatThrownBy(() -> ImagesResponseTranslator.images(
        Fixtures.json("{\"predictions\":[{\"raiFilteredReason\":\"person\"}]}"), "image/png"))
        .isInstanceOfSatisfying(ImagesResponseTranslator.NoImages.class, e -> {
          assertThat(e.error().status()).isEqualTo(400);
          assertThat(e.error().body().path("error").path("code").asText()).isEqualTo("content_policy_violation");
          assertThat(e.getMessage()).contains("person");
        });
    assertThatThrownBy(() -> ImagesResponseTranslator.images(Fixtures.json("{}"), "image/png"))
        .isInstanceOf(ImagesResponseTranslator.NoImages.class);
    assertThatThrownBy(() -> ImagesResponseTranslator.images(Fixtures.json("{\"predictions\":{}}"), "image/png"))
        .isInstanceOf(MalformedUpstreamException.class);
  }

  @Test
  void anUploadedUrlReplacesTheDataUrlOfItsImageOnly() {
    ImagesRequestTranslator.ImagesRequest request = translate("{\"prompt\":\"x\",\"n\":2}");
    List<ImagesResponseTranslator.GeneratedImage> images = List.of(
        new ImagesResponseTranslator.GeneratedImage("image/png", "AAAA"),
        new ImagesResponseTranslator.GeneratedImage("image/png", "BBBB"));
    JsonNode answer = ImagesResponseTranslator.toOpenAi(request, images, Map.of(1, "https://host/b.png"), 5);
    assertThat(answer.path("data").get(0).path("url").asText()).isEqualTo("data:image/png;base64,AAAA");
    assertThat(answer.path("data").get(1).path("url").asText()).isEqualTo("https://host/b.png");
  }

  @Test
  void theImageChatModelTakesTheLastUserMessage() {
    JsonNode chat = Fixtures.json("{\"model\":\"" + MODEL + "-chat\",\"messages\":[{\"role\":\"user\",\"content\":\"a\"},"
        + "{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"b {ratio:9:16}\"},{\"type\":\"text\",\"text\":\"c\"}]},"
        + "{\"role\":\"assistant\",\"content\":\"done\"}]}");
    ImagesRequestTranslator.ImagesRequest request = ImageChatTranslator.request(chat, MODEL);
    assertThat(request.revisedPrompt()).isEqualTo("b\nc");
    assertThat(request.predictBody().path("parameters").path("aspectRatio").asText()).isEqualTo("9:16");
    assertThat(ImagesRequestTranslator.isChatModel("models/" + MODEL + "-chat", MODEL)).isTrue();
    assertThat(ImagesRequestTranslator.isChatModel(MODEL, MODEL)).isFalse();
    assertThatThrownBy(() -> ImageChatTranslator.request(Fixtures.json("{\"messages\":[{\"role\":\"user\","
        + "\"content\":\"{n:7}\"}]}"), MODEL)).isInstanceOfSatisfying(TranslationException.class,
            e -> assertThat(e.param()).isEqualTo("messages[0].content"));
  }

  @Test
  void theImageChatAnswerIsOneMarkdownLinePerImage() {
    List<String> lines = ImageChatTranslator.markdownLines(List.of("u1", "u2"));
    assertThat(lines).containsExactly("![image 1](u1)", "![image 2](u2)");
    JsonNode completion = ImageChatTranslator.completion("chatcmpl-1", 7, "m-chat", lines);
    assertThat(completion.path("choices").get(0).path("message").path("content").asText())
        .isEqualTo("![image 1](u1)\n\n![image 2](u2)");
    List<com.fasterxml.jackson.databind.node.ObjectNode> chunks = ImageChatTranslator.chunks("chatcmpl-1", 7, "m-chat",
        lines);
    assertThat(chunks).hasSize(4);
    assertThat(chunks.get(0).path("choices").get(0).path("delta").path("role").asText()).isEqualTo("assistant");
    assertThat(chunks.get(2).path("choices").get(0).path("delta").path("content").asText())
        .isEqualTo("\n\n![image 2](u2)");
    assertThat(chunks.get(3).path("choices").get(0).path("finish_reason").asText()).isEqualTo("stop");
  }

  @Test
  void inlineImagesOfAChatAnswerAreFoundOnceAndReplacedWhereHosted() {
    com.fasterxml.jackson.databind.node.ObjectNode completion = (com.fasterxml.jackson.databind.node.ObjectNode)
        Fixtures.json("{\"choices\":[{\"message\":{\"content\":\"a ![image](data:image/png;base64,QUFB) b "
            + "![image](data:image/jpeg;base64,QkJC) ![image](data:image/png;base64,QUFB)\"}},"
            + "{\"message\":{\"content\":null}}]}");
    List<InlineImages.Found> found = InlineImages.find(completion);
    assertThat(found).extracting(InlineImages.Found::mimeType).containsExactly("image/png", "image/jpeg");
    InlineImages.replace(completion, Map.of("data:image/png;base64,QUFB", "https://h/a.png"));
    assertThat(completion.path("choices").get(0).path("message").path("content").asText())
        .isEqualTo("a ![image](https://h/a.png) b ![image](data:image/jpeg;base64,QkJC) ![image](https://h/a.png)");
    assertThat(completion.path("choices").get(1).path("message").path("content").isNull()).isTrue();
  }
}
