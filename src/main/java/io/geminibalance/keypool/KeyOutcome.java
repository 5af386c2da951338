package io.geminibalance.keypool;

import java.time.Duration;

/**
 * What one upstream attempt taught us about the key (and model) it used. Produced by the
 * upstream classifier from the HTTP status and Google's error body; consumed by the pool.
 */
public sealed interface KeyOutcome {

  /** The key answered; clears its failure count and any cooldown for the model. */
  record Success() implements KeyOutcome {}

  /** The key itself is dead (API_KEY_INVALID, expired, its project gone): disable it at once. */
  record KeyInvalid(String reason) implements KeyOutcome {}

  /**
   * The key works but its project or restrictions refuse the API (service or billing disabled,
   * project suspended, API restrictions): disable it at once; unlike a dead key, its owner can
   * fix this, and the periodic re-check then brings it back.
   */
  record KeyBlocked(String reason) implements KeyOutcome {}

  /**
   * A reason that names the key but that the classifier does not know: counts toward
   * MAX_FAILURES. The request's own 401/403 never comes here.
   */
  record KeyFailure(String reason) implements KeyOutcome {}

  /**
   * Google's quota refused this key for this model.
   *
   * @param statedLimit the request limit of that window as Google stated it
   *     ({@code QuotaFailure.quotaValue}), 0 when it did not
   * @param project the key's project as Google named it ({@code projects/<number>}), null if not
   */
  record RateLimited(Duration retryDelay, QuotaWindow window, String reason, int statedLimit, String project)
      implements KeyOutcome {
    /** Which quota window Google said was exhausted. */
    public enum QuotaWindow { MINUTE, DAY, UNKNOWN }

    public RateLimited(Duration retryDelay, QuotaWindow window, String reason) {
      this(retryDelay, window, reason, 0, null);
    }

    public RateLimited(Duration retryDelay, QuotaWindow window, String reason, int statedLimit) {
      this(retryDelay, window, reason, statedLimit, null);
    }
  }

  /** The key's tier has no access to this model (quota limit 0): disable the key for this model only. */
  record ModelUnavailable(String reason) implements KeyOutcome {}

  /**
   * Google answered 404: the model (or another resource the request names) does not exist. Not
   * the key's fault, and Google counts no quota for it, so the pool gives back what the lease
   * counted: a client that invents model names uses up nobody's minute or day.
   */
  record NotFound() implements KeyOutcome {}

  /**
   * Nothing was sent: the other instances serving the pool had used the key's quota for the model
   * (the shared count refused the take) until {@code untilMillis}. Not the key's fault; the take
   * is given back and the key held until then, so the local pool learns the others' use.
   */
  record SharedLimit(long untilMillis) implements KeyOutcome {}

  /** Neither the key's fault nor a success (5xx, timeout, the client's own 400). */
  record Neutral() implements KeyOutcome {}

  /**
   * The call never reached Google: an upstream proxy (PROXIES) failed or refused it before anything
   * was sent with the key. Not the key's fault, and nothing was used, so the pool gives back what
   * the lease counted, as for a 404.
   */
  record Unsent() implements KeyOutcome {}

  KeyOutcome SUCCESS = new Success();
  KeyOutcome NEUTRAL = new Neutral();
  KeyOutcome NOT_FOUND = new NotFound();
  KeyOutcome UNSENT = new Unsent();
}
