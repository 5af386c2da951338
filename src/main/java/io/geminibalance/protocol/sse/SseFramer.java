package io.geminibalance.protocol.sse;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Cuts a byte stream of server-sent events into whole events, each with its terminating blank
 * line, without decoding or copying more than needed. Used to relay upstream events one by one
 * exactly as they were sent: an event is passed on as soon as its blank line arrives.
 *
 * <p>Line ends may be {@code \r\n}, {@code \n} or {@code \r}, and chunks may split anywhere,
 * including between {@code \r} and {@code \n}.
 */
public final class SseFramer {
  private byte[] buf = new byte[256];
  private int len;
  private int scan;
  private int eventStart;
  private boolean lineHasContent;
  private boolean afterCr;
  private boolean eventEndsAfterCr;

  /** Adds bytes; returns the events completed by them, in order. */
  public List<byte[]> feed(byte[] data) {
    append(data);
    List<byte[]> events = new ArrayList<>(2);
    while (scan < len) {
      byte c = buf[scan];
      if (afterCr) {
        afterCr = false;
        if (c == '\n') {
          scan++;
        }
        if (eventEndsAfterCr) {
          eventEndsAfterCr = false;
          emit(events, scan);
        }
        continue;
      }
      scan++;
      if (c == '\r') {
        afterCr = true;
        eventEndsAfterCr = !lineHasContent;
        lineHasContent = false;
      } else if (c == '\n') {
        if (!lineHasContent) {
          emit(events, scan);
        }
        lineHasContent = false;
      } else {
        lineHasContent = true;
      }
    }
    compact();
    return events;
  }

  /**
   * Ends the stream: returns a last event that arrived without its blank line, now terminated,
   * or {@code null} when nothing meaningful is left.
   */
  public byte[] finish() {
    byte[] rest = Arrays.copyOfRange(buf, eventStart, len);
    // A blank line ended by CR was held back only to see whether an LF follows: it is complete.
    boolean complete = afterCr && eventEndsAfterCr;
    eventStart = len = scan = 0;
    afterCr = eventEndsAfterCr = lineHasContent = false;
    if (blank(rest, 0, rest.length)) {
      return null;
    }
    if (complete) {
      return rest;
    }
    String end = terminator(rest);
    byte[] terminated = Arrays.copyOf(rest, rest.length + end.length());
    for (int i = 0; i < end.length(); i++) {
      terminated[rest.length + i] = (byte) end.charAt(i);
    }
    return terminated;
  }

  /**
   * What ends a dangling last event with a blank line: one more line end after a complete last
   * line, two after an open one. A last line ended by CR alone takes two LFs (CR LF completes
   * that line, the second LF is the blank line): one LF would only have made its CR a CRLF.
   */
  private static String terminator(byte[] rest) {
    byte last = rest[rest.length - 1];
    if (last == '\n') {
      return rest.length > 1 && rest[rest.length - 2] == '\r' ? "\r\n" : "\n";
    }
    return "\n\n";
  }

  /** Bytes received but not yet part of a complete event. */
  public int pendingBytes() {
    return len - eventStart;
  }

  private void emit(List<byte[]> events, int end) {
    if (!blank(buf, eventStart, end)) {
      events.add(Arrays.copyOfRange(buf, eventStart, end));
    }
    eventStart = end;
  }

  private static boolean blank(byte[] bytes, int from, int to) {
    for (int i = from; i < to; i++) {
      if (bytes[i] != '\n' && bytes[i] != '\r') {
        return false;
      }
    }
    return true;
  }

  private void append(byte[] data) {
    if (len + data.length > buf.length) {
      buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + data.length));
    }
    System.arraycopy(data, 0, buf, len, data.length);
    len += data.length;
  }

  private void compact() {
    if (eventStart == 0) {
      return;
    }
    System.arraycopy(buf, eventStart, buf, 0, len - eventStart);
    len -= eventStart;
    scan -= eventStart;
    eventStart = 0;
  }
}
