package io.geminibalance.upstream;

import io.geminibalance.metrics.RequestMeter;
import io.geminibalance.requestlog.KeyIdentity;
import io.vertx.core.http.HttpClientRequest;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The life of one client request across its upstream attempts. Lives on one event loop, so its
 * fields need no synchronisation.
 */
public final class RequestContext {
  private static final AtomicLong SEQUENCE = new AtomicLong();

  private final String requestId;
  private final KeyIdentity client;
  private final long startedMillis;
  private final RequestMeter meter;
  private HttpClientRequest inFlight;
  private boolean clientGone;
  private boolean emptyAnswerSeen;

  public RequestContext(KeyIdentity client, long startedMillis) {
    this(client, startedMillis, RequestMeter.NONE);
  }

  /** A request whose timings and upstream attempts go to {@code meter}. */
  public RequestContext(KeyIdentity client, long startedMillis, RequestMeter meter) {
    this.meter = meter;
    this.requestId = Long.toString(startedMillis, 36) + "-" + Long.toString(SEQUENCE.incrementAndGet(), 36);
    this.client = client;
    this.startedMillis = startedMillis;
  }

  public String requestId() {
    return requestId;
  }

  /** Who called, as stored in logs (fingerprint and last 4 characters), or null. */
  public KeyIdentity client() {
    return client;
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
    if (clientGone) {
      request.reset();
    }
  }

  /** The client went away: cancel whatever is in flight upstream. */
  public void clientClosed() {
    clientGone = true;
    if (inFlight != null) {
      inFlight.reset();
    }
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
