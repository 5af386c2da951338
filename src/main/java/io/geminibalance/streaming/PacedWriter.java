package io.geminibalance.streaming;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.List;

/**
 * Writes a stream's events to the client in order, through a {@link StreamOptimizer} (each event's
 * pieces, with their pauses, on Vert.x timers: nothing sleeps on the event loop) and an
 * {@link EventHold} (an event whose work is pending waits, and every later event behind it), either
 * of them optional. While pieces are pending, an event is held, or the client's write queue is
 * full, it is {@link #busy()} and the relay stops reading upstream, so a stream holds at most one
 * upstream chunk's events. The response ends only once every piece is written ({@link #end()}):
 * gemini-balance's smoother could end a stream with its tail unsent (issue #343). Used on the
 * stream's event loop only.
 */
public final class PacedWriter {
  private final Vertx vertx;
  private final HttpServerResponse client;
  private final StreamOptimizer optimizer;
  private final EventHold hold;
  private final Context context;
  private final ArrayDeque<Item> queue = new ArrayDeque<>();
  /** The next piece, taken from the first event of the queue. */
  private StreamOptimizer.Piece head;
  private boolean waited;
  private long timer = -1;
  private boolean waitingForDrain;
  private boolean waitingForHold;
  private boolean ending;
  private Runnable whenIdle;

  /** What waits to be written: a piece to write (after its pause), or an event whose work is pending. */
  private sealed interface Item {}

  /** An event's pieces, made as they are taken (a long text is not cut into thousands up front). */
  private record Pieces(Iterator<StreamOptimizer.Piece> rest) implements Item {}

  /** {@code original} is what goes out if the stream must end before {@code later} completes. */
  private record Held(Buffer original, Future<Buffer> later) implements Item {}

  /** Either {@code optimizer} or {@code hold} may be null (no pauses, no held events). */
  public PacedWriter(Vertx vertx, HttpServerResponse client, StreamOptimizer optimizer, EventHold hold) {
    this.vertx = vertx;
    this.client = client;
    this.optimizer = optimizer;
    this.hold = hold;
    this.context = vertx.getOrCreateContext();
  }

  /** Queues whole events (their pieces, or held) and writes what may go now. */
  public void write(List<Buffer> events) {
    for (Buffer event : events) {
      Future<Buffer> later = hold == null ? null : hold.hold(event);
      queue.add(later == null ? new Pieces(plan(event)) : new Held(event, later));
    }
    pump();
  }

  private Iterator<StreamOptimizer.Piece> plan(Buffer event) {
    return optimizer == null ? List.of(new StreamOptimizer.Piece(event, 0)).iterator() : optimizer.plan(event);
  }

  /** Pieces are pending, an event is held or the client is slow: the relay should not read more upstream yet. */
  public boolean busy() {
    return head != null || !queue.isEmpty() || timer >= 0 || waitingForDrain || waitingForHold;
  }

  /**
   * Everything before the head of the queue is written and the head is an event waiting for its
   * work: a keepalive written now goes between two whole events, and the client hears something
   * while an upload runs.
   */
  public boolean onlyHolding() {
    return waitingForHold && timer < 0 && !waitingForDrain;
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
    if (hold != null) {
      hold.cancel();
    }
    if (client.closed() || client.ended()) {
      clear();
      return;
    }
    if (last == null) {
      clear();
      client.reset(BodyRelay.CANCEL);
      return;
    }
    // A held event whose work is not done goes as it was: nothing the stream carried is lost.
    if (head != null) {
      client.write(head.bytes());
      head = null;
    }
    while (!queue.isEmpty()) {
      switch (queue.poll()) {
        case Pieces pieces -> pieces.rest().forEachRemaining(piece -> client.write(piece.bytes()));
        case Held held -> client.write(held.later().succeeded() ? held.later().result() : held.original());
      }
    }
    client.end(last);
  }

  private void pump() {
    StreamOptimizer.Piece next;
    while (timer < 0 && !waitingForDrain && !waitingForHold && (next = peek()) != null) {
      if (client.closed() || client.ended()) {
        clear();
        if (hold != null) {
          hold.cancel();
        }
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
      switch (queue.peek()) {
        case Pieces pieces -> {
          if (pieces.rest().hasNext()) {
            head = pieces.rest().next();
          } else {
            queue.poll();
          }
        }
        case Held held -> {
          if (!held.later().isComplete()) {
            waitingForHold = true;
            // The work may complete on another thread: the writer carries on on its own context.
            held.later().onComplete(ar -> context.runOnContext(v -> {
              waitingForHold = false;
              pump();
            }));
            return null;
          }
          // Done: the event takes its place at the head of the queue, as its pieces.
          queue.poll();
          queue.addFirst(new Pieces(plan(held.later().succeeded() ? held.later().result() : held.original())));
        }
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
