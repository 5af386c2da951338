package io.geminibalance.relay;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.buffer.ByteBuf;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class JsonBufferTest {
  /** The buffer as allocated: {@code getByteBuf()} hands out a slice, whose capacity is its length. */
  private static ByteBuf allocated(Buffer buffer) {
    ByteBuf bytes = ((BufferInternal) buffer).getByteBuf();
    while (bytes.unwrap() != null) {
      bytes = bytes.unwrap();
    }
    return bytes;
  }

  @Test
  void aTreeIsWrittenAsUtf8JsonThatReadsBackEqual() throws Exception {
    ObjectNode tree = OpenAiRelay.JSON.createObjectNode();
    tree.put("text", "héllo \u4e16\u754c \uD83D\uDE00 \"quoted\"\n");
    tree.putArray("numbers").add(1).add(2.5).add(Long.MAX_VALUE);
    tree.putObject("nested").putNull("nothing").put("flag", true);
    tree.put("long", "x".repeat(5_000)); // past the initial buffer size

    Buffer buffer = OpenAiRelay.jsonBuffer(tree);

    JsonNode back = OpenAiRelay.JSON.readTree(buffer.getBytes());
    assertThat(back).isEqualTo(tree);
    assertThat(buffer.toString(StandardCharsets.UTF_8)).contains("héllo");
  }

  @Test
  void aLargeBodyKeepsNoMoreThanALittleUnusedRoom() throws Exception {
    ObjectNode tree = OpenAiRelay.JSON.createObjectNode().put("data", "A".repeat(3 * 1024 * 1024 + 17));

    Buffer buffer = OpenAiRelay.jsonBuffer(tree);

    ByteBuf bytes = allocated(buffer);
    assertThat(bytes.capacity() - bytes.writerIndex()).isLessThanOrEqualTo(64 * 1024);
    assertThat(OpenAiRelay.JSON.readTree(buffer.getBytes())).isEqualTo(tree);
  }

  @Test
  void bytesInTheTreeAreWrittenAsStandardBase64IntoABufferAllocatedOnce() throws Exception {
    byte[] raw = new byte[3 * 1024 * 1024 + 1];
    new java.util.Random(1).nextBytes(raw); // '+' and '/' appear: the standard alphabet is checked
    ObjectNode tree = OpenAiRelay.JSON.createObjectNode();
    tree.putObject("inlineData").put("mimeType", "image/png").put("data", raw);
    int expected = (raw.length + 2) / 3 * 4 + 1024;

    Buffer buffer = OpenAiRelay.jsonBuffer(tree, expected);

    assertThat(allocated(buffer).capacity()).as("never grown: growing copies all that was written")
        .isEqualTo(expected);
    String data = OpenAiRelay.JSON.readTree(buffer.getBytes()).at("/inlineData/data").asText();
    assertThat(java.util.Base64.getDecoder().decode(data)).isEqualTo(raw);
  }

  @Test
  void theBufferReadsTheSameEachTime() {
    ObjectNode tree = OpenAiRelay.JSON.createObjectNode().put("a", 1);

    Buffer buffer = OpenAiRelay.jsonBuffer(tree);

    assertThat(buffer.toString()).isEqualTo("{\"a\":1}");
    assertThat(buffer.getBytes()).isEqualTo(buffer.getBytes());
    assertThat(buffer.length()).isEqualTo(7);
  }

  @Test
  void aLoneSurrogateFallsBackToTheTextWriterInsteadOfFailing() throws Exception {
    ObjectNode tree = OpenAiRelay.JSON.createObjectNode().put("text", "broken \uD800 pair");

    Buffer buffer = OpenAiRelay.jsonBuffer(tree);

    JsonNode back = OpenAiRelay.JSON.readTree(buffer.getBytes());
    assertThat(back.path("text").asText()).startsWith("broken ").endsWith(" pair");
  }
}
