package io.geminibalance.protocol.sse;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SseDecoderTest {

  private static List<String> decodeAll(byte[] bytes, List<Integer> cuts) {
    SseDecoder decoder = new SseDecoder();
    List<String> events = new ArrayList<>();
    int start = 0;
    for (int cut : cuts) {
      events.addAll(decoder.feed(Arrays.copyOfRange(bytes, start, cut)));
      start = cut;
    }
    events.addAll(decoder.feed(Arrays.copyOfRange(bytes, start, bytes.length)));
    events.addAll(decoder.finish());
    return events;
  }

  private static List<String> decodeRandomly(byte[] bytes, Random random) {
    List<Integer> cuts = new ArrayList<>();
    int position = 0;
    while (true) {
      position += 1 + random.nextInt(7);
      if (position >= bytes.length) {
        return decodeAll(bytes, cuts);
      }
      cuts.add(position);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"\r\n", "\n", "\r"})
  void eventsSplitOnEveryLineEndingStyle(String eol) {
    String stream = "data: {\"a\":1}" + eol + eol + "data: {\"b\":\"é€😀\"}" + eol + eol;
    byte[] bytes = stream.getBytes(StandardCharsets.UTF_8);
    Random random = new Random(7);

    for (int i = 0; i < 500; i++) {
      assertThat(decodeRandomly(bytes, random)).containsExactly("{\"a\":1}", "{\"b\":\"é€😀\"}");
    }
  }

  @Test
  void splitBetweenCarriageReturnAndLineFeedIsOneLineEnd() {
    byte[] bytes = "data: x\r\n\r\ndata: y\r\n\r\n".getBytes(StandardCharsets.UTF_8);
    for (int cut = 1; cut < bytes.length; cut++) {
      assertThat(decodeAll(bytes, List.of(cut))).as("cut at %d", cut).containsExactly("x", "y");
    }
  }

  @Test
  void splitInsideAMultiByteCharacterDecodesIt() {
    byte[] bytes = "data: 😀\n\n".getBytes(StandardCharsets.UTF_8);
    for (int cut = 7; cut < 10; cut++) {
      assertThat(decodeAll(bytes, List.of(cut))).containsExactly("😀");
    }
  }

  @Test
  void multiLineDataJoinsWithNewlineAndCommentsAndOtherFieldsAreIgnored() {
    byte[] bytes = (": keep-alive\n\nevent: message\nid: 3\nretry: 10\ndata: line1\ndata:line2\ndata\n\n")
        .getBytes(StandardCharsets.UTF_8);
    assertThat(decodeAll(bytes, List.of())).containsExactly("line1\nline2\n");
  }

  @Test
  void finishReturnsAnUnterminatedLastEventOnlyOnce() {
    SseDecoder decoder = new SseDecoder();
    assertThat(decoder.feed("data: a\n\ndata: tail".getBytes(StandardCharsets.UTF_8))).containsExactly("a");
    assertThat(decoder.finish()).containsExactly("tail");
    assertThat(decoder.finish()).isEmpty();
  }

  @Test
  void aLeadingByteOrderMarkIsIgnored() {
    byte[] bytes = "\uFEFFdata: x\n\n".getBytes(StandardCharsets.UTF_8);
    assertThat(decodeAll(bytes, List.of(1))).containsExactly("x");
  }

  @Test
  void feedWithOffsetReadsOnlyTheSlice() {
    byte[] bytes = "XXdata: x\n\nYY".getBytes(StandardCharsets.UTF_8);
    assertThat(new SseDecoder().feed(bytes, 2, bytes.length - 4)).containsExactly("x");
  }

  @Test
  void aMegabyteLineSurvivesRandomSplits() {
    String big = "A".repeat(1 << 20) + "é";
    byte[] bytes = ("data: " + big + "\r\n\r\ndata: next\r\n\r\n").getBytes(StandardCharsets.UTF_8);
    Random random = new Random(11);
    for (int i = 0; i < 5; i++) {
      List<Integer> cuts = new ArrayList<>();
      for (int position = random.nextInt(100_000) + 1; position < bytes.length; position += random.nextInt(100_000) + 1) {
        cuts.add(position);
      }
      assertThat(decodeAll(bytes, cuts)).containsExactly(big, "next");
    }
  }

  @Test
  void mixedLineEndingsAndCommentsInOneStream() {
    byte[] bytes = ": hello\r\rdata: a\r\ndata: b\n\ndata: c\r\r\n: ping\n\ndata: d\r\n\r\n".getBytes(StandardCharsets.UTF_8);
    Random random = new Random(3);
    for (int i = 0; i < 500; i++) {
      assertThat(decodeRandomly(bytes, random)).containsExactly("a\nb", "c", "d");
    }
  }
}
