package io.geminibalance.keypool;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * Google's per-minute quota as a test double: at most {@code rpm} accepted requests per key and
 * model in any 60 seconds; a refusal carries RetryInfo (when the oldest accepted one leaves the
 * window) and does not count.
 */
final class FakeUpstream {
  /** The answer to one request: null delay means accepted. */
  record Answer(Duration retryDelay) {
    boolean accepted() {
      return retryDelay == null;
    }
  }

  private final Map<String, Integer> rpmByModel;
  private final Map<String, ArrayDeque<Long>> accepted = new HashMap<>();
  private final Map<String, Integer> refusals = new HashMap<>();

  FakeUpstream(Map<String, Integer> rpmByModel) {
    this.rpmByModel = rpmByModel;
  }

  Answer send(ApiKey key, String model, long nowMillis) {
    String cell = key.fingerprint() + "/" + model;
    ArrayDeque<Long> window = accepted.computeIfAbsent(cell, c -> new ArrayDeque<>());
    while (!window.isEmpty() && window.peekFirst() <= nowMillis - 60_000) {
      window.removeFirst();
    }
    if (window.size() >= rpmByModel.get(model)) {
      refusals.merge(cell, 1, Integer::sum);
      return new Answer(Duration.ofMillis(window.peekFirst() + 60_000 - nowMillis));
    }
    window.addLast(nowMillis);
    return new Answer(null);
  }

  int refusals() {
    return refusals.values().stream().mapToInt(Integer::intValue).sum();
  }

  int mostRefusalsOfOneKeyAndModel() {
    return refusals.values().stream().mapToInt(Integer::intValue).max().orElse(0);
  }
}
