package io.geminibalance.upstream;

import io.geminibalance.auth.ClientToken;
import io.geminibalance.auth.TokenLimiter;
import io.geminibalance.auth.TokenRefusal;
import io.geminibalance.metrics.RequestMeter;
import io.geminibalance.requestlog.AttemptLog;
import io.geminibalance.requestlog.AttemptRecord;
import io.geminibalance.requestlog.KeyIdentity;
import io.geminibalance.streaming.StreamCut;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The life of one client request across its upstream attempts. Lives on one event loop, so its
 * fields need no synchronisation.
 */
public final class RequestContext {
  private static final Logger LOG = LoggerFactory.getLogger(RequestContext.class);
  private static final AtomicLong SEQUENCE = new AtomicLong();

  private final String requestId;
  private final KeyIdentity client;
  /** The managed token the client authenticated with, or null (ALLOWED_TOKENS, the admin token). */
  private final ClientToken token;
  private final long startedMillis;
  private final RequestMeter meter;
  private HttpClientRequest inFlight;
  private boolean clientGone;
  private boolean emptyAnswerSeen;
  /** The gateway's shutdown state, or null outside the server (tests, jobs). */
  private final Drain drain;
  /** The attempt whose answer is being relayed, and its log: a cut at shutdown is recorded against it. */
  private AttemptRecord answering;
  private AttemptLog answeringLog;
  /** The managed token's concurrency slot, given back when the client goes (a Live session's end). */
  private TokenLimiter.Slot slot = TokenLimiter.Slot.NONE;
  /** Why the request was cut ({@link #cut}), or null. */
  private TokenRefusal cutBy;
  /** How a request that is not an upstream HTTP call stops when cut (a Live session), or null. */
  private Consumer<TokenRefusal> cutter;
  /** How a stream the surface keeps going itself (fake streaming's heartbeats) ends when cut, or null. */
  private Runnable streamEnd;
  /** HTTP/2 RST_STREAM code for a request given up; HTTP/1 closes the connection. */
  private static final long CANCEL = 8;
  /**
   * The surface reads a unary answer the client leaves to its end ({@link #readsAnswerAfterClose}):
   * once the attempt's answer has begun, the client's close does not reset it.
   */
  private boolean readsAnswerAfterClose;
  /** The attempt in flight has answered 2xx: its body is coming. */
  private boolean answerBegun;
  /**
   * When that answer's body has been received whole or has failed; only when it would be read on
   * ({@link #readsAnswerAfterClose}), else null.
   */
  private Future<Void> answerEnd;
  /** Completed when the client goes; made only when asked for. */
  private Promise<Void> gone;

  public RequestContext(KeyIdentity client, long startedMillis) {
    this(newId(startedMillis), client, startedMillis, null, RequestMeter.NONE);
  }

  /**
   * @param requestId the client's X-Request-Id when it was usable, else one of {@link #newId}
   * @param drain the server's shutdown state: a request the shutdown cuts records it
   * @param meter where this request's timings and upstream attempts go
   */
  public RequestContext(String requestId, KeyIdentity client, long startedMillis, Drain drain, RequestMeter meter) {
    this(requestId, client, null, startedMillis, drain, meter);
  }

  /** @param token the managed token the client authenticated with (its models are checked), or null */
  public RequestContext(String requestId, KeyIdentity client, ClientToken token, long startedMillis, Drain drain,
      RequestMeter meter) {
    this.requestId = requestId;
    this.token = token;
    this.meter = meter;
    this.client = client;
    this.startedMillis = startedMillis;
    this.drain = drain;
  }

  /**
   * A request id of the gateway's own: the time in base 36 and a process-wide sequence, short and
   * unique within the process (and across restarts, by the time).
   */
  public static String newId(long nowMillis) {
    return Long.toString(nowMillis, 36) + "-" + Long.toString(SEQUENCE.incrementAndGet(), 36);
  }

  /** The error-log message of a request cut at shutdown. */
  public static final String CUT_MESSAGE =
      "cut at shutdown: still running when SHUTDOWN_GRACE_SECONDS ran out";

  public String requestId() {
    return requestId;
  }

  /** Who called, as stored in logs (fingerprint and last 4 characters), or null. */
  public KeyIdentity client() {
    return client;
  }

