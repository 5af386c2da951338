package io.geminibalance.server;

import io.geminibalance.streaming.IdleWatchdog;
import io.geminibalance.streaming.WholeBody;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.impl.RoutingContextInternal;
import java.util.function.LongSupplier;

/**
 * Reads a request body whole before the route's next handler, as vertx-web's BodyHandler does,
 * minus what the data plane never uses (forms, file uploads) and minus a copy: BodyHandler copies
 * every body into a buffer of its own, although Vert.x already hands each chunk over as a heap
 * buffer. A body that arrives in one chunk (nearly all JSON requests) is kept as that chunk; that
 * buffer was the largest allocation per native request (about a fifth of the bytes, by JFR).
 *
 * <p>Runs after authentication, on a request that {@link Intake} paused: nothing of the body is
 * read before the caller is known. Bodies over the limit (MAX_REQUEST_BODY_MB) fail the route with
 * 413, by their Content-Length before any byte is read, or as soon as the bytes read pass the
 * limit. Several chunks are joined without trusting Content-Length for the size. A client that
 * sends no body byte for CLIENT_BODY_TIMEOUT_SECONDS while the body is read, or has not sent it
 * whole within CLIENT_BODY_DEADLINE_SECONDS, fails the route with 408 ({@link #STALLED} or
 * {@link #PAST_DEADLINE}); both are watched by the per-event-loop sweep of {@link IdleWatchdog},
 * not a timer per request. A body the connection breaks off fails it with 400
 * ({@link #isUnreadable}). The routes answer those failures without reading the rest
 * ({@link Rejections}).
 *
 * <p>This is for bodies read whole. Endpoints that stream a body through (uploads) need their own
 * reader, with a cap of their own, instead of this one.
 */
final class RequestBody implements Handler<RoutingContext> {
  /** The failure of a 408 for a pause longer than CLIENT_BODY_TIMEOUT_SECONDS. */
  static final Exception STALLED = new Failure("no request body bytes within the body timeout", null);
  /** The failure of a 408 for a body not whole within CLIENT_BODY_DEADLINE_SECONDS. */
  static final Exception PAST_DEADLINE = new Failure("request body not complete within the body deadline", null);

  private final LongSupplier limitBytes;
  private final long idleTimeoutMillis;
  private final long deadlineMillis;

  /**
   * @param limitBytes the body limit in force (read per request: the setting is live)
   * @param idleTimeoutMillis longest pause between body bytes; 0 waits for ever
   * @param deadlineMillis longest time to read a body whole; 0 waits for ever
   */
  RequestBody(LongSupplier limitBytes, long idleTimeoutMillis, long deadlineMillis) {
    this.limitBytes = limitBytes;
    this.idleTimeoutMillis = idleTimeoutMillis;
    this.deadlineMillis = deadlineMillis;
  }

  /** A fixed limit and no timeouts (tests). */
  RequestBody(long limitBytes) {
    this(() -> limitBytes, 0, 0);
  }

  /** Whether a route failed because the connection broke off or garbled the body (a 400 of its own). */
  static boolean isUnreadable(Throwable failure) {
    return failure instanceof Failure && failure.getCause() != null;
  }

  /** A body failure; no stack trace (it is the client's doing, answered, never logged). */
  private static final class Failure extends Exception {
    Failure(String message, Throwable cause) {
      super(message, cause, false, false);
    }
  }

  @Override
  public void handle(RoutingContext rc) {
    RoutingContextInternal internal = (RoutingContextInternal) rc;
    if (internal.seenHandler(RoutingContextInternal.BODY_HANDLER)) {
      rc.next();
      return;
    }
    internal.visitHandler(RoutingContextInternal.BODY_HANDLER);
    HttpServerRequest request = rc.request();
    long limit = limitBytes.getAsLong();
    if (declaredLength(request) > limit) {
      rc.fail(413);
      return;
    }
    if (request.isEnded()) {
      internal.setBody(Buffer.buffer());
      rc.next();
      return;
    }
    String expect = request.getHeader("expect");
    if (expect != null && request.version() != HttpVersion.HTTP_1_0) {
      if (!"100-continue".equalsIgnoreCase(expect)) {
        rc.fail(417);
        return;
      }
      rc.response().writeContinue();
    }
    new Reader(rc, internal, limit).start(request, idleTimeoutMillis, deadlineMillis);
  }

  /** Content-Length, or -1 when absent or not a number (then only the bytes read count). */
  private static long declaredLength(HttpServerRequest request) {
    return WholeBody.parseLength(request.getHeader("content-length"));
  }

  /**
   * One request's body on its way in; all callbacks run on the request's event loop. It is also
   * the action of its idle watch ({@link #run}), one allocation less per request.
   */
  private static final class Reader implements Runnable {
    private final RoutingContext rc;
    private final RoutingContextInternal internal;
    private final long limitBytes;
    private final WholeBody body = new WholeBody(-1);
    private long received;
    private IdleWatchdog.Watch watch = IdleWatchdog.Watch.NONE;
    /**
     * The route has moved on: the body is complete, too large, or broken. Later chunks, the end
     * and errors (e.g. a connection lost while the answer streams) are no longer this reader's.
     */
    private boolean settled;

    Reader(RoutingContext rc, RoutingContextInternal internal, long limitBytes) {
      this.rc = rc;
      this.internal = internal;
      this.limitBytes = limitBytes;
    }

    void start(HttpServerRequest request, long idleTimeoutMillis, long deadlineMillis) {
      request.handler(chunk -> {
        if (settled) {
          return;
        }
        watch.touch();
        received += chunk.length();
        if (received > limitBytes) {
          settle();
          rc.fail(413);
          return;
        }
        body.add(chunk);
      });
      // A malformed body, or a connection or stream lost mid-body: the client's doing (400), and
      // the route fails so nothing waits for an end that will not come.
      request.exceptionHandler(err -> {
        if (!settled) {
          settle();
          rc.fail(400, new Failure("the request body could not be read", err));
        }
      });
      request.endHandler(v -> {
        if (!settled) {
          settle();
          internal.setBody(body.body());
          rc.next();
        }
      });
      watch = IdleWatchdog.watch(idleTimeoutMillis, deadlineMillis, this);
      request.resume();
    }

    /** No body byte for the idle timeout, or the body not whole by its deadline: 408. */
    @Override
    public void run() {
      if (!settled) {
        boolean late = watch.pastDeadline();
        settle();
        rc.fail(408, late ? PAST_DEADLINE : STALLED);
      }
    }

    private void settle() {
      settled = true;
      watch.stop();
    }
  }
}
