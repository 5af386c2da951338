package io.geminibalance.requestlog;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class RequestBodyExcerptTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** What the executor passes: at most {@code cap} bytes of the body, and its length. */
  private static String excerpt(String body, int cap) {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    return RequestBodyExcerpt.of(Arrays.copyOf(bytes, Math.min(bytes.length, cap)), bytes.length);
  }

  @Test
  void aBodyWithinTheCapIsKeptWhole() {
    assertThat(excerpt("{\"contents\":[]}", 1024)).isEqualTo("{\"contents\":[]}");
    assertThat(excerpt("x".repeat(1024), 1024)).isEqualTo("x".repeat(1024));
  }

  @Test
  void aLargeBodyKeepsItsHeadInAJsonObjectThatSaysSo() throws Exception {
    String body = "{\"contents\":[{\"parts\":[{\"text\":\"" + "lorem ipsum ".repeat(440_000) + "\"}]}]}";
    JsonNode row = JSON.readTree(excerpt(body, 16 * 1024));
    long total = body.getBytes(StandardCharsets.UTF_8).length;
    assertThat(row.path("truncated").path("totalBytes").asLong()).isEqualTo(total).isGreaterThan(5_000_000);
    int kept = row.path("truncated").path("keptBytes").asInt();
    assertThat(kept).isBetween(16 * 1024 - 16, 16 * 1024);
    assertThat(body).startsWith(row.path("head").asText());
    assertThat(row.path("head").asText()).hasSize(kept);
  }

  @Test
  void theCutNeverSplitsACharacter() throws Exception {
    String body = "a".repeat(9) + "\u00e9\u20ac\ud83d\ude00".repeat(10); // 2-, 3- and 4-byte characters
    for (int cap = 9; cap < 40; cap++) {
      String head = JSON.readTree(excerpt(body, cap)).path("head").asText();
      assertThat(body).startsWith(head);
      assertThat(head).doesNotContain("\ufffd");
      assertThat(head.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(cap);
    }
  }

  @Test
  void aKeyCutInTwoLeavesNoPartBehind() throws Exception {
    String key = "AIzaSyExcerptTest_0000000000000000000001";
    String body = "{\"note\":\"" + key + "\",\"more\":\"" + "x ".repeat(100) + "\"}";
    for (int cap = 10; cap < 10 + key.length(); cap++) {
      String head = JSON.readTree(excerpt(body, cap)).path("head").asText();
      assertThat(head).doesNotContain("AIza").isEqualTo("{\"note\":\"");
    }
  }
}
