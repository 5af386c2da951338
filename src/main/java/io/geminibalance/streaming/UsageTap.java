package io.geminibalance.streaming;

import io.geminibalance.protocol.gemini.TokenUsage;
import io.geminibalance.protocol.gemini.UsageTail;
import io.netty.buffer.ByteBuf;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;

/**
 * The bytes of a body relayed unchanged, offered to a {@link UsageTail} as they go by: the usage
 * is read from the last of them when the answer ends (or is cut), never by parsing the body. Only
 * the chunk's last {@link UsageTail#capacity()} bytes are copied, straight from the chunk's array
 * when it has one, else through one scratch array reused for every chunk. One stream, one event
 * loop.
 */
public final class UsageTap {
  private final UsageTail tail;
  private byte[] scratch;

  public UsageTap(UsageTail tail) {
    this.tail = tail;
  }

  /** A tap for a Gemini answer. */
  public static UsageTap gemini() {
    return new UsageTap(UsageTail.gemini());
  }

  /** The next chunk of the body. */
  public void add(Buffer chunk) {
    int length = chunk.length();
    int from = Math.max(0, length - tail.capacity());
    if (chunk instanceof BufferInternal internal && internal.getByteBuf().hasArray()) {
      ByteBuf bytes = internal.getByteBuf();
      tail.add(bytes.array(), bytes.arrayOffset() + bytes.readerIndex() + from, length - from);
      return;
    }
    if (scratch == null) {
      scratch = new byte[Math.min(tail.capacity(), Math.max(length, 4096))];
    }
    for (int at = from; at < length; at += scratch.length) {
      int end = Math.min(length, at + scratch.length);
      chunk.getBytes(at, end, scratch, 0);
      tail.add(scratch, 0, end - at);
    }
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
