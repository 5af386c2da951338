package io.geminibalance.keypool;

import io.geminibalance.keypool.KeyOutcome.RateLimited;
import io.geminibalance.keypool.KeyOutcome.RateLimited.QuotaWindow;
import java.time.Duration;

/**
 * What the pool does with one upstream answer: a pure decision from the outcome, the time and
 * what the key had sent, so every rule is a table test.
 */
sealed interface OutcomeVerdict {

  /** Success: reset failures, lift a cooldown set before the lease. */
  record Clear() implements OutcomeVerdict {}

  /**
   * Cool the key for this model; {@code learnedRpm > 0} lowers its per-minute limit, or sets it
   * (lower or higher) when {@code stated}: Google named the value in its 429.
   */
  record Cool(long untilMillis, String reason, int learnedRpm, boolean throttleSuspect, boolean stated)
      implements OutcomeVerdict {
    public Cool(long untilMillis, String reason, int learnedRpm, boolean throttleSuspect) {
      this(untilMillis, reason, learnedRpm, throttleSuspect, false);
    }
  }

  /** Park the key for this model until the next Pacific midnight. */
  record Park(long untilMillis, String reason) implements OutcomeVerdict {}

  /** The key's tier has no quota for this model. */
  record DisableForModel(String reason) implements OutcomeVerdict {}

  /** The key is dead, or blocked by its project until its owner acts (the reason says which). */
  record DisableKey(String reason) implements OutcomeVerdict {}

  /** A key problem that may pass; disables at MAX_FAILURES. */
  record CountFailure(String reason) implements OutcomeVerdict {}

  /** Nothing learned about the key. */
  record Ignore() implements OutcomeVerdict {}

  /**
   * Nothing learned about the key, and Google counted no quota for the request: the send the
   * lease took leaves the key's minute window and day count, as if it had never been made.
   */
  record GiveBack() implements OutcomeVerdict {}

  /**
   * Nothing was sent (the shared count refused the take): the take is given back and the cell
   * held until {@code untilMillis}, blaming none; only a later block than the hold's stays.
   */
  record Hold(long untilMillis) implements OutcomeVerdict {}

  /**
   * Whether Google accepted the request with the key: only then does a probe of the key pass, and
   * does a model not known to exist prove that it does. Every verdict says so here, so a new
   * verdict has to decide.
   */
  default boolean accepted() {
    return switch (this) {
      case Clear clear -> true;
      case Cool cool -> false;
      case Park park -> false;
      case DisableForModel off -> false;
      case DisableKey off -> false;
      case CountFailure failure -> false;
      case Ignore ignore -> false;
      case GiveBack giveBack -> false;
      case Hold hold -> false;
    };
  }

  /**
   * What went wrong with the key, for the admin's "last error" of a key; null when nothing did
   * (success, or an answer that says nothing about the key).
   */
  default String problem() {
    return switch (this) {
      case Clear clear -> null;
      case Cool cool -> cool.reason();
      case Park park -> park.reason();
      case DisableForModel off -> off.reason();
      case DisableKey off -> off.reason();
      case CountFailure failure -> failure.reason();
      case Ignore ignore -> null;
      case GiveBack giveBack -> null;
      case Hold hold -> null;
    };
  }

  /**
   * @param nowMillis when the answer arrived
   * @param sentInWindow what this key sent for this model in the minute before the lease
   * @param configuredRpm the configured per-minute limit, 0 = unlimited (an auto limit's ceiling)
   * @param plannedRpm what the key is expected to take in a minute: the configured limit, or with
   *     an auto limit the level it works at, for telling a lightly used key
   */
  record Facts(long nowMillis, int sentInWindow, int configuredRpm, int plannedRpm) {
    public Facts(long nowMillis, int sentInWindow, int configuredRpm) {
      this(nowMillis, sentInWindow, configuredRpm, configuredRpm);
    }
  }

  static OutcomeVerdict decide(KeyOutcome outcome, Facts facts, QuotaPolicy policy) {
    return switch (outcome) {
      case KeyOutcome.Success s -> new Clear();
      case KeyOutcome.Neutral n -> new Ignore();
      case KeyOutcome.NotFound n -> new GiveBack();
      case KeyOutcome.Unsent u -> new GiveBack();
      case KeyOutcome.SharedLimit held -> new Hold(held.untilMillis());
      case KeyOutcome.KeyInvalid invalid -> new DisableKey("dead: " + invalid.reason());
      case KeyOutcome.KeyBlocked blocked -> new DisableKey("blocked until its owner acts (re-checked): "
          + blocked.reason());
      case KeyOutcome.KeyFailure failure -> new CountFailure(failure.reason());
      case KeyOutcome.ModelUnavailable unavailable -> new DisableForModel(unavailable.reason());
      case RateLimited limited -> rateLimited(limited, facts, policy);
    };
  }

