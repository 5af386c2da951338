package io.geminibalance.testing;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

/**
 * Server-sent event streams with the events they must decode to, and ways to cut bytes into
 * chunks. Streams mix LF, CRLF and CR line ends (per line or per stream), comments, other fields,
 * multi-line data, multi-byte UTF-8, a byte order mark, and may end without the last blank line.
 */
public final class SseArbitraries {
  private SseArbitraries() {}

  /** A stream's bytes and the data of the events it holds, in order. */
  public record Stream(byte[] bytes, List<String> events, String description) {
    @Override
    public String toString() {
      return description + " -> " + events;
    }
  }

  private record Line(String text, String end) {}

  /** Characters for data: ASCII, a colon, spaces, two-, three- and four-byte UTF-8. No CR, LF or lone surrogate. */
  public static Arbitrary<String> dataValues() {
    return Arbitraries.frequencyOf(
        Tuple.of(3, Arbitraries.strings().withChars("ab{}\":, ").ofMaxLength(8)),
        Tuple.of(2, Arbitraries.strings().withChars("é€\uD83D\uDE00中 :").ofMaxLength(6)
            .filter(s -> !brokenSurrogate(s))),
        Tuple.of(1, Arbitraries.of("", " ", "  lead", "{\"candidates\":[]}", "[DONE]", "\uFEFF")));
  }

  private static boolean brokenSurrogate(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c)) {
        if (i + 1 >= s.length() || !Character.isLowSurrogate(s.charAt(i + 1))) {
          return true;
        }
        i++;
      } else if (Character.isLowSurrogate(c)) {
        return true;
      }
    }
    return false;
  }

  private static Arbitrary<String> lineEnds() {
    return Arbitraries.of("\n", "\r\n", "\r");
  }

  /** One event: its data lines, plus ignored lines around them, each as text. */
  private static Arbitrary<List<String>> eventLines() {
    Arbitrary<String> data = Combinators.combine(Arbitraries.of("data: ", "data:", "data"), dataValues())
        .as((field, value) -> field.equals("data") ? "data" : field + value);
    Arbitrary<String> ignored = Arbitraries.of(": keep-alive", ":", "event: message", "id: 7", "retry: 10",
        "dataX: not data", " data: leading space is another field", "Data: case matters");
    return Arbitraries.frequencyOf(Tuple.of(4, data), Tuple.of(1, ignored)).list().ofMinSize(1).ofMaxSize(4);
  }

  /** What a list of an event's lines decodes to; null when it has no data line. */
  static String expected(List<String> lines) {
    List<String> values = new ArrayList<>();
    for (String line : lines) {
      if (line.equals("data")) {
        values.add("");
      } else if (line.startsWith("data:")) {
        String value = line.substring("data:".length());
        values.add(value.startsWith(" ") ? value.substring(1) : value);
      }
    }
    return values.isEmpty() ? null : String.join("\n", values);
  }

  public static Arbitrary<Stream> streams() {
    return Combinators.combine(
            eventLines().list().ofMaxSize(5),
            lineEnds().list().ofMinSize(1).ofMaxSize(30),
            Arbitraries.of(true, false), // one line end style for the whole stream
            Arbitraries.of(true, false), // byte order mark
            Arbitraries.of(Ending.class),
            Arbitraries.integers().between(0, 2)) // extra blank lines between events
        .as(SseArbitraries::render);
  }

  /** How the stream's last event ends. */
  public enum Ending { BLANK_LINE, LINE_END_ONLY, NO_LINE_END }

  private static Stream render(List<List<String>> events, List<String> ends, boolean uniform, boolean bom,
      Ending ending, int extraBlanks) {
    List<Line> lines = new ArrayList<>();
    List<String> expected = new ArrayList<>();
    int[] next = {0};
    java.util.function.Supplier<String> end = () -> ends.get(uniform ? 0 : next[0]++ % ends.size());
    for (int e = 0; e < events.size(); e++) {
      List<String> event = events.get(e);
      boolean last = e == events.size() - 1;
      for (int l = 0; l < event.size(); l++) {
        boolean lastLine = last && l == event.size() - 1;
        lines.add(new Line(event.get(l), lastLine && ending == Ending.NO_LINE_END ? "" : end.get()));
      }
      if (!last || ending == Ending.BLANK_LINE) {
        for (int b = 0; b <= (last ? 0 : extraBlanks); b++) {
          lines.add(new Line("", end.get()));
        }
      }
      String data = expected(event);
      if (data != null) {
        expected.add(data);
      }
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    StringBuilder description = new StringBuilder(bom ? "BOM " : "");
    if (bom) {
      out.writeBytes("\uFEFF".getBytes(StandardCharsets.UTF_8));
    }
    String previousEnd = "";
    for (Line line : lines) {
      // CR and then a blank line ended by LF would be one CRLF line end, no blank line at all:
      // such a blank line is ended by CRLF instead.
      String lineEnd = previousEnd.equals("\r") && line.text().isEmpty() && line.end().equals("\n")
          ? "\r\n" : line.end();
      previousEnd = lineEnd;
      out.writeBytes((line.text() + lineEnd).getBytes(StandardCharsets.UTF_8));
      description.append(line.text()).append(lineEnd.replace("\r", "\\r").replace("\n", "\\n"));
    }
    return new Stream(out.toByteArray(), expected, description.toString());
  }

  /** Chunk sizes, cycled over the bytes; a list of just 1 cuts between every two bytes. */
  public static Arbitrary<List<Integer>> chunkSizes() {
    return Arbitraries.frequencyOf(
        Tuple.of(1, Arbitraries.just(List.of(1))),
        Tuple.of(4, Arbitraries.integers().between(1, 9).list().ofMinSize(1).ofMaxSize(8)),
        Tuple.of(1, Arbitraries.integers().between(0, 64).list().ofMinSize(1).ofMaxSize(4)
            .filter(l -> l.stream().anyMatch(n -> n > 0))));
  }

  /** The bytes cut into chunks of the given sizes, cycled; a size 0 makes an empty chunk. */
  public static List<byte[]> cut(byte[] bytes, List<Integer> sizes) {
    List<byte[]> chunks = new ArrayList<>();
    int position = 0;
    for (int i = 0; position < bytes.length; i++) {
      int size = sizes.get(i % sizes.size());
      chunks.add(Arrays.copyOfRange(bytes, position, Math.min(bytes.length, position + size)));
      position += size;
    }
    return chunks;
  }

  /** Bytes with no structure to speak of: line-end bytes, colons, "data", invalid UTF-8. */
  public static Arbitrary<byte[]> noise() {
    Arbitrary<byte[]> piece = Arbitraries.oneOf(
        Arbitraries.of("\r", "\n", "\r\n", ":", "data", "data: ", " ", "x", "\uFEFF", "é", "\uD83D\uDE00")
            .map(s -> s.getBytes(StandardCharsets.UTF_8)),
        Arbitraries.bytes().array(byte[].class).ofMinSize(1).ofMaxSize(3));
    return piece.list().ofMaxSize(40).map(pieces -> {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      pieces.forEach(out::writeBytes);
      return out.toByteArray();
    });
  }
}
