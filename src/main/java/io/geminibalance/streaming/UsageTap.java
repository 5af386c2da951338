package io.geminibalance.streaming;

import io.geminibalance.protocol.gemini.TokenUsage;
import io.geminibalance.protocol.gemini.UsageTail;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;

/**
 * The bytes of a body relayed unchanged, offered to a {@link UsageTail} as they go by: the usage
 * is read from the last of them when the answer ends (or is cut), never by parsing the body. Only
 * the bytes the tail keeps are copied, straight from the chunk (no array in between, nothing
 * allocated per chunk). One stream, one event loop.
 */
public final class UsageTap implements UsageTail.Source {
  private final UsageTail tail;
  /** The chunk being added: read by {@link #copyTo} during {@link #add}. */
  private Buffer chunk;
  /** Completes when the client leaves, for an answer read to its end anyway; null: not read on. */
  private Future<Void> clientLeft;

  public UsageTap(UsageTail tail) {
    this.tail = tail;
  }

  /** A tap for a Gemini answer. */
  public static UsageTap gemini() {
    return new UsageTap(UsageTail.gemini());
  }

  /**
   * The answer is read to its end even when the client leaves ({@code clientLeft} completes),
   * for its usage: {@link BodyRelay} then discards the rest, up to
   * {@link BodyRelay#ABANDONED_READ_MAX_BYTES}, and no longer waits for the client to drain.
   */
  public UsageTap readsOnAfter(Future<Void> clientLeft) {
    this.clientLeft = clientLeft;
    return this;
  }

  /** What completes when the client leaves an answer read to its end anyway, or null. */
  Future<Void> clientLeft() {
    return clientLeft;
  }

  /** Whether the answer is read to its end when the client leaves. */
  public boolean readsOn() {
    return clientLeft != null;
  }

  /** The next chunk of the body. */
  public void add(Buffer next) {
    chunk = next;
    try {
      tail.add(next.length(), this);
    } finally {
      chunk = null;
    }
  }

  @Override
  public void copyTo(int from, byte[] to, int at, int length) {
    chunk.getBytes(from, from + length, to, at);
  }

  /** The usage reported so far: the answer's once it has ended. */
  public TokenUsage usage() {
    return tail.usage();
  }

  /** The usage of a body read whole. */
  public static TokenUsage of(Buffer body) {
    UsageTap tap = gemini();
    tap.add(body);
    return tap.usage();
  }
}
