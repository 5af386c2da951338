package io.geminibalance.keypool;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The keys of one base model, split into a FIFO ring of keys that can take a request now and a
 * due queue ({@link DueHeap}) of keys that cannot until a known time. A lease takes the ring's
 * head and puts the key back at the tail (or into the due queue when its quota is spent), so keys
 * take turns; each lease costs O(1) in the usual case and O(log n) at worst, whatever the pool
 * size. Slots whose state changed elsewhere (a cooldown, a disable) are corrected lazily when they
 * reach the head.
 */
final class ModelLane {
  private static final int IN_FLIGHT_CAP = 65_536;
  /** The earliest time announced while only a probe's answer can free a key: a guess. */
  private static final long PROBE_HINT_MILLIS = 1_000;

  final String model;
  /** A lane of models without quota state of their own (see {@link QuotaKeyPool}). */
  final boolean shared;
  final ThrottleDetector throttle = new ThrottleDetector();
  private final SlotRing ready = new SlotRing();
  private final DueHeap due = new DueHeap();
  /** Written under the lane's lock, read without it. */
  private final Map<ApiKey, Slot> slots = new ConcurrentHashMap<>();
  /**
   * Leases granted and not yet released. Only a cache: it spares release a lookup by key, which
   * at 100,000 keys costs several cache misses. Cleared when it grows past its cap, so a lease
   * the caller never releases cannot leak; release then falls back to the lookup by key.
   */
  private final IdentityHashMap<KeyLease, Slot> inFlight = new IdentityHashMap<>();
  private long backoffUntil;
  /** {@link #warmAhead()} runs once every this many takes, for this many keys per stage. */
  private static final int WARM_BATCH = 4;
  private static final int WARM_STAGES = 4;
  private int takesUntilWarm;
  /** Where {@link #warmAhead()} sums what it read; never used otherwise. */
  @SuppressWarnings("unused")
  private int warmed;
  /** Slots with a probe in flight (see {@link QuotaCell#tryTake}). */
  private int probing;
  /** Whether the last {@link #take} was a probe; read right after it under the lock. */
  private boolean tookProbe;
  /**
   * Leases granted and not yet released, so that the lane is never dropped under one. It may dip
   * below zero for a moment while a rebuilt lane takes over its predecessor's count (see {@link
   * #retire()}); the pool reads it only under its structure lock, after the count is handed over.
   */
  private int leasesOut;
  /** The last lease or release, or the lane's creation: the pool drops lanes idle for a while. */
  private long lastUsedMillis;
  /** Dropped from the pool or replaced: leases no more, so a caller that still holds it looks again. */
  private boolean retired;

  ModelLane(String model, boolean shared, long nowMillis) {
    this.model = model;
    this.shared = shared;
    this.lastUsedMillis = nowMillis;
  }

  synchronized void add(Slot slot, long nowMillis) {
    if (!slots.containsKey(slot.entry.key)) {
      slots.put(slot.entry.key, slot);
      due.register(slot);
      place(slot, slot.cell.nextFreeAt(slot.limit, nowMillis), nowMillis);
    }
  }

  synchronized void remove(ApiKey key) {
    Slot slot = slots.remove(key);
    if (slot != null) {
      slot.detached = true;
      slot.moves++;
      due.unregister(slot);
      if (slot.probe != null) {
        slot.probe = null;
        probing--;
      }
    }
  }

  /**
   * Replaces a key's slot by one over another cell (its key joined or left a project): leases in
   * flight are released against the new slot, a probe in flight is forgotten (its cell's counts
   * moved to the new one).
   */
  synchronized void reseat(Slot fresh, long nowMillis) {
    Slot old = slots.get(fresh.entry.key);
    if (old != null) {
      remove(old.entry.key);
      inFlight.replaceAll((lease, slot) -> slot == old ? fresh : slot);
    }
    add(fresh, nowMillis);
  }

  Slot slot(ApiKey key) {
    return slots.get(key);
  }

  synchronized List<Slot> slots() {
    return new ArrayList<>(slots.values());
  }

  synchronized long backoffUntil() {
    return backoffUntil;
  }

