package io.geminibalance.metrics;

/**
 * The timings of one client request, for {@link GatewayMetrics}: started by the server when the
 * request comes in, told by the executor which model it asked for, how long each upstream attempt
 * and each wait for a key took and how the attempts ended, and by the server when the response's
 * headers went out and when it ended. Lives on the request's event loop, so its fields need no
 * synchronisation. {@link #NONE} (metrics off) records nothing and costs one branch per call.
 */
public final class RequestMeter {
  /** Records nothing: metrics are off, or the call is the gateway's own (model list, key checks). */
  public static final RequestMeter NONE = new RequestMeter(null, null, 0);
  /** Where the server keeps a request's meter on its routing context. */
  public static final String KEY = "gb.requestMeter";

  private final GatewayMetrics metrics;
  private final Surface surface;
  private final long startNanos;
  private long bodyReadNanos;
  private long attemptStartNanos;
  private long upstreamNanos;
  private long waitNanos;
  private long firstByteNanos = -1;
  private long overheadNanos = -1;
  private String model;
  private boolean refusedByGateway;
  private AttemptOutcome lastOutcome;
  private boolean ended;

  RequestMeter(GatewayMetrics metrics, Surface surface, long startNanos) {
    this.metrics = metrics;
    this.surface = surface;
    this.startNanos = startNanos;
  }

  /** Whether this meter records: callers skip reading the clock when it does not. */
  public boolean on() {
    return metrics != null;
  }

  /** The body is read and the request goes to its surface: the gateway's own time starts here. */
  public void bodyRead() {
    if (metrics != null) {
      bodyReadNanos = System.nanoTime();
    }
  }

  /** The model the request asked the pool for (the last one, should it ask twice). */
  public void model(String name) {
    if (metrics != null) {
      model = name;
    }
  }

  /** A wait for a key begins: pass the result to {@link #waited(long)}; 0 when off. */
  public long waitStarted() {
    return metrics == null ? 0 : System.nanoTime();
  }

  /** The request waited in the key queue since {@code sinceNanos} (from {@link #waitStarted()}). */
  public void waited(long sinceNanos) {
    if (metrics != null) {
      long nanos = System.nanoTime() - sinceNanos;
      waitNanos += nanos;
      metrics.queueWait(nanos);
    }
  }

  /** An upstream attempt is sent now. */
  public void attemptStarted() {
    if (metrics != null) {
      attemptStartNanos = System.nanoTime();
    }
  }

  /** The attempt sent last ended as {@code outcome}; attempt 1 is the first try, 2 the first retry. */
  public void attemptEnded(String attemptModel, AttemptOutcome outcome, int attempt) {
    if (metrics == null || attemptStartNanos == 0) {
      return;
    }
    long nanos = System.nanoTime() - attemptStartNanos;
    attemptStartNanos = 0;
    upstreamNanos += nanos;
    lastOutcome = outcome;
    metrics.attempt(attemptModel, outcome, attempt, nanos);
  }

  /**
   * The tokens an answer of {@code attemptModel} used, as Google reported them (null: not
   * reported); added to the token counters by kind.
   */
  public void tokens(String attemptModel, Integer prompt, Integer cached, Integer output, Integer thinking) {
    if (metrics != null) {
      metrics.tokens(attemptModel, prompt, cached, output, thinking);
    }
  }

  /** The gateway's own pool refused the request (no key now, none within the wait): its 429. */
  public void refusedByGateway() {
    if (metrics != null) {
      refusedByGateway = true;
    }
  }

  /**
   * The response's headers go out: the client's first byte. The gateway's overhead is the time
   * since the body was read less the upstream attempts and the waits for a key; not known when
   * the headers go out while an attempt runs (a fake stream's heartbeats, a Live session).
   */
  public void headersWritten() {
    if (metrics == null || firstByteNanos >= 0) {
      return;
    }
    long now = System.nanoTime();
    firstByteNanos = now - startNanos;
    if (bodyReadNanos != 0 && attemptStartNanos == 0) {
      overheadNanos = Math.max(0, now - bodyReadNanos - upstreamNanos - waitNanos);
    }
  }

  /** The response ended (or the connection closed before it did: {@code status} 499). */
  public void ended(int status) {
    if (metrics == null || ended) {
      return;
    }
    ended = true;
    boolean gatewayAnswered429 = refusedByGateway || lastOutcome != AttemptOutcome.RATE_LIMITED;
    metrics.request(surface, model, status, System.nanoTime() - startNanos, firstByteNanos, overheadNanos,
        gatewayAnswered429);
  }
}
