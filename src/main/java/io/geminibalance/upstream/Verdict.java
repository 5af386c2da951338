package io.geminibalance.upstream;

import io.geminibalance.keypool.KeyOutcome;

/**
 * The decision for one upstream answer: what it means for the key, whether another key may
 * succeed where this one failed, and a short reason for logs.
 */
public record Verdict(KeyOutcome keyOutcome, boolean retryOnAnotherKey, String reason) {

  public static final Verdict SUCCESS = new Verdict(KeyOutcome.SUCCESS, false, "ok");

  public boolean success() {
    return keyOutcome instanceof KeyOutcome.Success;
  }
}
