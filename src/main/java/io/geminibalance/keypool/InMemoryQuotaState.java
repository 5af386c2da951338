package io.geminibalance.keypool;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Quota counts in this process's memory: one gateway instance. Cells belong to an owner: the key
 * itself, or its project once known ({@link #assignProject}), so that keys of one project share
 * one window, day count and block per model, as Google counts them.
 */
public final class InMemoryQuotaState implements QuotaState {
  /** Owners that are projects start with this; a key's fingerprint never does. */
  private static final String PROJECT_OWNER = "project:";

  private final Map<String, Map<String, MemoryCell>> cellsByOwner = new ConcurrentHashMap<>();
  /** Key fingerprint to its project's owner id; a key without one owns its cells. */
  private final Map<String, String> ownerByKey = new ConcurrentHashMap<>();
  private final DayTracker days = new DayTracker();

  @Override
  public String owner(String keyFingerprint) {
    return ownerByKey.getOrDefault(keyFingerprint, keyFingerprint);
  }

  @Override
  public QuotaCell cell(String keyFingerprint, String model) {
    String owner = owner(keyFingerprint);
    return cellsOf(owner).computeIfAbsent(model, m -> new MemoryCell(owner, model, days));
  }

  private Map<String, MemoryCell> cellsOf(String owner) {
    return cellsByOwner.computeIfAbsent(owner, k -> new ConcurrentHashMap<>());
  }

  /**
   * Moves a key into a project (or back to its own cells with null). An owner the key leaves that
   * no other key shares hands its counts, blocks and learned limits to the new owner, so nothing
   * is counted twice or lost; one other keys still share keeps them (they are the project's).
   * Cells handed over may still be held by a lane's slot: the pool re-seats its slots after a move.
   */
  @Override
  public synchronized boolean assignProject(String keyFingerprint, String project, long nowMillis) {
    String from = owner(keyFingerprint);
    String to = project == null ? keyFingerprint : PROJECT_OWNER + project;
    if (from.equals(to)) {
      return false;
    }
    if (project == null) {
      ownerByKey.remove(keyFingerprint);
    } else {
      ownerByKey.put(keyFingerprint, to);
    }
    boolean fromShared = !from.equals(keyFingerprint) && ownerByKey.containsValue(from);
    if (!fromShared) {
      Map<String, MemoryCell> left = cellsByOwner.remove(from);
      if (left != null) {
        Map<String, MemoryCell> target = cellsOf(to);
        left.forEach((model, cell) -> target.computeIfAbsent(model, m -> new MemoryCell(to, m, days))
            .absorb(cell.export(nowMillis), nowMillis));
      }
    }
    return true;
  }

  @Override
  public String project(String keyFingerprint) {
    String owner = ownerByKey.get(keyFingerprint);
    return owner == null ? null : owner.substring(PROJECT_OWNER.length());
  }

  @Override
  public synchronized void forget(String keyFingerprint) {
    String owner = ownerByKey.remove(keyFingerprint);
    if (owner == null) {
      cellsByOwner.remove(keyFingerprint);
    } else if (!ownerByKey.containsValue(owner)) {
      cellsByOwner.remove(owner); // the project's last key
    }
  }

  @Override
  public void forgetModel(String model) {
    cellsByOwner.values().forEach(cells -> cells.remove(model));
  }

  /**
   * Every cell; a project's cells once per key of the project, under that key and naming the
   * project, so that storage keyed by key keeps them and a restore finds the project again.
   */
  @Override
  public List<QuotaRecord> export(long nowMillis) {
    Map<String, List<String>> keysByOwner = new java.util.HashMap<>();
    ownerByKey.forEach((key, owner) -> keysByOwner.computeIfAbsent(owner, o -> new ArrayList<>()).add(key));
    List<QuotaRecord> records = new ArrayList<>();
    cellsByOwner.forEach((owner, cells) -> cells.values().forEach(c -> {
      QuotaRecord record = c.export(nowMillis);
      if (!owner.startsWith(PROJECT_OWNER)) {
        records.add(record);
        return;
      }
      String project = owner.substring(PROJECT_OWNER.length());
      keysByOwner.getOrDefault(owner, List.of()).forEach(key -> records.add(record.of(key, project)));
    }));
    return records;
  }

  /**
   * Loads cells saved by {@link #export}; records of other days keep only their blocks. A record
   * naming a project puts its key in it first: the project's keys all carry the same record.
   */
  @Override
  public void restore(List<QuotaRecord> records) {
    for (QuotaRecord record : records) {
      if (record.project() != null && !record.project().isEmpty()) {
        joinAtRestore(record.keyFingerprint(), record.project());
      }
      cell(record.keyFingerprint(), record.model()).restore(record);
    }
  }

  /**
   * Puts a key in its stored project before its record is loaded. Restoring happens before any
   * request, so the key's own cells hold nothing yet: they are dropped, not merged.
   */
  private synchronized void joinAtRestore(String keyFingerprint, String project) {
    String owner = PROJECT_OWNER + project;
    if (!owner.equals(ownerByKey.put(keyFingerprint, owner))) {
      cellsByOwner.remove(keyFingerprint);
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
