package io.geminibalance.streaming;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.List;

/**
 * Writes a stream's events to the client through a {@link StreamOptimizer}: each event's pieces,
 * with their pauses, on Vert.x timers (nothing sleeps on the event loop). While pieces are pending,
 * or the client's write queue is full, it is {@link #busy()} and the relay stops reading upstream,
 * so a stream holds at most one upstream chunk's events, cut into pieces as they go out. The
 * response ends once every piece is written ({@link #end()}): gemini-balance's smoother could end
 * a stream with its tail unsent (issue #343). Used on the stream's event loop only.
 */
public final class PacedWriter {
  private final Vertx vertx;
  private final HttpServerResponse client;
  private final StreamOptimizer optimizer;
  /** The events still to write, each as its pieces, made as they are taken. */
  private final ArrayDeque<Iterator<StreamOptimizer.Piece>> queue = new ArrayDeque<>();
  /** The next piece, taken from the first event of the queue. */
  private StreamOptimizer.Piece head;
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
      queue.add(optimizer.plan(event));
    }
    pump();
  }

  /** Pieces are pending or the client is slow: the relay should not read more upstream yet. */
  public boolean busy() {
    return head != null || !queue.isEmpty() || timer >= 0 || waitingForDrain;
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
      clear();
      return;
    }
    if (last == null) {
      clear();
      client.reset();
      return;
    }
    for (StreamOptimizer.Piece next = peek(); next != null; next = peek()) {
      head = null;
      client.write(next.bytes());
    }
    client.end(last);
  }

  private void pump() {
    StreamOptimizer.Piece next;
    while (timer < 0 && !waitingForDrain && (next = peek()) != null) {
      if (client.closed() || client.ended()) {
        clear();
        return;
      }
      if (next.delayMillis() > 0 && !waited) {
        waited = true;
        timer = vertx.setTimer(next.delayMillis(), id -> {
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
      head = null;
      waited = false;
      client.write(next.bytes());
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

  /** The next piece to write, or null when none is pending. */
  private StreamOptimizer.Piece peek() {
    while (head == null && !queue.isEmpty()) {
      Iterator<StreamOptimizer.Piece> first = queue.peek();
      if (first.hasNext()) {
        head = first.next();
      } else {
        queue.poll();
      }
    }
    return head;
  }

  private void clear() {
    queue.clear();
    head = null;
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
