package io.geminibalance.streaming;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpServerResponse;
import java.io.IOException;
import java.util.concurrent.TimeoutException;

/**
 * Moves a paused upstream body to the client as it arrives, through a {@link ChunkTransformer},
 * with back-pressure: when the client's write queue is full the upstream read pauses until the
 * client drains, so a slow reader holds only a bounded amount of memory.
 *
 * <p>An idle watchdog covers the body: the upstream request's own idle timeout stops applying once
 * the response headers are in, so an upstream that goes silent mid-body would otherwise hold the
 * client forever. After {@code idleTimeoutMillis} without upstream bytes (not counting time paused
 * for a slow client) the relay ends as if the upstream had broken: the transformer's error event
 * (SSE) or a reset (raw bodies), and the upstream request is reset.
 *
 * <p>The same watch keeps SSE bodies alive: after {@code keepaliveMillis} without upstream bytes
 * the transformer's keepalive (an SSE comment) is written, so a proxy that cuts idle connections
 * does not cut a model that is thinking. It is written between the transformer's whole events,
 * skipped while the client's write queue is full, never after the end, and it is not upstream
 * activity: TIME_OUT still counts from the last upstream byte.
 */
public final class BodyRelay {
  /**
   * HTTP/2 RST_STREAM code for a request given up, and for a client's answer broken off (the
   * default, NO_ERROR, would tell the client the answer had ended normally); HTTP/1 closes the
   * connection whatever the code.
   */
  static final long CANCEL = 8;
  /** {@link #collect} sizes its buffer from Content-Length up to this; larger bodies grow as they come. */
  private static final long COLLECT_PRESIZE_MAX_BYTES = 256 * 1024;
  /**
   * How much of a unary answer the client has left is still read for its usage (and discarded):
   * far more than any generateContent answer (images included), so that a broken or hostile
   * upstream cannot keep a connection busy for nobody beyond this, besides TIME_OUT's watch.
   */
  public static final long ABANDONED_READ_MAX_BYTES = 64L * 1024 * 1024;

  private BodyRelay() {}

  /**
   * Starts relaying. The returned future completes when the client response has ended (or was
   * reset); it fails with the upstream error when the stream broke or went silent for
   * {@code idleTimeoutMillis} (0: no watchdog). Call it on the client request's event loop.
   */
  public static Future<Void> relay(HttpClientResponse upstream, HttpServerResponse client,
      ChunkTransformer transformer, long idleTimeoutMillis) {
    return relay(upstream, client, transformer, idleTimeoutMillis, 0, null);
  }

  /**
   * As {@link #relay(HttpClientResponse, HttpServerResponse, ChunkTransformer, long)}, and after
   * each {@code keepaliveMillis} of upstream silence (0: never) the transformer's
   * {@link ChunkTransformer#keepalive()} goes to the client, when it has one.
   */
  public static Future<Void> relay(HttpClientResponse upstream, HttpServerResponse client,
      ChunkTransformer transformer, long idleTimeoutMillis, long keepaliveMillis) {
    return relay(upstream, client, transformer, idleTimeoutMillis, keepaliveMillis, null);
  }

  /**
   * As {@link #relay(HttpClientResponse, HttpServerResponse, ChunkTransformer, long, long)}, with
   * the transformer's events written through {@code optimizer} ({@link PacedWriter}); null: as
   * they come. The upstream read waits while pieces are pending; keepalives are skipped then.
   */
  public static Future<Void> relay(HttpClientResponse upstream, HttpServerResponse client,
      ChunkTransformer transformer, long idleTimeoutMillis, long keepaliveMillis, StreamOptimizer optimizer) {
    return relay(upstream, client, transformer, idleTimeoutMillis, keepaliveMillis, optimizer, null);
  }

