package io.geminibalance.keypool;

import java.util.Arrays;

/**
 * A min-heap of slots by the time they free. Times, slots and move counts sit in parallel
 * arrays, so sifting compares contiguous {@code long}s and never touches a slot object: with
 * 100,000 keys that is the difference between a few cache misses per lease and one per level.
 * A slot that moved after it was added is recognised as stale by its move count when it reaches
 * the top, instead of being searched for. Not thread-safe: the lane locks.
 */
final class DueHeap {
  private long[] times = new long[16];
  private Slot[] slots = new Slot[16];
  private int[] moves = new int[16];
  private int size;

  /** Drops stale entries from the top; true when a current one remains. */
  boolean hasCurrent() {
    while (size > 0 && (slots[0].moves != moves[0] || slots[0].place != Slot.Place.DUE)) {
      removeTop();
    }
    return size > 0;
  }

  /** The first current entry's time; call {@link #hasCurrent()} first. */
  long peekTime() {
    return times[0];
  }

  Slot peek() {
    return slots[0];
  }

  void add(Slot slot, long freeAtMillis) {
    if (size == times.length) {
      times = Arrays.copyOf(times, size * 2);
      slots = Arrays.copyOf(slots, size * 2);
      moves = Arrays.copyOf(moves, size * 2);
    }
    siftUp(size++, slot, slot.moves, freeAtMillis);
  }

  Slot poll() {
    Slot first = slots[0];
    removeTop();
    return first;
  }

  private void removeTop() {
    int last = --size;
    Slot moved = slots[last];
    int movedCount = moves[last];
    long movedTime = times[last];
    slots[last] = null;
    if (last > 0) {
      siftDown(moved, movedCount, movedTime);
    }
  }

  private void siftUp(int index, Slot slot, int moveCount, long time) {
    while (index > 0) {
      int parent = (index - 1) >>> 1;
      if (times[parent] <= time) {
        break;
      }
      set(index, slots[parent], moves[parent], times[parent]);
      index = parent;
    }
    set(index, slot, moveCount, time);
  }

  private void siftDown(Slot slot, int moveCount, long time) {
    int index = 0;
    int half = size >>> 1;
    while (index < half) {
      int child = 2 * index + 1;
      int right = child + 1;
      if (right < size && times[right] < times[child]) {
        child = right;
      }
      if (time <= times[child]) {
        break;
      }
      set(index, slots[child], moves[child], times[child]);
      index = child;
    }
    set(index, slot, moveCount, time);
  }

  private void set(int index, Slot slot, int moveCount, long time) {
    slots[index] = slot;
    moves[index] = moveCount;
    times[index] = time;
  }
}