  synchronized void backoff(long untilMillis) {
    backoffUntil = Math.max(backoffUntil, untilMillis);
  }

  /**
   * Leases the first ready key not yet tried; null when none can take the request now or the
   * lane is retired.
   *
   * @param requested the base model asked for: this lane's own, or any for a shared lane
   */
  synchronized KeyLease lease(String requested, Set<ApiKey> tried, long nowMillis) {
    Slot slot = retired ? null : take(tried, nowMillis);
    if (slot == null) {
      return null;
    }
    return grant(slot, requested, nowMillis);
  }

  /**
   * Leases {@code key} itself when it can take a request now (a resource that only its creating
   * key can reach); null when it cannot, the key is not in the lane or the lane is retired. Its
   * place among the other keys is updated as for any lease, so it does not also get a turn too soon.
   */
  synchronized KeyLease leaseKey(String requested, ApiKey key, long nowMillis) {
    Slot slot = slots.get(key);
    if (retired || slot == null || !slot.live() || nowMillis < backoffUntil) {
      return null;
    }
    QuotaCell.Take take = slot.cell.tryTake(slot.limit, nowMillis);
    // A refused slot that waits already has its place; placing it again would add one due entry per
    // refusal (each request naming a resource of a key spent for the day).
    if (take.taken() || slot.place == Slot.Place.READY) {
      place(slot, take.nextFreeMillis(), nowMillis);
    }
    if (!take.taken()) {
      return null;
    }
    tookProbe = take.probe();
    return grant(slot, requested, nowMillis);
  }

  /** Why {@code key} cannot take a request now: when it can, or -1 if only an operator can bring it back. */
  synchronized Acquisition.Refused keyRefusal(ApiKey key, long nowMillis) {
    Slot slot = slots.get(key);
    if (slot == null || !slot.live()) {
      return new Acquisition.Refused(-1, "the key is disabled");
    }
    if (nowMillis < backoffUntil) {
      return new Acquisition.Refused(backoffUntil, "the model is paused after an IP-level throttle");
    }
    long freeAt = slot.cell.nextFreeAt(slot.limit, nowMillis);
    if (freeAt >= QuotaCell.NEVER) {
      return new Acquisition.Refused(-1, "the key is disabled for this model");
    }
    if (freeAt >= QuotaCell.AFTER_PROBE) {
      return new Acquisition.Refused(nowMillis + PROBE_HINT_MILLIS, "the key's probe is in flight", true);
    }
    return new Acquisition.Refused(Math.max(freeAt, nowMillis + 1), "the key is cooling or at its limit");
  }

  private KeyLease grant(Slot slot, String requested, long nowMillis) {
    KeyLease lease = new KeyLease(slot.entry.key, requested, nowMillis, model);
    leasesOut++;
    lastUsedMillis = nowMillis;
    if (tookProbe) {
      slot.probe = lease;
      probing++;
    }
    if (inFlight.size() >= IN_FLIGHT_CAP) {
      inFlight.clear();
    }
    inFlight.put(lease, slot);
    return lease;
  }

  /** The slot a lease was granted from, or null when its key left the pool. */
  synchronized Slot released(KeyLease lease, long nowMillis) {
    leasesOut--;
    lastUsedMillis = Math.max(lastUsedMillis, nowMillis);
    Slot slot = inFlight.remove(lease);
    if (slot == null) {
      slot = slots.get(lease.key());
    }
    return slot == null || slot.detached ? null : slot;
  }

  /**
   * Settles the slot's probe if {@code lease} is it: the cell learns the answer, and the slot,
   * held back while the probe was in flight, takes its place again.
   *
   * @return whether the lease was the slot's probe
   */
  synchronized boolean endProbe(Slot slot, KeyLease lease, boolean accepted, long nowMillis) {
    if (slot.probe != lease) {
      return false;
    }
    slot.probe = null;
    probing--;
    slot.cell.settleProbe(accepted, lease.acquiredAtMillis(), nowMillis);
    wake(slot, nowMillis);
    return true;
  }