  /**
   * As {@link #relay(HttpClientResponse, HttpServerResponse, ChunkTransformer, long, long, StreamOptimizer)},
   * and an event {@code hold} takes ({@link EventHold}) waits for its work, later events behind it,
   * while the upstream read waits; null: no event is held. With neither an optimizer nor a hold the
   * events are written as they come, with no stage in between.
   */
  public static Future<Void> relay(HttpClientResponse upstream, HttpServerResponse client,
      ChunkTransformer transformer, long idleTimeoutMillis, long keepaliveMillis, StreamOptimizer optimizer,
      EventHold hold) {
    return relay(upstream, client, transformer, idleTimeoutMillis, keepaliveMillis, optimizer, hold, null);
  }

  /**
   * As {@link #relay(HttpClientResponse, HttpServerResponse, ChunkTransformer, long, long, StreamOptimizer, EventHold)},
   * every upstream chunk also offered to {@code tap} (null: none) as it arrives, before anything
   * is written: so the usage reported so far is known however the relay ends.
   */
  public static Future<Void> relay(HttpClientResponse upstream, HttpServerResponse client,
      ChunkTransformer transformer, long idleTimeoutMillis, long keepaliveMillis, StreamOptimizer optimizer,
      EventHold hold, UsageTap tap) {
    // Paced on the stream's own context; off any context (never on the data plane) it is not paced.
    io.vertx.core.Context context = io.vertx.core.Vertx.currentContext();
    return relay(upstream, client, transformer, idleTimeoutMillis, keepaliveMillis, null,
        (optimizer == null && hold == null) || context == null ? null
            : new PacedWriter(context.owner(), client, optimizer, hold), null, tap);
  }

  /**
   * As {@link #relay(HttpClientResponse, HttpServerResponse, ChunkTransformer, long, long)}, for a
   * body whose first bytes, {@code head}, were already read off {@code upstream}
   * ({@link #collectUpTo}): they go first, through the transformer, then the rest as it comes.
   */
  public static Future<Void> relay(Buffer head, HttpClientResponse upstream, HttpServerResponse client,
      ChunkTransformer transformer, long idleTimeoutMillis, long keepaliveMillis) {
    return relay(head, upstream, client, transformer, idleTimeoutMillis, keepaliveMillis, null);
  }

  /** As {@link #relay(Buffer, HttpClientResponse, HttpServerResponse, ChunkTransformer, long, long)}, the head and every chunk offered to {@code tap} (null: none). */
  public static Future<Void> relay(Buffer head, HttpClientResponse upstream, HttpServerResponse client,
      ChunkTransformer transformer, long idleTimeoutMillis, long keepaliveMillis, UsageTap tap) {
    return relay(upstream, client, transformer, idleTimeoutMillis, keepaliveMillis, null, null, head, tap);
  }

  /**
   * Relays a body the client gets unchanged and whole: held until its end, then written at once.
   * Only for bodies whose (small) length is known, {@code declaredLength}; no transformer applies.
   */
  public static Future<Void> relayWhole(HttpClientResponse upstream, HttpServerResponse client,
      long declaredLength, long idleTimeoutMillis) {
    return relayWhole(upstream, client, declaredLength, idleTimeoutMillis, null);
  }

  /** As {@link #relayWhole(HttpClientResponse, HttpServerResponse, long, long)}, every chunk offered to {@code tap} (null: none). */
  public static Future<Void> relayWhole(HttpClientResponse upstream, HttpServerResponse client,
      long declaredLength, long idleTimeoutMillis, UsageTap tap) {
    return relay(upstream, client, ChunkTransformer.IDENTITY, idleTimeoutMillis, 0,
        new WholeBody(declaredLength), null, null, tap);
  }

  /**
   * Reads a paused upstream body whole, for answers the gateway rewrites before the client sees
   * them. Unlike {@code HttpClientResponse.body()} it has the idle watchdog: a body silent for
   * {@code idleTimeoutMillis} (0: no watchdog) fails the future with a {@link TimeoutException}
   * and resets the upstream request. A body that arrives in one chunk is not copied.
   */
  public static Future<Buffer> collect(HttpClientResponse upstream, long idleTimeoutMillis) {
    return read(upstream, idleTimeoutMillis, Long.MAX_VALUE, null).map(Prefix::bytes);
  }

