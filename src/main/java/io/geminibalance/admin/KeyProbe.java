package io.geminibalance.admin;

import io.geminibalance.keypool.ApiKey;
import io.geminibalance.keypool.KeyOutcome;
import io.vertx.core.Future;

/**
 * Sends one tiny request with a key (the periodic re-check's probe) and says what the answer
 * means for the key. Completes on the caller's Vert.x context; never fails (a transport failure
 * is a result too).
 */
public interface KeyProbe {

  Future<Result> check(ApiKey key);

  /**
   * @param model the model the probe asked (TEST_MODEL)
   * @param status the upstream HTTP status, 0 when no answer came
   * @param outcome what the answer means for the key, by the data plane's rules
   * @param message Google's error message, redacted and cut short; empty on success
   */
  record Result(String model, int status, KeyOutcome outcome, String message) {

    public boolean valid() {
      return outcome instanceof KeyOutcome.Success;
    }

    /** "valid", "invalid" (the key's own fault), "rate_limited" or "error" (neither: upstream or transport). */
    public String verdict() {
      return switch (outcome) {
        case KeyOutcome.Success s -> "valid";
        case KeyOutcome.KeyInvalid k -> "invalid";
        case KeyOutcome.KeyBlocked k -> "invalid";
        case KeyOutcome.KeyFailure k -> "invalid";
        case KeyOutcome.ModelUnavailable m -> "invalid";
        case KeyOutcome.RateLimited r -> "rate_limited";
        case KeyOutcome.NotFound n -> "error";
        case KeyOutcome.Neutral n -> "error";
        case KeyOutcome.Unsent u -> "error";
        case KeyOutcome.SharedLimit held -> "rate_limited";
      };
    }
  }
}
