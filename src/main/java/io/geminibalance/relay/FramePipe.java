package io.geminibalance.relay;

import io.vertx.core.http.WebSocketBase;
import io.vertx.core.http.WebSocketFrame;
import java.util.function.Consumer;

/**
 * One direction of a relayed WebSocket: every frame from {@code from} is written to {@code to} as
 * it came (text, binary and continuation frames, so a fragmented message stays fragmented), and
 * {@code from} is paused while {@code to}'s write queue is full, resumed when it drains: a peer
 * that reads slowly slows the sender down instead of filling the gateway's memory. Pings are
 * passed on (Vert.x has already answered them on this hop, so pongs are not); a close frame is left
 * to the sockets' close handlers. A message is counted across its fragments: one over
 * {@code maxMessageBytes} is not written, {@code tooBig} runs instead. Runs on the sockets' event loop.
 */
final class FramePipe {
  private final WebSocketBase from;
  private final WebSocketBase to;
  private final long maxMessageBytes;
  private final Runnable activity;
  private final Runnable tooBig;
  /** Sees each data frame relayed, before it is written (a Live session's usage meter). */
  private final Consumer<WebSocketFrame> seen;
  private long messageBytes;

  /**
   * @param activity runs for every frame (the session's idle watch)
   * @param tooBig runs instead of writing a frame that makes its message larger than allowed
   */
  FramePipe(WebSocketBase from, WebSocketBase to, long maxMessageBytes, Runnable activity, Runnable tooBig) {
    this(from, to, maxMessageBytes, activity, tooBig, frame -> { });
  }

  /** @param seen sees each data frame relayed (text, binary, continuation), before it is written */
  FramePipe(WebSocketBase from, WebSocketBase to, long maxMessageBytes, Runnable activity, Runnable tooBig,
      Consumer<WebSocketFrame> seen) {
    this.from = from;
    this.to = to;
    this.maxMessageBytes = maxMessageBytes;
    this.activity = activity;
    this.tooBig = tooBig;
    this.seen = seen;
  }

  /** Relays what {@code from} receives from now on. */
  FramePipe start() {
    from.frameHandler(this::forward);
    return this;
  }

  void forward(WebSocketFrame frame) {
    activity.run();
    switch (frame.type()) {
      case TEXT, BINARY -> messageBytes = frame.binaryData().length();
      case CONTINUATION -> messageBytes += frame.binaryData().length();
      case PING -> {
        if (!to.isClosed()) {
          to.writeFrame(WebSocketFrame.pingFrame(frame.binaryData()));
        }
        return;
      }
      default -> {
        return;
      }
    }
    if (messageBytes > maxMessageBytes) {
      tooBig.run();
      return;
    }
    seen.accept(frame);
    if (to.isClosed()) {
      return;
    }
    to.writeFrame(frame);
    if (to.writeQueueFull()) {
      from.pause();
      to.drainHandler(v -> {
        if (!from.isClosed()) {
          from.resume();
        }
      });
    }
  }
}
