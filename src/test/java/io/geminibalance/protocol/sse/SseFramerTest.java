package io.geminibalance.protocol.sse;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SseFramerTest {

  private static List<String> frame(String stream, int[] cuts) {
    byte[] bytes = stream.getBytes(StandardCharsets.UTF_8);
    SseFramer framer = new SseFramer();
    List<String> events = new ArrayList<>();
    int from = 0;
    for (int cut : cuts) {
      framer.feed(Arrays.copyOfRange(bytes, from, cut)).forEach(e -> events.add(new String(e, StandardCharsets.UTF_8)));
      from = cut;
    }
    framer.feed(Arrays.copyOfRange(bytes, from, bytes.length))
        .forEach(e -> events.add(new String(e, StandardCharsets.UTF_8)));
    byte[] last = framer.finish();
    if (last != null) {
      events.add(new String(last, StandardCharsets.UTF_8));
    }
    return events;
  }

  @Test
  void splitsOnEveryKindOfBlankLine() {
    assertThat(frame("data: 1\n\ndata: 2\r\n\r\ndata: 3\r\rdata: 4\n\n", new int[0]))
        .containsExactly("data: 1\n\n", "data: 2\r\n\r\n", "data: 3\r\r", "data: 4\n\n");
  }

  @Test
  void keepsMultiLineEventsWhole() {
    assertThat(frame("event: x\ndata: a\ndata: b\n\n: comment\n\n", new int[0]))
        .containsExactly("event: x\ndata: a\ndata: b\n\n", ": comment\n\n");
  }

  @Test
  void terminatesAnUnterminatedLastEvent() {
    assertThat(frame("data: 1\n\ndata: 2", new int[0])).containsExactly("data: 1\n\n", "data: 2\n\n");
    assertThat(frame("data: 1\r\n\r\ndata: 2\r\n", new int[0])).containsExactly("data: 1\r\n\r\n", "data: 2\r\n\r\n");
  }

  // Found by SsePropertyTest: "data: 2\r" was finished as "data: 2\r\n", which made its CR a
  // CRLF and still left the event without its blank line.
  @Test
  void terminatesALastEventWhoseLinesEndInCarriageReturns() {
    assertThat(frame("data: 1\r\rdata: 2\r", new int[0])).containsExactly("data: 1\r\r", "data: 2\r\n\n");
    assertThat(frame("data: 1\r\rdata: 2\r\r", new int[0])).containsExactly("data: 1\r\r", "data: 2\r\r");
  }

  @Test
  void dropsStrayBlankLinesBetweenEvents() {
    assertThat(frame("\n\ndata: 1\n\n\n\ndata: 2\n\n", new int[0])).containsExactly("data: 1\n\n", "data: 2\n\n");
  }

  @Test
  void holdsACarriageReturnUntilItKnowsWhetherALineFeedFollows() {
    SseFramer framer = new SseFramer();
    assertThat(framer.feed("data: 1\r\n\r".getBytes(StandardCharsets.UTF_8))).isEmpty();
    List<byte[]> events = framer.feed("\ndata: 2".getBytes(StandardCharsets.UTF_8));
    assertThat(events).hasSize(1);
    assertThat(new String(events.get(0), StandardCharsets.UTF_8)).isEqualTo("data: 1\r\n\r\n");
  }

  @Test
  void anySplitOfARecordedStreamGivesTheSameEvents() {
    String stream = "data: {\"text\":\"h\u00e9llo \u4e16\u754c \ud83d\ude00\"}\r\n\r\n"
        + "data: {\"n\":2}\n\n" + "data: {\"a\":\"x\"}\r\ndata: more\r\n\r\n" + "data: {\"end\":true}\r\n\r\n";
    List<String> expected = frame(stream, new int[0]);
    assertThat(expected).hasSize(4);
    byte[] bytes = stream.getBytes(StandardCharsets.UTF_8);
    Random random = new Random(42);
    for (int round = 0; round < 2000; round++) {
      int pieces = 1 + random.nextInt(12);
      int[] cuts = random.ints(pieces, 0, bytes.length + 1).sorted().toArray();
      List<String> got = frame(stream, cuts);
      assertThat(got).as("cuts %s", Arrays.toString(cuts)).isEqualTo(expected);
    }
  }

  @Test
  void relayedBytesEqualTheInputForWellFormedStreams() {
    String stream = "data: a\r\n\r\ndata: b\r\n\r\n";
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    SseFramer framer = new SseFramer();
    for (byte b : stream.getBytes(StandardCharsets.UTF_8)) {
      framer.feed(new byte[] {b}).forEach(out::writeBytes);
    }
    assertThat(framer.finish()).isNull();
    assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo(stream);
  }
}