  /**
   * As {@link #collect(HttpClientResponse, long)}, for a body whose first bytes, {@code head},
   * were already read off {@code upstream} ({@link #collectUpTo}); the result starts with them.
   */
  public static Future<Buffer> collect(Buffer head, HttpClientResponse upstream, long idleTimeoutMillis) {
    return read(upstream, idleTimeoutMillis, Long.MAX_VALUE, head).map(Prefix::bytes);
  }

  /**
   * The first bytes of a body: all of it ({@code complete}), or, for a body that went past the
   * bound it was read to, what was read so far, the rest still to come from the paused upstream.
   */
  public record Prefix(Buffer bytes, boolean complete) {}

  /**
   * Reads a paused upstream body as {@link #collect(HttpClientResponse, long)} does, but only
   * while it stays within {@code maxBytes}: once it goes past (by at most the chunk that crossed
   * the bound) the upstream is paused again and what was read is handed back, not complete; the
   * caller relays it and then the rest ({@link #relay(Buffer, HttpClientResponse, HttpServerResponse,
   * ChunkTransformer, long, long)}) or reads on ({@link #collect(Buffer, HttpClientResponse, long)}).
   */
  public static Future<Prefix> collectUpTo(HttpClientResponse upstream, long maxBytes, long idleTimeoutMillis) {
    return read(upstream, idleTimeoutMillis, maxBytes, null);
  }

  private static Future<Prefix> read(HttpClientResponse upstream, long idleTimeoutMillis, long maxBytes,
      Buffer head) {
    Promise<Prefix> done = Promise.promise();
    // Content-Length comes from the upstream: a bogus huge one must not size an allocation.
    WholeBody whole = new WholeBody(Math.min(declaredLength(upstream), Math.min(maxBytes, COLLECT_PRESIZE_MAX_BYTES)));
    long[] read = {0};
    if (head != null) {
      whole.add(head);
      read[0] = head.length();
    }
    IdleWatchdog.Watch watch = IdleWatchdog.watch(idleTimeoutMillis, () -> {
      TimeoutException idle = silentFor(idleTimeoutMillis);
      if (done.tryFail(idle)) {
        upstream.request().reset(CANCEL, idle);
      }
    });
    upstream.handler(chunk -> {
      watch.touch();
      // A chunk delivered after the pause below (none should be) still belongs to the prefix.
      whole.add(chunk);
      read[0] += chunk.length();
      if (read[0] > maxBytes && !done.future().isComplete()) {
        upstream.pause();
        watch.stop();
        done.complete(new Prefix(whole.body(), false));
      }
    });
    upstream.endHandler(v -> {
      watch.stop();
      done.tryComplete(new Prefix(whole.body(), true));
    });
    upstream.exceptionHandler(err -> {
      watch.stop();
      done.tryFail(err);
    });
    upstream.resume();
    return done.future();
  }

  private static TimeoutException silentFor(long idleTimeoutMillis) {
    return new TimeoutException("no data from upstream for " + idleTimeoutMillis + " ms");
  }

  /** The upstream's Content-Length, or -1 when absent or unreadable. */
  public static long declaredLength(HttpClientResponse upstream) {
    return WholeBody.parseLength(upstream.getHeader("content-length"));
  }

