package io.geminibalance.keypool;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A min-queue of slots by the time they free: a FIFO run for times added in non-decreasing order
 * plus a 4-ary heap for the rest. A key that spent its minute frees when its oldest send leaves
 * the window, and with keys taking turns those times arrive almost always in order: they go to
 * the run, O(1) to add and to take, touching memory sequentially. A cooldown or a day limit out
 * of order goes to the heap, O(log n). The heap's entries are pairs of longs (time, slot id and
 * move count) in one array, so a level's four children sit in one or two cache lines and sifting
 * never touches a slot object. (At 100,000 keys a heap alone cost a sift through eight levels,
 * mostly cache misses, per lease.) A slot that moved after it was added is known by its move
 * count when it reaches the front and is dropped there. Not thread-safe: the lane locks.
 */
final class DueHeap {
  private static final int ARITY = 4;

  private final List<Slot> slotsById = new ArrayList<>();
  private long[] entries = new long[2 * 16];
  private int size;
  /** The run: a ring of (time, payload) pairs in non-decreasing time order. */
  private long[] run = new long[2 * 16];
  private int runHead;
  private int runSize;

  /** Gives a slot its id in this heap; once per slot. */
  void register(Slot slot) {
    slot.id = slotsById.size();
    slotsById.add(slot);
  }

  /** Lets a removed slot be collected; its entries, if any, become stale. */
  void unregister(Slot slot) {
    slotsById.set(slot.id, null);
  }

  /** Drops stale entries from the front; true when a current one remains. */
  boolean hasCurrent() {
    while (runSize > 0 && !current(run[2 * runHead + 1])) {
      removeRunHead();
    }
    while (size > 0 && !current(entries[1])) {
      removeTop();
    }
    return size > 0 || runSize > 0;
  }

  /** The earliest current entry's time; call {@link #hasCurrent()} first. */
  long peekTime() {
    return fromRun() ? run[2 * runHead] : entries[0];
  }

  Slot peek() {
    return slotsById.get(slotId(fromRun() ? run[2 * runHead + 1] : entries[1]));
  }

  Slot poll() {
    Slot first = peek();
    if (fromRun()) {
      removeRunHead();
    } else {
      removeTop();
    }
    return first;
  }

  void add(Slot slot, long freeAtMillis) {
    if (runSize == 0 || freeAtMillis >= run[2 * ((runHead + runSize - 1) & (run.length / 2 - 1))]) {
      append(freeAtMillis, payload(slot));
      return;
    }
    if (2 * size == entries.length) {
      entries = Arrays.copyOf(entries, entries.length * 2);
    }
    siftUp(size++, freeAtMillis, payload(slot));
  }

  /**
   * The earliest entry's time, current or stale, without looking at any slot; {@link
   * Long#MAX_VALUE} when empty.
   */
  long frontTime() {
    if (runSize == 0 && size == 0) {
      return Long.MAX_VALUE;
    }
    return fromRun() ? run[2 * runHead] : entries[0];
  }

  /** Removes the earliest entry and returns its payload; current or stale, see {@link #slotOf}. */
  long pollFront() {
    long payload;
    if (fromRun()) {
      payload = run[2 * runHead + 1];
      removeRunHead();
    } else {
      payload = entries[1];
      removeTop();
    }
    return payload;
  }

  /**
   * The slot of a payload; with {@code current}, null when the slot moved since the payload was
   * made (or left the pool).
   */
  Slot slotOf(long payload, boolean current) {
    Slot slot = slotsById.get(slotId(payload));
    return slot == null || (current && slot.moves != (int) payload) ? null : slot;
  }

  /** Whether the front is the run's head (ties go to the run: it was added first or equal). */
  private boolean fromRun() {
    return runSize > 0 && (size == 0 || run[2 * runHead] <= entries[0]);
  }

  private void append(long time, long payload) {
    int capacity = run.length / 2; // a power of two
    if (runSize == capacity) {
      long[] larger = new long[run.length * 2];
      for (int i = 0; i < runSize; i++) {
        int from = (runHead + i) & (capacity - 1);
        larger[2 * i] = run[2 * from];
        larger[2 * i + 1] = run[2 * from + 1];
      }
      run = larger;
      runHead = 0;
      capacity *= 2;
    }
    int at = (runHead + runSize) & (capacity - 1);
    run[2 * at] = time;
    run[2 * at + 1] = payload;
    runSize++;
  }

  private void removeRunHead() {
    runHead = (runHead + 1) & (run.length / 2 - 1);
    runSize--;
  }

  private boolean current(long payload) {
    Slot slot = slotsById.get(slotId(payload));
    return slot != null && slot.place == Slot.Place.DUE && slot.moves == (int) payload;
  }

  private void removeTop() {
    int last = --size;
    if (last > 0) {
      siftDown(entries[2 * last], entries[2 * last + 1]);
    }
  }

  private void siftUp(int index, long time, long payload) {
    while (index > 0) {
      int parent = (index - 1) / ARITY;
      if (entries[2 * parent] <= time) {
        break;
      }
      copy(parent, index);
      index = parent;
    }
    set(index, time, payload);
  }

  private void siftDown(long time, long payload) {
    int index = 0;
    while (true) {
      int child = smallestChild(index);
      if (child < 0 || time <= entries[2 * child]) {
        break;
      }
      copy(child, index);
      index = child;
    }
    set(index, time, payload);
  }

  private int smallestChild(int index) {
    int first = ARITY * index + 1;
    if (first >= size) {
      return -1;
    }
    int end = Math.min(first + ARITY, size);
    int best = first;
    for (int child = first + 1; child < end; child++) {
      if (entries[2 * child] < entries[2 * best]) {
        best = child;
      }
    }
    return best;
  }

  private void copy(int from, int to) {
    entries[2 * to] = entries[2 * from];
    entries[2 * to + 1] = entries[2 * from + 1];
  }

  private void set(int index, long time, long payload) {
    entries[2 * index] = time;
    entries[2 * index + 1] = payload;
  }

  static long payload(Slot slot) {
    return ((long) slot.id << 32) | (slot.moves & 0xFFFF_FFFFL);
  }

  private static int slotId(long payload) {
    return (int) (payload >>> 32);
  }
}
