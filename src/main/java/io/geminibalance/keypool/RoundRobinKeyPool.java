package io.geminibalance.keypool;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Plain round-robin over usable keys with per-key health (failures, disable, cooldown), without
 * quota knowledge. The rotation array holds only keys that are not disabled and is rebuilt when
 * that set changes (rare), so a lease is one atomic increment plus a skip over cooling keys.
 */
public final class RoundRobinKeyPool implements KeyPool {
  private static final long DEFAULT_COOLDOWN_MILLIS = 60_000;
  private static final long MAX_COOLDOWN_MILLIS = 10 * 60_000;

  private final int maxFailures;
  private final LongSupplier clock;
  private final AtomicLong cursor = new AtomicLong();
  private final Object lock = new Object();
  private Map<ApiKey, KeyState> states = new LinkedHashMap<>();
  private volatile KeyState[] rotation = new KeyState[0];

  public RoundRobinKeyPool(Collection<ApiKey> keys, int maxFailures, LongSupplier clockMillis) {
    this.maxFailures = maxFailures;
    this.clock = clockMillis;
    replaceKeys(keys);
  }

  private static final class KeyState {
    final ApiKey key;
    volatile boolean disabled;
    volatile String disabledReason = "";
    volatile int failures;
    volatile long coolingUntil;

    KeyState(ApiKey key) {
      this.key = key;
    }
  }

  @Override
  public Acquisition acquire(String model, Set<ApiKey> alreadyTried) {
    KeyState[] keys = rotation;
    long now = clock.getAsLong();
    long earliest = Long.MAX_VALUE;
    for (int i = 0; i < keys.length; i++) {
      KeyState state = keys[(int) Math.floorMod(cursor.getAndIncrement(), (long) keys.length)];
      if (state.disabled || alreadyTried.contains(state.key)) {
        continue;
      }
      if (state.coolingUntil > now) {
        earliest = Math.min(earliest, state.coolingUntil);
        continue;
      }
      return new Acquisition.Granted(new KeyLease(state.key, model, now));
    }
    if (earliest != Long.MAX_VALUE) {
      return new Acquisition.Refused(earliest, "every usable key is cooling down after a rate limit");
    }
    return new Acquisition.Refused(-1, keys.length == 0 && alreadyTried.isEmpty()
        ? "no usable API key: all keys are disabled" : "no other usable API key to retry on");
  }

  @Override
  public void release(KeyLease lease, KeyOutcome outcome) {
    KeyState state;
    synchronized (lock) {
      state = states.get(lease.key());
    }
    if (state == null) {
      return;
    }
    switch (outcome) {
      case KeyOutcome.Success s -> {
        state.failures = 0;
        state.coolingUntil = 0;
      }
      case KeyOutcome.KeyInvalid invalid -> disable(state.key, "invalid key: " + invalid.reason());
      case KeyOutcome.KeyFailure failure -> countFailure(state, failure.reason());
      case KeyOutcome.RateLimited limited -> state.coolingUntil = clock.getAsLong() + cooldown(limited);
      case KeyOutcome.ModelUnavailable unavailable -> state.coolingUntil = clock.getAsLong() + MAX_COOLDOWN_MILLIS;
      case KeyOutcome.Neutral n -> { }
    }
  }

  private void countFailure(KeyState state, String reason) {
    int failures;
    synchronized (lock) {
      failures = ++state.failures;
    }
    if (failures >= maxFailures) {
      disable(state.key, reason);
    }
  }

  private static long cooldown(KeyOutcome.RateLimited limited) {
    if (limited.retryDelay() == null) {
      return DEFAULT_COOLDOWN_MILLIS;
    }
    return Math.min(MAX_COOLDOWN_MILLIS, Math.max(1000, limited.retryDelay().toMillis()));
  }

  @Override
  public void replaceKeys(Collection<ApiKey> keys) {
    synchronized (lock) {
      Map<ApiKey, KeyState> next = new LinkedHashMap<>();
      for (ApiKey key : keys) {
        KeyState kept = states.get(key);
        next.put(key, kept != null ? kept : new KeyState(key));
      }
      states = next;
      rebuildRotation();
    }
  }

  @Override
  public void restore(ApiKey key) {
    synchronized (lock) {
      KeyState state = states.get(key);
      if (state != null) {
        state.disabled = false;
        state.disabledReason = "";
        state.failures = 0;
        state.coolingUntil = 0;
        rebuildRotation();
      }
    }
  }

  @Override
  public void disable(ApiKey key, String reason) {
    synchronized (lock) {
      KeyState state = states.get(key);
      if (state != null && !state.disabled) {
        state.disabled = true;
        state.disabledReason = reason;
        rebuildRotation();
      }
    }
  }

  private void rebuildRotation() {
    List<KeyState> usable = new ArrayList<>();
    for (KeyState state : states.values()) {
      if (!state.disabled) {
        usable.add(state);
      }
    }
    rotation = usable.toArray(new KeyState[0]);
  }

  @Override
  public PoolSnapshot snapshot() {
    List<PoolSnapshot.KeyStatus> list = new ArrayList<>();
    synchronized (lock) {
      for (KeyState s : states.values()) {
        list.add(new PoolSnapshot.KeyStatus(s.key, s.disabled, s.disabledReason, s.failures,
            s.coolingUntil));
      }
    }
    return new PoolSnapshot(List.copyOf(list));
  }

  @Override
  public void importState(ApiKey key, boolean disabled, String reason, int failures, long coolingUntilMillis) {
    synchronized (lock) {
      KeyState state = states.get(key);
      if (state == null) {
        return;
      }
      state.failures = failures;
      state.coolingUntil = coolingUntilMillis;
    }
    if (disabled) {
      disable(key, reason);
    }
  }

  @Override
  public int size() {
    synchronized (lock) {
      return states.size();
    }
  }
}
