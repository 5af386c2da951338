package io.geminibalance.alerts;

import io.geminibalance.keypool.PacificDay;
import io.geminibalance.keypool.QuotaKeyPool;
import io.geminibalance.keypool.QuotaSnapshot.ModelTotals;
import io.geminibalance.keypool.RateLimits;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Tells when a model's requests left for today fall below ALERT_CAPACITY_PERCENT of the day's
 * total, once per pool, model and Pacific day (Google's quota day): the day's first reading below
 * the threshold alerts, later ones that day do not, even if the model climbs back above and falls
 * again (a key restored, then parked). Models with an unlimited day (some key without RPD) have no
 * share to fall below. Not thread-safe: one checker calls it.
 */
final class CapacityWatch {
  /** Pool and model -> the Pacific day it was last alerted for. */
  private final Map<String, Long> alertedDay = new HashMap<>();

  /** The alerts {@code totals} (one pool's models, from its quota snapshot) call for. */
  List<Alert> check(String pool, List<ModelTotals> totals, int thresholdPercent, long nowMillis) {
    long today = PacificDay.dayOf(nowMillis);
    alertedDay.values().removeIf(day -> day < today);
    List<Alert> alerts = new ArrayList<>();
    if (thresholdPercent <= 0) {
      return alerts;
    }
    for (ModelTotals t : totals) {
      if (!countable(t) || t.remainingToday() * 100 >= (long) thresholdPercent * t.rpdCapacity()) {
        continue;
      }
      Long before = alertedDay.put(pool + "/" + t.model(), today);
      if (before == null || before != today) {
        alerts.add(new Alert.CapacityLow(pool, t.model(), t.remainingToday(), t.rpdCapacity(), thresholdPercent,
            nowMillis));
      }
    }
    return alerts;
  }

  /**
   * A real model with a limited day and some enabled key: the shared lanes and the model-list
   * bucket are no model, and a pool with every key disabled has its key alerts already.
   */
  private static boolean countable(ModelTotals t) {
    return t.rpdCapacity() > 0 && t.remainingToday() >= 0 && !t.model().equals(RateLimits.UNMETERED)
        && !t.model().equals(QuotaKeyPool.UNLISTED) && !t.model().equals(QuotaKeyPool.OVERFLOW);
  }
}