  private static Future<Void> relay(HttpClientResponse upstream, HttpServerResponse client,
      ChunkTransformer transformer, long idleTimeoutMillis, long keepaliveMillis, WholeBody whole,
      PacedWriter paced, Buffer head, UsageTap tap) {
    Promise<Void> done = Promise.promise();
    Runnable keepalive = whole == null && keepaliveMillis > 0 && transformer.keepalive() != null
        ? () -> keepalive(done, client, transformer, paced) : null;
    IdleWatchdog.Watch watch = IdleWatchdog.watch(idleTimeoutMillis, () -> {
      TimeoutException idle = silentFor(idleTimeoutMillis);
      if (done.tryFail(idle)) {
        endAfterFailure(client, transformer, idle, paced);
        upstream.request().reset(CANCEL, idle);
      }
    }, keepaliveMillis, keepalive);
    // Whether the upstream waits for the client to drain: the head's write may leave it so.
    boolean[] held = {false};
    // An answer read to its end after the client left: a client that has gone never drains.
    Future<Void> left = tap == null ? null : tap.clientLeft();
    long[] readAfterLeft = {0};
    if (left != null) {
      left.onComplete(v -> {
        if (held[0] && paced == null) {
          held[0] = false;
          watch.resume();
          upstream.resume();
        }
      });
    }
    // A small body of known length is held and written with the end: one write and one flush
    // instead of a write per chunk plus an end. Streams and large bodies flow through as they come.
    Handler<Buffer> onChunk = chunk -> {
      watch.touch();
      if (tap != null) {
        tap.add(chunk);
      }
      if (client.closed()) {
        readAfterLeft[0] += chunk.length();
        if (left != null && readAfterLeft[0] > ABANDONED_READ_MAX_BYTES) {
          IOException tooLong = new IOException("answer left by the client still going after "
              + ABANDONED_READ_MAX_BYTES + " bytes");
          if (done.tryFail(tooLong)) {
            watch.stop();
            upstream.request().reset(CANCEL, tooLong);
          }
        }
        return;
      }
      if (whole != null) {
        whole.add(chunk);
        return;
      }
      if (paced != null) {
        paced.write(transformer.onChunk(chunk));
        if (paced.busy()) {
          upstream.pause();
          // Beats go on: keepalive() writes one only while the writer just waits for a held event.
          watch.pauseBeating();
          held[0] = true;
          paced.whenIdle(() -> {
            held[0] = false;
            watch.resume();
            upstream.resume();
          });
        }
        return;
      }
      for (Buffer out : transformer.onChunk(chunk)) {
        client.write(out);
      }
      if (client.writeQueueFull()) {
        upstream.pause();
        watch.pause();
        held[0] = true;
        client.drainHandler(v -> {
          held[0] = false;
          watch.resume();
          upstream.resume();
        });
      }
    };
    upstream.handler(onChunk);
    upstream.endHandler(v -> {
      watch.stop();
      if (!client.closed() && !client.ended()) {
        if (whole != null) {
          client.end(whole.body());
        } else if (paced != null) {
          paced.write(transformer.onEnd());
          paced.end();
        } else {
          for (Buffer out : transformer.onEnd()) {
            client.write(out);
          }
          client.end();
        }
      }
      done.tryComplete();
    });
    upstream.exceptionHandler(err -> {
      watch.stop();
      if (done.tryFail(err)) {
        endAfterFailure(client, transformer, err, paced);
      }
    });
    if (head != null) {
      onChunk.handle(head);
    }
    if (!held[0]) {
      upstream.resume();
    }
    return done.future();
  }

  /**
   * Runs on the stream's context between upstream chunks, so never inside an event. A full write
   * queue skips the beat: the client has bytes coming already, and more would only add memory.
   */
  private static void keepalive(Promise<Void> done, HttpServerResponse client, ChunkTransformer transformer,
      PacedWriter paced) {
    if (done.future().isComplete() || client.closed() || client.ended() || client.writeQueueFull()
        || (paced != null && paced.busy() && !paced.onlyHolding())) {
      return;
    }
    Buffer beat = transformer.keepalive();
    if (beat != null) {
      client.write(beat);
    }
  }

  private static void endAfterFailure(HttpServerResponse client, ChunkTransformer transformer,
      Throwable err, PacedWriter paced) {
    if (client.closed() || client.ended()) {
      if (paced != null) {
        paced.endNow(null); // drops what is pending and stops held work: nobody will read it
      }
      return;
    }
    StreamCut cut = StreamCut.in(err);
    Buffer errorEvent = cut != null ? transformer.onCut(cut) : transformer.onFailure(err);
    if (paced != null) {
      paced.endNow(errorEvent);
      return;
    }
    if (errorEvent == null) {
      client.reset(CANCEL);
    } else {
      client.end(errorEvent);
    }
  }
}