  /**
   * Gives {@code held} back when the client goes ({@link #clientClosed}): what ends a Live session,
   * whose HTTP response never ends. Releasing a slot twice does nothing, so the server's own
   * release at the response's end may come too.
   */
  public void releasesOnClose(TokenLimiter.Slot held) {
    this.slot = held == null ? TokenLimiter.Slot.NONE : held;
  }

  /** The managed token of the request, or null: then every model is allowed. */
  public ClientToken token() {
    return token;
  }

  public long startedMillis() {
    return startedMillis;
  }

  /** Where this request's metrics go ({@link RequestMeter#NONE} when metrics are off). */
  public RequestMeter meter() {
    return meter;
  }

  /** Remembers the attempt in flight; reset at once if the client has already gone. */
  public void attach(HttpClientRequest request) {
    this.inFlight = request;
    this.answerBegun = false;
    this.answerEnd = null;
    if (clientGone) {
      request.reset();
    }
  }

  /**
   * The surface reads a unary answer to its end even when the client leaves during it: Google
   * bills the whole answer, and its usage comes last in the body. Before the answer's headers, the
   * client's close still cancels the attempt (nothing is billed for an answer not yet begun, as
   * far as can be told), and so does the gateway's shutdown. Returns what completes when the
   * client goes, for the relay to stop waiting on a client that will never drain.
   */
  public Future<Void> readsAnswerAfterClose() {
    readsAnswerAfterClose = true;
    if (gone == null) {
      gone = Promise.promise();
      if (clientGone) {
        gone.complete();
      }
    }
    return gone.future();
  }

  /** The attempt in flight answered 2xx with {@code response}, still paused: its body is coming. */
  void answerBegins(HttpClientResponse response) {
    answerBegun = true;
    answerEnd = readsAnswerAfterClose ? endOf(response) : null;
  }

  /**
   * When {@code response}'s body ends or fails. Asked while it is paused, before any of it is
   * read: Vert.x completes this future only for an end still to come, and refuses to give one for
   * a response that has ended (then it has).
   */
  private static Future<Void> endOf(HttpClientResponse response) {
    try {
      return response.end();
    } catch (IllegalStateException ended) {
      return Future.succeededFuture();
    }
  }

  /**
   * Whether the client's close (now, or when it comes) leaves the answer in flight to be read to
   * its end ({@link #readsAnswerAfterClose}); the client's token keeps its concurrency slot until
   * then, given back by {@link #clientClosed} when that answer ends, not by the close.
   */
  public boolean readsOnAfterClose() {
    return readsAnswerAfterClose && answerBegun && answerEnd != null && inFlight != null
        && (drain == null || !drain.cutting());
  }

  /** The executor hands the answer of {@code record}'s attempt to the surface, to relay. */
  void answering(AttemptRecord record, AttemptLog log) {
    this.answering = record;
    this.answeringLog = log;
  }

  /**
   * The client went away: cancel whatever is in flight upstream. When it is the gateway's shutdown
   * that closed the connection (the grace is over), the cut is logged and, for an answer that had
   * begun, recorded in the error log under the request's id: its request-log row says the attempt
   * answered, this row says the client did not get the whole of it.
   */
  public void clientClosed() {
    Runnable cut = !clientGone && readsOnAfterClose() ? cutLeftAnswer(inFlight) : null;
    // The drain bounds how many such reads the whole gateway keeps (see Drain).
    boolean readOn = cut != null && (drain == null || drain.tryReadingLeftAnswer(cut));
    if (readOn) {
      // The gateway still works for this client, reading its answer: its token's concurrency slot
      // bounds how many such reads it can leave behind, as it bounds its requests.
      TokenLimiter.Slot held = slot;
      answerEnd.onComplete(ar -> {
        held.release();
        if (drain != null) {
          drain.leftAnswerDone(cut);
        }
      });
    } else {
      slot.release();
    }
    if (!clientGone && drain != null && drain.cutting()) {
      LOG.warn("request {}: cut at shutdown, still running when SHUTDOWN_GRACE_SECONDS ran out", requestId);
      if (answering != null) {
        answeringLog.cut(answering, 503, CUT_MESSAGE);
      }
    }
    clientGone = true;
    if (inFlight != null && !readOn) {
      inFlight.reset();
    }
    if (gone != null) {
      gone.tryComplete();
    }
  }

