package io.geminibalance.protocol.sse;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Incremental Server-Sent Events decoder: bytes in, complete events' {@code data} out.
 *
 * <p>Bytes may be split anywhere, inside a UTF-8 character or between {@code \r} and
 * {@code \n}. Lines are only decoded once complete, and line ends are ASCII bytes, so a
 * split character is never decoded in halves. Lines end with CRLF, LF or CR; a blank line
 * ends an event; several {@code data:} lines join with {@code \n}; comments ({@code :...})
 * and other fields are ignored. Not thread-safe: one decoder per stream.
 */
public final class SseDecoder {

  private static final byte CR = '\r';
  private static final byte LF = '\n';

  private final LineBuffer line = new LineBuffer();
  private final StringBuilder data = new StringBuilder();
  private boolean hasData;
  private boolean lastWasCr;
  private boolean firstLine = true;

  /** Feeds the next bytes; returns the data of every event they complete, in order. */
  public List<String> feed(byte[] bytes) {
    return feed(bytes, 0, bytes.length);
  }

  public List<String> feed(byte[] bytes, int offset, int length) {
    List<String> events = new ArrayList<>();
    int end = offset + length;
    int lineStart = offset;
    for (int i = offset; i < end; i++) {
      byte b = bytes[i];
      if (b != CR && b != LF) {
        continue;
      }
      // An LF directly after a CR (possibly at the start of this feed) completes a CRLF.
      boolean crLf = b == LF && lastWasCr && i == lineStart;
      // Runs are copied in bulk: a streamed image can put megabytes of base64 on one line.
      line.write(bytes, lineStart, i - lineStart);
      lineStart = i + 1;
      lastWasCr = b == CR;
      if (!crLf) {
        endLine(events);
      }
    }
    if (end > lineStart) {
      line.write(bytes, lineStart, end - lineStart);
      lastWasCr = false;
    }
    return events;
  }

  /** Ends the input: returns the data of a last event that had no closing blank line. */
  public List<String> finish() {
    List<String> events = new ArrayList<>();
    if (line.size() > 0) {
      endLine(events);
    }
    if (hasData) {
      events.add(takeData());
    }
    return events;
  }

  private void endLine(List<String> events) {
    String text = line.toString(StandardCharsets.UTF_8);
    line.reset();
    if (firstLine && text.startsWith("\uFEFF")) {
      text = text.substring(1);
    }
    firstLine = false;
    if (text.isEmpty()) {
      if (hasData) {
        events.add(takeData());
      }
      return;
    }
    field(text);
  }

  private void field(String text) {
    if (text.startsWith(":")) {
      return;
    }
    int colon = text.indexOf(':');
    String name = colon < 0 ? text : text.substring(0, colon);
    if (!name.equals("data")) {
      return;
    }
    String value = colon < 0 ? "" : text.substring(colon + 1);
    if (value.startsWith(" ")) {
      value = value.substring(1);
    }
    if (hasData) {
      data.append('\n');
    }
    data.append(value);
    hasData = true;
  }

  private String takeData() {
    String event = data.toString();
    data.setLength(0);
    hasData = false;
    return event;
  }

  /** A growable byte array; unlike ByteArrayOutputStream it takes no lock per write. */
  private static final class LineBuffer {
    private byte[] bytes = new byte[256];
    private int size;

    void write(byte[] source, int offset, int length) {
      if (size + length > bytes.length) {
        bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + length));
      }
      System.arraycopy(source, offset, bytes, size, length);
      size += length;
    }

    int size() {
      return size;
    }

    String toString(Charset charset) {
      return new String(bytes, 0, size, charset);
    }

    void reset() {
      size = 0;
    }
  }
}
