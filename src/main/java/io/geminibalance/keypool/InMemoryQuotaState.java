package io.geminibalance.keypool;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Quota counts in this process's memory: one gateway instance. */
public final class InMemoryQuotaState implements QuotaState {
  private final Map<String, Map<String, MemoryCell>> cellsByKey = new ConcurrentHashMap<>();
  private final DayTracker days = new DayTracker();

  @Override
  public QuotaCell cell(String keyFingerprint, String model) {
    return cellsByKey.computeIfAbsent(keyFingerprint, k -> new ConcurrentHashMap<>())
        .computeIfAbsent(model, m -> new MemoryCell(keyFingerprint, model, days));
  }

  @Override
  public void forget(String keyFingerprint) {
    cellsByKey.remove(keyFingerprint);
  }

  @Override
  public void forgetModel(String model) {
    cellsByKey.values().forEach(cells -> cells.remove(model));
  }

  @Override
  public List<QuotaRecord> export(long nowMillis) {
    List<QuotaRecord> records = new ArrayList<>();
    cellsByKey.values().forEach(cells -> cells.values().forEach(c -> records.add(c.export(nowMillis))));
    return records;
  }

  @Override
  public void restore(List<QuotaRecord> records) {
    for (QuotaRecord record : records) {
      cell(record.keyFingerprint(), record.model()).restore(record);
    }
  }

  /** Shares one cached Pacific day between all cells; the cache is an immutable value. */
  static final class DayTracker {
    private volatile PacificDay.Cached current = PacificDay.Cached.around(0);

    PacificDay.Cached at(long nowMillis) {
      PacificDay.Cached day = current;
      if (!day.contains(nowMillis)) {
        day = PacificDay.Cached.around(nowMillis);
        current = day;
      }
      return day;
    }
  }
}
