package io.geminibalance.keypool;

import java.util.Arrays;

/**
 * The ready keys of a lane in turn order: an array deque of slots that, unlike {@link
 * java.util.ArrayDeque}, lets the lane look a few turns ahead (see {@link ModelLane}). Not
 * thread-safe: the lane locks.
 */
final class SlotRing {
  private Slot[] items = new Slot[16];
  private int head;
  private int size;

  int size() {
    return size;
  }

  /** The slot {@code index} turns from the head; {@code index < size()}. */
  Slot peek(int index) {
    return items[(head + index) & (items.length - 1)];
  }

  Slot pollFirst() {
    if (size == 0) {
      return null;
    }
    Slot first = items[head];
    items[head] = null;
    head = (head + 1) & (items.length - 1);
    size--;
    return first;
  }

  void addLast(Slot slot) {
    growIfFull();
    items[(head + size) & (items.length - 1)] = slot;
    size++;
  }

  void addFirst(Slot slot) {
    growIfFull();
    head = (head - 1) & (items.length - 1);
    items[head] = slot;
    size++;
  }

  private void growIfFull() {
    if (size == items.length) {
      Slot[] larger = new Slot[items.length * 2];
      for (int i = 0; i < size; i++) {
        larger[i] = peek(i);
      }
      items = larger;
      head = 0;
    }
  }

  @Override
  public String toString() {
    return "SlotRing(" + size + " slots)";
  }
}