  /**
   * Counts, now, a request Google accepted from {@code key} for this model that another lane
   * granted (the shared lane, before the model had a lane of its own), so that it counts against
   * the model's minute and day as it did at Google. Nothing is counted if the key has no room now.
   */
  synchronized void countAccepted(ApiKey key, long nowMillis) {
    Slot slot = slots.get(key);
    if (slot == null || !slot.live()) {
      return;
    }
    QuotaCell.Take take = slot.cell.tryTake(slot.limit, nowMillis);
    if (take.taken() && take.probe()) {
      slot.cell.settleProbe(true, nowMillis, nowMillis);
    }
    if (take.taken()) {
      place(slot, slot.cell.nextFreeAt(slot.limit, nowMillis), nowMillis);
    }
  }

  synchronized boolean isProbe(Slot slot, KeyLease lease) {
    return slot.probe == lease;
  }

  /** Forgets the probes in flight: their answers will come to a rebuilt lane. */
  synchronized void abandonProbes() {
    for (Slot slot : slots.values()) {
      if (slot.probe != null) {
        slot.probe = null;
        slot.cell.abandonProbe();
      }
    }
    probing = 0;
  }

  synchronized int probing() {
    return probing;
  }

  synchronized boolean retired() {
    return retired;
  }

  /**
   * Stops leasing (the lane is being replaced) and hands back how many leases are still out, for
   * the replacement to carry on counting: their releases reach the replacement.
   */
  synchronized int retire() {
    retired = true;
    return leasesOut;
  }

  synchronized void inheritLeases(int count) {
    leasesOut += count;
  }

  /**
   * Retires the lane if no lease is out and none was granted since {@code idleSinceMillis}.
   *
   * @return whether it was retired
   */
  synchronized boolean retireIfIdle(long idleSinceMillis) {
    if (leasesOut == 0 && lastUsedMillis <= idleSinceMillis && probing == 0) {
      retired = true;
    }
    return retired;
  }

  synchronized boolean idleSince(long idleSinceMillis) {
    return leasesOut == 0 && lastUsedMillis <= idleSinceMillis && probing == 0;
  }

  private Slot take(Set<ApiKey> tried, long nowMillis) {
    if (nowMillis < backoffUntil) {
      return null;
    }
    promoteDue(nowMillis);
    warmAhead();
    tookProbe = false;
    List<Slot> skipped = null;
    Slot granted = null;
    while (granted == null && ready.size() > 0) {
      Slot slot = due.slotOf(ready.pollFirst(), true);
      if (slot == null) {
        continue; // moved since it was queued: its current place is elsewhere
      }
      if (!slot.live()) {
        slot.place = Slot.Place.OUT;
      } else if (!tried.isEmpty() && tried.contains(slot.entry.key)) {
        skipped = skipped == null ? new ArrayList<>(tried.size()) : skipped;
        skipped.add(slot);
      } else {
        QuotaCell.Take take = slot.cell.tryTake(slot.limit, nowMillis);
        place(slot, take.nextFreeMillis(), nowMillis);
        granted = take.taken() ? slot : null;
        tookProbe = take.probe();
      }
    }
    putBackAtHead(skipped);
    return granted;
  }

  /**
   * Why no key can take a request now. While probes are in flight, their answers may free a key
   * sooner than any known time, so the refusal says so ({@link Acquisition.Refused#awaitingProbe()}).
   */
  synchronized Acquisition.Refused refusal(Set<ApiKey> tried, long nowMillis) {
    long earliest = earliestMillis(nowMillis);
    boolean awaitingProbe = probing > 0 && nowMillis >= backoffUntil;
    if (awaitingProbe && (earliest < 0 || earliest > nowMillis + PROBE_HINT_MILLIS)) {
      earliest = nowMillis + PROBE_HINT_MILLIS;
    }
    return new Acquisition.Refused(earliest, RefusalReasons.explain(this, tried, earliest, nowMillis),
        awaitingProbe);
  }