  /** Resets a left answer's read on its own event loop (the shutdown calls it from another thread). */
  private static Runnable cutLeftAnswer(HttpClientRequest request) {
    io.vertx.core.Context context = io.vertx.core.Vertx.currentContext();
    return () -> {
      if (context == null) {
        request.reset();
      } else {
        context.runOnContext(v -> request.reset());
      }
    };
  }

  /**
   * How this request stops when its token stops being valid, in place of resetting its upstream
   * call: a Live session closes both of its sockets.
   */
  public void cutsWith(Consumer<TokenRefusal> how) {
    this.cutter = how;
  }

  /**
   * How a stream the surface keeps going on its own while it waits for Google (fake streaming's
   * heartbeats) ends when the request is cut: at once, with the surface's cut event, even when
   * nothing is in flight upstream to reset (the request waits for a free key, or between attempts).
   */
  public void endsStreamOnCut(Runnable end) {
    this.streamEnd = end;
  }

  /** Whether {@link #cutsWith} says how this request stops (then the server sends it nothing itself). */
  public boolean cutsItself() {
    return cutter != null;
  }

  /**
   * The request's managed token stopped being valid (revoked, disabled, expired): nothing more is
   * done for it, as if its client had gone. An answer being relayed is recorded as cut (an
   * error-log row beside its attempt's request-log row, as for a cut at shutdown); the upstream
   * call in flight is reset with a {@link StreamCut}, which a stream's relay turns into a final
   * error event in the caller's shape and a body's into a closed connection. On the request's
   * event loop.
   *
   * @return whether there was something to stop: a session, an upstream call in flight, or a
   *     stream the surface ends itself ({@link #endsStreamOnCut})
   */
  public boolean cut(TokenRefusal why) {
    if (cutBy != null || clientGone) {
      return true;
    }
    recordCut(why);
    if (cutter != null) {
      cutter.accept(why);
      return true;
    }
    clientGone = true;
    boolean stopped = false;
    if (inFlight != null) {
      inFlight.reset(CANCEL, streamCut());
      stopped = true;
    }
    if (streamEnd != null) {
      streamEnd.run();
      stopped = true;
    }
    return stopped;
  }

  /**
   * As {@link #cut}, for a request whose client has had the start of its answer, when that answer
   * is a unary one read to its end after its client leaves ({@link #readsOnAfterClose}): Google
   * bills it whole and writes its usage last, and the pool has paid for it, so the upstream call is
   * not reset. The cut is recorded as {@link #cut} records it; the caller then closes the client's
   * connection, and that close ({@link #clientClosed}) reads the answer on exactly as for a client
   * that left (64 MiB cap, TIME_OUT, the token's slot held until the read ends, the shutdown
   * waiting for it), so its row gets the usage and the token is charged for it.
   *
   * @return false, having done nothing, when there is no such answer (or the request was cut or
   *     gone already): then {@link #cut} applies
   */
  public boolean cutReadingOn(TokenRefusal why) {
    if (cutBy != null || clientGone || cutter != null || !readsOnAfterClose()) {
      return false;
    }
    recordCut(why);
    return true;
  }

  /** Notes the cut and records the answer being relayed as cut (an error-log row beside its request-log row). */
  private void recordCut(TokenRefusal why) {
    cutBy = why;
    LOG.debug("request {}: cut, {}", requestId, why.message());
    if (answering != null) {
      answeringLog.cut(answering, why.status(), "cut: " + why.message());
    }
  }

  /** Why the request was cut, or null while it was not. */
  public TokenRefusal cutBy() {
    return cutBy;
  }

  /** The cut as a stream's relay renders it ({@link StreamCut}), or null while the request was not cut. */
  public StreamCut streamCut() {
    return cutBy == null ? null : new StreamCut(cutBy.status(), cutBy.message());
  }

  public boolean clientGone() {
    return clientGone;
  }

  /** True the first time only: an empty answer is retried once per request, not once per key. */
  boolean firstEmptyAnswer() {
    boolean first = !emptyAnswerSeen;
    emptyAnswerSeen = true;
    return first;
  }
}
