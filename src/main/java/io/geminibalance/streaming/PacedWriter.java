package io.geminibalance.streaming;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import java.util.ArrayDeque;
import java.util.List;

/**
 * Writes a stream's events to the client through a {@link StreamOptimizer}: each event's pieces,
 * with their pauses, on Vert.x timers (nothing sleeps on the event loop). While pieces are pending,
 * or the client's write queue is full, it is {@link #busy()} and the relay stops reading upstream,
 * so a stream holds at most one upstream chunk's pieces. The response ends only once every piece
 * is written ({@link #end()}): gemini-balance's smoother could end a stream with its tail unsent
 * (issue #343). Used on the stream's event loop only.
 */
public final class PacedWriter {
  private final Vertx vertx;
  private final HttpServerResponse client;
  private final StreamOptimizer optimizer;
  private final ArrayDeque<StreamOptimizer.Piece> queue = new ArrayDeque<>();
  private boolean waited;
  private long timer = -1;
  private boolean waitingForDrain;
  private boolean ending;
  private Runnable whenIdle;

  public PacedWriter(Vertx vertx, HttpServerResponse client, StreamOptimizer optimizer) {
    this.vertx = vertx;
    this.client = client;
    this.optimizer = optimizer;
  }

  /** Queues the pieces of whole events and writes what may go now. */
  public void write(List<Buffer> events) {
    for (Buffer event : events) {
      queue.addAll(optimizer.pieces(event));
    }
    pump();
  }

  /** Pieces are pending or the client is slow: the relay should not read more upstream yet. */
  public boolean busy() {
    return !queue.isEmpty() || timer >= 0 || waitingForDrain;
  }

  /** Runs {@code action} once, as soon as nothing is pending (at once when nothing is). */
  public void whenIdle(Runnable action) {
    whenIdle = action;
    if (!busy()) {
      runIdle();
    }
  }

  /** Ends the response once every pending piece is written. */
  public void end() {
    ending = true;
    pump();
  }

  /**
   * The stream broke: what is pending goes out now, without pauses, then {@code last} (an error
   * event) and the end; or, with no {@code last}, the connection is reset.
   */
  public void endNow(Buffer last) {
    cancelTimer();
    ending = true;
    if (client.closed() || client.ended()) {
      queue.clear();
      return;
    }
    if (last == null) {
      queue.clear();
      client.reset();
      return;
    }
    while (!queue.isEmpty()) {
      client.write(queue.poll().bytes());
    }
    client.end(last);
  }

  private void pump() {
    while (!queue.isEmpty() && timer < 0 && !waitingForDrain) {
      if (client.closed() || client.ended()) {
        queue.clear();
        return;
      }
      StreamOptimizer.Piece head = queue.peek();
      if (head.delayMillis() > 0 && !waited) {
        waited = true;
        timer = vertx.setTimer(head.delayMillis(), id -> {
          timer = -1;
          pump();
        });
        return;
      }
      if (client.writeQueueFull()) {
        waitingForDrain = true;
        client.drainHandler(v -> {
          waitingForDrain = false;
          pump();
        });
        return;
      }
      queue.poll();
      waited = false;
      client.write(head.bytes());
    }
    if (!busy()) {
      if (ending) {
        if (!client.closed() && !client.ended()) {
          client.end();
        }
      } else {
        runIdle();
      }
    }
  }

  private void runIdle() {
    Runnable action = whenIdle;
    whenIdle = null;
    if (action != null) {
      action.run();
    }
  }

  private void cancelTimer() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
      timer = -1;
    }
  }
}