  /**
   * What the lane shared by models not (yet) known to exist keeps of a verdict: it has no state
   * per model, so what Google said about one model (its daily quota, no access for the key's
   * tier, a lower minute limit) becomes a short cooldown of the key in that lane, so that the next
   * such request takes another key. What concerns the whole key applies as usual, and so does a
   * 404's give-back: made-up names must not use up the lane that unlisted real models share.
   */
  static OutcomeVerdict forUnlisted(OutcomeVerdict verdict, long nowMillis, QuotaPolicy policy) {
    long shortly = nowMillis + policy.minuteCooldown().toMillis();
    return switch (verdict) {
      case Cool cool -> new Cool(cool.untilMillis(), cool.reason(), 0, cool.throttleSuspect());
      case Park park -> new Cool(Math.min(park.untilMillis(), shortly), park.reason(), 0, false);
      case DisableForModel off -> new Cool(shortly, off.reason(), 0, false);
      case Clear clear -> clear;
      case DisableKey off -> off;
      case CountFailure failure -> failure;
      case Ignore ignore -> ignore;
      case GiveBack giveBack -> giveBack;
      case Hold hold -> hold;
    };
  }

  /**
   * What the lane of models beyond MAX_MODELS keeps of a verdict: only what concerns the whole
   * key (and a 404's give-back, which keeps the lane's counts true). Those models are served round robin without quota state, so that reaching the cap never
   * refuses a request Google would accept; a refused attempt moves on to another key as usual.
   */
  static OutcomeVerdict forOverflow(OutcomeVerdict verdict) {
    return switch (verdict) {
      case Cool cool -> new Ignore();
      case Park park -> new Ignore();
      case DisableForModel off -> new Ignore();
      case Clear clear -> clear;
      case DisableKey off -> off;
      case CountFailure failure -> failure;
      case Ignore ignore -> ignore;
      case GiveBack giveBack -> giveBack;
      case Hold hold -> hold;
    };
  }

  private static OutcomeVerdict rateLimited(RateLimited limited, Facts facts, QuotaPolicy policy) {
    String reason = limited.reason() == null ? "429 from Google" : limited.reason();
    long now = facts.nowMillis();
    return switch (limited.window()) {
      case DAY -> new Park(PacificDay.nextResetMillis(now), reason);
      case MINUTE -> limited.statedLimit() > 0
          ? new Cool(now + minuteDelay(limited.retryDelay(), policy), reason, limited.statedLimit(), false, true)
          : new Cool(now + minuteDelay(limited.retryDelay(), policy), reason, learnedRpm(facts), false);
      case UNKNOWN -> new Cool(now + unknownDelay(limited.retryDelay(), policy), reason, 0,
          lowCount(facts));
    };
  }

  /** Honour RetryInfo but never longer than the cap: after it, one probe decides. */
  private static long minuteDelay(Duration retryDelay, QuotaPolicy policy) {
    Duration delay = positive(retryDelay) ? retryDelay : policy.minuteCooldown();
    return Math.min(delay.toMillis(), policy.cooldownCap().toMillis());
  }

  private static long unknownDelay(Duration retryDelay, QuotaPolicy policy) {
    Duration delay = positive(retryDelay) ? retryDelay : policy.shortCooldown();
    return Math.min(delay.toMillis(), policy.cooldownCap().toMillis());
  }

  /**
   * Google refused the request after {@code sentInWindow} accepted ones in the minute, so its
   * real limit is that number. Nothing to learn when nothing was sent: then the refusal is not
   * about this key's minute (a shared project or IP limit).
   */
  private static int learnedRpm(Facts facts) {
    boolean belowConfigured = facts.configuredRpm() == 0 || facts.sentInWindow() < facts.configuredRpm();
    return facts.sentInWindow() > 0 && belowConfigured ? facts.sentInWindow() : 0;
  }

  /** A refusal while the key used under half its minute quota points at an IP-level throttle. */
  private static boolean lowCount(Facts facts) {
    return facts.plannedRpm() == 0 || facts.sentInWindow() * 2 < facts.plannedRpm();
  }

  private static boolean positive(Duration duration) {
    return duration != null && !duration.isNegative() && !duration.isZero();
  }
}
