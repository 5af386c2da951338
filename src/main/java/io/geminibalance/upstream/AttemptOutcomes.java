package io.geminibalance.upstream;

import io.geminibalance.keypool.KeyOutcome;
import io.geminibalance.metrics.AttemptOutcome;

/** The metrics' outcome of an upstream error answer, from its status and the classifier's verdict. */
final class AttemptOutcomes {
  private AttemptOutcomes() {}

  static AttemptOutcome of(int status, Verdict verdict) {
    return switch (verdict.keyOutcome()) {
      case KeyOutcome.Success success -> AttemptOutcome.SUCCESS;
      case KeyOutcome.RateLimited limited -> AttemptOutcome.RATE_LIMITED;
      case KeyOutcome.KeyInvalid invalid -> AttemptOutcome.KEY_ERROR;
      case KeyOutcome.KeyBlocked blocked -> AttemptOutcome.KEY_ERROR;
      case KeyOutcome.KeyFailure failure -> AttemptOutcome.KEY_ERROR;
      case KeyOutcome.ModelUnavailable unavailable -> AttemptOutcome.MODEL_UNAVAILABLE;
      case KeyOutcome.NotFound notFound -> AttemptOutcome.NOT_FOUND;
      case KeyOutcome.Unsent unsent -> AttemptOutcome.PROXY_ERROR;
      // Never an answer's verdict: the other instances' use refused the lease before anything was sent.
      case KeyOutcome.SharedLimit held -> AttemptOutcome.RATE_LIMITED;
      case KeyOutcome.Neutral neutral -> status >= 500 || status == 408
          ? AttemptOutcome.SERVER_ERROR : AttemptOutcome.CLIENT_ERROR;
    };
  }
}
