package io.geminibalance.metrics;

import java.util.Locale;

/** How one upstream attempt ended: the {@code outcome} label of {@code gb_upstream_attempts_total}. */
public enum AttemptOutcome {
  /** A 2xx answer that counts. */
  SUCCESS,
  /** A 2xx answer without content (retried once on another key, or returned). */
  EMPTY_ANSWER,
  /** Google's quota refused the key (429). */
  RATE_LIMITED,
  /** The key was invalid, blocked, or failed for a reason that names it. */
  KEY_ERROR,
  /** The key's tier has no access to the model. */
  MODEL_UNAVAILABLE,
  /** Google answered 404. */
  NOT_FOUND,
  /** Google refused the request itself (a 4xx not held against the key). */
  CLIENT_ERROR,
  /** Google (or a proxy in BASE_URL) answered 5xx or 408. */
  SERVER_ERROR,
  /** No answer: connect failure, reset, timeout. */
  TRANSPORT_ERROR,
  /** A 2xx body that broke off or stalled while the gateway read it. */
  BROKEN_ANSWER,
  /** The client's streamed body broke off or broke a limit while it was sent upstream. */
  CLIENT_BODY_ERROR,
  /** Never sent: every upstream proxy (PROXIES) failed or refused the call. */
  PROXY_ERROR;

  private final String label = name().toLowerCase(Locale.ROOT);

  public String label() {
    return label;
  }
}
