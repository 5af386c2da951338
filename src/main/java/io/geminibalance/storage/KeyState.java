package io.geminibalance.storage;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * What the key pool knows about one key and must not forget across a restart.
 *
 * @param fingerprint the key's {@code ApiKey.fingerprint()}; the full key is never part of its state
 * @param models per-model cool-downs and usage; models without a row here have neither
 */
public record KeyState(
    String fingerprint, boolean disabled, String disabledReason, int failureCount, List<ModelState> models,
    Instant updatedAt) {

  public KeyState {
    Objects.requireNonNull(fingerprint, "fingerprint");
    Objects.requireNonNull(updatedAt, "updatedAt");
    models = List.copyOf(models);
  }
}
