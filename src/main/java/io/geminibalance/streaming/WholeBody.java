package io.geminibalance.streaming;

import io.vertx.core.buffer.Buffer;

/**
 * Collects a small body of known length to be written in one piece. A body that arrives as one
 * chunk, the usual case for small answers, is kept as that chunk, without a copy; a body in
 * several chunks is joined into one buffer of the declared length, allocated once instead of grown
 * by doubling. Not thread-safe: used on one event loop.
 */
public final class WholeBody {
  private final int declaredLength;
  private Buffer single;
  private Buffer joined;

  /** {@code declaredLength}: the size to join several chunks into; -1 when unknown (grown as needed). */
  public WholeBody(long declaredLength) {
    this.declaredLength = (int) Math.min(Math.max(declaredLength, 0), Integer.MAX_VALUE);
  }

  public void add(Buffer chunk) {
    if (joined != null) {
      joined.appendBuffer(chunk);
    } else if (single == null) {
      single = chunk;
    } else {
      joined = Buffer.buffer(Math.max(declaredLength, single.length() + chunk.length()));
      joined.appendBuffer(single).appendBuffer(chunk);
      single = null;
    }
  }

  /** A Content-Length header's value, or -1 when it is absent or not a number. */
  public static long parseLength(String header) {
    if (header == null) {
      return -1;
    }
    try {
      return Long.parseLong(header.trim());
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /** What arrived, as one buffer (empty when nothing did). */
  public Buffer body() {
    if (joined != null) {
      return joined;
    }
    return single != null ? single : Buffer.buffer();
  }
}
