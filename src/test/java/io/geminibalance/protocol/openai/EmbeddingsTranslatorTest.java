package io.geminibalance.protocol.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class EmbeddingsTranslatorTest {

  private static ObjectNode request(JsonNode input, String extra) {
    ObjectNode request = (ObjectNode) Fixtures.json("{\"model\":\"models/gemini-embedding-001\"" + extra + "}");
    request.set("input", input);
    return request;
  }

  private static ArrayNode texts(int count) {
    ArrayNode texts = Fixtures.MAPPER.createArrayNode();
    for (int i = 0; i < count; i++) {
      texts.add("text " + i);
    }
    return texts;
  }

  /** A fake batch response whose i-th vector is [i, -i/2] counting from {@code first}. */
  private static JsonNode batchResponse(int first, int count) {
    ObjectNode response = Fixtures.MAPPER.createObjectNode();
    ArrayNode embeddings = response.putArray("embeddings");
    for (int i = first; i < first + count; i++) {
      embeddings.addObject().putArray("values").add((double) i).add(-i / 2.0);
    }
    return response;
  }

  @Test
  void aSingleStringBecomesOneRequestWithDimensions() {
    EmbeddingsTranslator.EmbeddingsRequest translated =
        EmbeddingsTranslator.toGemini(request(Fixtures.json("\"hello world\""), ",\"dimensions\":256"));

    assertThat(translated.upstreamModel()).isEqualTo("gemini-embedding-001");
    assertThat(translated.batches()).containsExactly((ObjectNode) Fixtures.json("{\"requests\":[{\"model\":\"models/gemini-embedding-001\","
        + "\"content\":{\"parts\":[{\"text\":\"hello world\"}]},\"outputDimensionality\":256}]}"));
  }

  @Test
  void moreThanAHundredInputsAreBatchedInOrderAndMergedBack() {
    EmbeddingsTranslator.EmbeddingsRequest translated = EmbeddingsTranslator.toGemini(request(texts(250), ""));

    assertThat(translated.batches()).extracting(b -> b.get("requests").size()).containsExactly(100, 100, 50);
    assertThat(translated.batches().get(1).at("/requests/0/content/parts/0/text").asText()).isEqualTo("text 100");
    assertThat(translated.batches().get(2).at("/requests/49/content/parts/0/text").asText()).isEqualTo("text 249");

    JsonNode merged = Fixtures.json(EmbeddingsTranslator.toOpenAi(translated,
        List.of(batchResponse(0, 100), batchResponse(100, 100), batchResponse(200, 50))).toString());

    assertThat(merged.get("object").asText()).isEqualTo("list");
    assertThat(merged.get("model").asText()).isEqualTo("models/gemini-embedding-001");
    assertThat(merged.get("data")).hasSize(250);
    for (int i = 0; i < 250; i++) {
      assertThat(merged.at("/data/" + i + "/index").asInt()).isEqualTo(i);
      assertThat(merged.at("/data/" + i + "/object").asText()).isEqualTo("embedding");
      assertThat(merged.at("/data/" + i + "/embedding/0").asDouble()).isEqualTo(i);
    }
    assertThat(merged.at("/usage/prompt_tokens").isIntegralNumber()).isTrue();
    assertThat(merged.at("/usage/total_tokens").asLong()).isEqualTo(merged.at("/usage/prompt_tokens").asLong()).isPositive();
  }

  @Test
  void base64IsLittleEndianFloat32() {
    EmbeddingsTranslator.EmbeddingsRequest translated =
        EmbeddingsTranslator.toGemini(request(Fixtures.json("[\"a\"]"), ",\"encoding_format\":\"base64\""));

    JsonNode merged = EmbeddingsTranslator.toOpenAi(translated,
        List.of(Fixtures.json("{\"embeddings\":[{\"values\":[1.0,-2.5,0.125]}]}")));

    byte[] bytes = Base64.getDecoder().decode(merged.at("/data/0/embedding").asText());
    assertThat(bytes).containsExactly(0, 0, (byte) 0x80, 0x3f, 0, 0, 0x20, (byte) 0xc0, 0, 0, 0, 0x3e);
    ByteBuffer buffer = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    List<Float> floats = new ArrayList<>();
    while (buffer.hasRemaining()) {
      floats.add(buffer.getFloat());
    }
    assertThat(floats).containsExactly(1.0f, -2.5f, 0.125f);
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(delimiter = '|', value = {
      "[1,2,3]|input", "[[1,2],[3]]|input", "[]|input", "null|input", "[\"\"]|input", "42|input"})
  void rejectsTokenArraysAndEmptyInput(String input, String param) {
    assertThatThrownBy(() -> EmbeddingsTranslator.toGemini(request(Fixtures.json(input), "")))
        .isInstanceOfSatisfying(TranslationException.class, e -> assertThat(e.param()).isEqualTo(param));
  }

  @Test
  void rejectsBadOptionsAndAMissingModel() {
    assertThatThrownBy(() -> EmbeddingsTranslator.toGemini(request(Fixtures.json("\"a\""), ",\"encoding_format\":\"int8\"")))
        .isInstanceOfSatisfying(TranslationException.class, e -> assertThat(e.param()).isEqualTo("encoding_format"));
    assertThatThrownBy(() -> EmbeddingsTranslator.toGemini(request(Fixtures.json("\"a\""), ",\"dimensions\":0")))
        .isInstanceOfSatisfying(TranslationException.class, e -> assertThat(e.param()).isEqualTo("dimensions"));
    assertThatThrownBy(() -> EmbeddingsTranslator.toGemini(Fixtures.json("{\"input\":\"a\"}")))
        .isInstanceOfSatisfying(TranslationException.class, e -> assertThat(e.param()).isEqualTo("model"));
  }

  @Test
  void rejectsMalformedModelNamesNamingTheField() {
    for (String model : new String[] {"a?b", "a#b", "models/../x", "a b", "\u00e9", "a".repeat(129)}) {
      assertThatThrownBy(() -> EmbeddingsTranslator.toGemini(Fixtures.json("{\"model\":\"" + model + "\",\"input\":\"a\"}")))
          .isInstanceOfSatisfying(TranslationException.class, e -> {
            assertThat(e.param()).isEqualTo("model");
            assertThat(e.getMessage()).startsWith("Invalid model name: '");
          });
    }
    assertThat(EmbeddingsTranslator.toGemini(Fixtures.json("{\"model\":\"gemini-embedding-001\",\"input\":\"a\"}"))
        .upstreamModel()).isEqualTo("gemini-embedding-001");
  }

  @Test
  void aShortUpstreamAnswerIsAnUpstreamFault() {
    EmbeddingsTranslator.EmbeddingsRequest translated = EmbeddingsTranslator.toGemini(request(texts(3), ""));
    assertThatThrownBy(() -> EmbeddingsTranslator.toOpenAi(translated, List.of(batchResponse(0, 2))))
        .isInstanceOf(MalformedUpstreamException.class).hasMessageContaining("2 embeddings for 3 inputs");
  }
}
