package io.geminibalance.keypool;

import java.util.List;

/** A point-in-time view of every key. */
public record PoolSnapshot(List<KeyStatus> keys) {

  /** The state of one key. */
  public record KeyStatus(ApiKey key, boolean disabled, String disabledReason, int failures,
      long coolingUntilMillis) {}

  public long usable(long nowMillis) {
    return keys.stream().filter(k -> !k.disabled() && k.coolingUntilMillis() <= nowMillis).count();
  }

  public long disabled() {
    return keys.stream().filter(KeyStatus::disabled).count();
  }

  public List<ApiKey> disabledKeys() {
    return keys.stream().filter(KeyStatus::disabled).map(KeyStatus::key).toList();
  }
}
