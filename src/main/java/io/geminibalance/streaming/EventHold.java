package io.geminibalance.streaming;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;

/**
 * Work a stream event must wait for before it goes to the client (an image upload that turns a data
 * URL into a hosted one). {@link PacedWriter} holds such an event, and every event after it, until
 * its work is done, and reads no more upstream meanwhile, so order is kept and memory bounded.
 */
public interface EventHold {

  /**
   * What {@code event} (one whole event a stream transformer produced) becomes once its work is
   * done; null when it goes as it is, which must cost next to nothing (it is asked of every event).
   * The future never fails: work that fails leaves the event as it was.
   */
  Future<Buffer> hold(Buffer event);

  /** The client has left or the stream broke: work still pending stops; its futures may never complete. */
  void cancel();
}