  /** When the earliest waiting key frees, or -1 when no key ever will without an operator. */
  synchronized long earliestMillis(long nowMillis) {
    if (nowMillis < backoffUntil) {
      return backoffUntil;
    }
    dropDeadDue();
    return due.hasCurrent() ? due.peekTime() : -1;
  }

  /** Re-places a slot whose block was lifted or whose key came back, so it is not left out. */
  synchronized void wake(Slot slot, long nowMillis) {
    if (slot.live() && slot.place != Slot.Place.READY) {
      place(slot, slot.cell.nextFreeAt(slot.limit, nowMillis), nowMillis);
    }
  }

  synchronized void wakeAll(long nowMillis) {
    slots.values().forEach(slot -> wake(slot, nowMillis));
  }

  synchronized int readyCount() {
    return ready.size();
  }

  private void place(Slot slot, long freeAtMillis, long nowMillis) {
    slot.moves++;
    if (freeAtMillis <= nowMillis) {
      slot.place = Slot.Place.READY;
      ready.addLast(DueHeap.payload(slot));
    } else if (freeAtMillis == QuotaCell.AFTER_PROBE && slot.project != null && slot.probe == null) {
      // Another key of the project probes the shared cell: its answer wakes that key's slot only,
      // so this one looks again shortly rather than wait to be woken.
      slot.place = Slot.Place.DUE;
      due.add(slot, nowMillis + PROBE_HINT_MILLIS);
    } else if (freeAtMillis >= QuotaCell.AFTER_PROBE) {
      slot.place = Slot.Place.OUT; // NEVER: an operator or re-check wakes it; AFTER_PROBE: the answer
    } else {
      slot.place = Slot.Place.DUE;
      due.add(slot, freeAtMillis);
    }
  }

  /**
   * Loads, some turns ahead, what leasing a ready key will read: keys take turns, so with many
   * keys the head's state is never in the CPU cache. Each stage reads one level of a key's
   * objects (the slot's reference; the slot; its key entry and cell; the cell's window) that the
   * previous stage brought into the cache one batch earlier, so every load here is independent of
   * the others. They run in batches because a load that misses the cache stalls the lease until
   * it arrives: one stall then covers a batch of keys' misses at once instead of one stall per
   * lease (at 100,000 keys: 230 ns per lease instead of 300 with one key per stage). The values
   * are only summed into a field, so that the JIT keeps the loads.
   */
  private void warmAhead() {
    if (--takesUntilWarm > 0) {
      return;
    }
    takesUntilWarm = WARM_BATCH;
    if (ready.size() < WARM_BATCH * (WARM_STAGES + 1)) {
      return;
    }
    int sum = 0;
    for (int i = WARM_BATCH; i < 2 * WARM_BATCH; i++) {
      Slot window = due.slotOf(ready.peek(i), false);
      Slot cell = due.slotOf(ready.peek(i + WARM_BATCH), false);
      Slot slot = due.slotOf(ready.peek(i + 2 * WARM_BATCH), false);
      Slot reference = due.slotOf(ready.peek(i + 3 * WARM_BATCH), false);
      sum += (reference == null ? 0 : 1) + (slot == null ? 0 : slot.moves)
          + (cell == null ? 0 : (cell.entry.disabled() ? 1 : 0) + cell.cell.warm(false))
          + (window == null ? 0 : window.cell.warm(true));
    }
    warmed += sum;
  }

  /**
   * Moves the keys whose time has come to the ring's tail, by payload: the slots are neither
   * read nor written (one cache miss each at 100,000 keys); stale entries are skipped at the head.
   */
  private void promoteDue(long nowMillis) {
    while (due.frontTime() <= nowMillis) {
      ready.addLast(due.pollFront());
    }
  }

  /** Keys disabled or removed while waiting would otherwise announce a false earliest time. */
  private void dropDeadDue() {
    while (due.hasCurrent() && !due.peek().live()) {
      due.poll().place = Slot.Place.OUT;
    }
  }

  private void putBackAtHead(List<Slot> skipped) {
    if (skipped != null) {
      for (int i = skipped.size() - 1; i >= 0; i--) {
        ready.addFirst(DueHeap.payload(skipped.get(i)));
      }
    }
  }
}
