package io.geminibalance.protocol.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Images in stream chunks: found in the deltas, replaced by hosted URLs, other content untouched. */
class InlineImagesTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static ObjectNode chunk(String content) throws Exception {
    ObjectNode chunk = (ObjectNode) JSON.readTree("{\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,"
        + "\"delta\":{}}]}");
    ((ObjectNode) chunk.path("choices").get(0).get("delta")).put("content", content);
    return chunk;
  }

  @Test
  void imagesInADeltaAreFoundAndReplacedInPlace() throws Exception {
    ObjectNode chunk = chunk("a ![image](data:image/png;base64,QUJD) b ![image](data:image/jpeg;base64,REVG) c");
    assertThat(InlineImages.mayHaveImage(chunk)).isTrue();
    assertThat(InlineImages.findInChunk(chunk)).extracting(InlineImages.Found::mimeType, InlineImages.Found::base64)
        .containsExactly(tuple("image/png", "QUJD"),
            tuple("image/jpeg", "REVG"));
    // Only the first was uploaded: the second stays a data URL.
    InlineImages.replaceInChunk(chunk, Map.of("data:image/png;base64,QUJD", "https://img.example/1.png"));
    assertThat(chunk.path("choices").get(0).path("delta").path("content").asText())
        .isEqualTo("a ![image](https://img.example/1.png) b ![image](data:image/jpeg;base64,REVG) c");
  }

  @Test
  void textChunksAndOtherFieldsCarryNoImage() throws Exception {
    assertThat(InlineImages.mayHaveImage(chunk("plain text with data: in it"))).isFalse();
    ObjectNode reasoning = (ObjectNode) JSON.readTree("{\"choices\":[{\"delta\":{\"reasoning_content\":"
        + "\"![image](data:image/png;base64,QUJD)\"}}]}");
    assertThat(InlineImages.mayHaveImage(reasoning)).isFalse();
    assertThat(InlineImages.findInChunk(reasoning)).isEmpty();
    // A whole completion's images are in message, not delta.
    ObjectNode completion = (ObjectNode) JSON.readTree("{\"choices\":[{\"message\":{\"content\":"
        + "\"![image](data:image/png;base64,QUJD)\"}}]}");
    assertThat(InlineImages.findInChunk(completion)).isEmpty();
    assertThat(InlineImages.find(completion)).hasSize(1);
  }
}
