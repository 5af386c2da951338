package io.geminibalance.streaming;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import java.util.ArrayDeque;
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
  private boolean waited;
  private long timer = -1;
  private boolean waitingForDrain;
  private boolean waitingForHold;
  private boolean ending;
  private Runnable whenIdle;

  /** What waits to be written: a piece to write (after its pause), or an event whose work is pending. */
  private sealed interface Item {}

  private record Ready(StreamOptimizer.Piece piece) implements Item {}

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
      if (later == null) {
        addPieces(event);
      } else {
        queue.add(new Held(event, later));
      }
    }
    pump();
  }

  private void addPieces(Buffer event) {
    queue.addAll(pieces(event));
  }

  private List<Ready> pieces(Buffer event) {
    if (optimizer == null) {
      return List.of(new Ready(new StreamOptimizer.Piece(event, 0)));
    }
    return optimizer.pieces(event).stream().map(Ready::new).toList();
  }

  /** Pieces are pending, an event is held or the client is slow: the relay should not read more upstream yet. */
  public boolean busy() {
    return !queue.isEmpty() || timer >= 0 || waitingForDrain || waitingForHold;
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
      queue.clear();
      return;
    }
    if (last == null) {
      queue.clear();
      client.reset();
      return;
    }
    // A held event whose work is not done goes as it was: nothing the stream carried is lost.
    while (!queue.isEmpty()) {
      client.write(switch (queue.poll()) {
        case Ready ready -> ready.piece().bytes();
        case Held held -> held.later().succeeded() ? held.later().result() : held.original();
      });
    }
    client.end(last);
  }

  private void pump() {
    while (!queue.isEmpty() && timer < 0 && !waitingForDrain && !waitingForHold) {
      if (client.closed() || client.ended()) {
        queue.clear();
        if (hold != null) {
          hold.cancel();
        }
        return;
      }
      StreamOptimizer.Piece head;
      switch (queue.peek()) {
        case Held held -> {
          if (!held.later().isComplete()) {
            waitingForHold = true;
            // The work may complete on another thread: the writer carries on on its own context.
            held.later().onComplete(ar -> context.runOnContext(v -> {
              waitingForHold = false;
              pump();
            }));
            return;
          }
          // Done: the event takes its place at the head of the queue, as its pieces.
          queue.poll();
          List<Ready> pieces = pieces(held.later().succeeded() ? held.later().result() : held.original());
          for (int i = pieces.size() - 1; i >= 0; i--) {
            queue.addFirst(pieces.get(i));
          }
          continue;
        }
        case Ready ready -> head = ready.piece();
      }
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
