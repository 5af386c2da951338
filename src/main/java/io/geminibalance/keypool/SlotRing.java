package io.geminibalance.keypool;

/**
 * The ready keys of a lane in turn order, as slot payloads (slot id and move count, see {@link
 * DueHeap}) in a ring of longs: moving a key from the due queue to the ring touches neither the
 * slot nor anything of the key, and the lane can look a few turns ahead. An entry whose slot
 * moved since is stale and skipped when it reaches the head. Not thread-safe: the lane locks.
 */
final class SlotRing {
  private long[] items = new long[16];
  private int head;
  private int size;

  int size() {
    return size;
  }

  /** The payload {@code index} turns from the head; {@code index < size()}. */
  long peek(int index) {
    return items[(head + index) & (items.length - 1)];
  }

  /** The head's payload; {@code size() > 0}. */
  long pollFirst() {
    long first = items[head];
    head = (head + 1) & (items.length - 1);
    size--;
    return first;
  }

  void addLast(long payload) {
    growIfFull();
    items[(head + size) & (items.length - 1)] = payload;
    size++;
  }

  void addFirst(long payload) {
    growIfFull();
    head = (head - 1) & (items.length - 1);
    items[head] = payload;
    size++;
  }

  private void growIfFull() {
    if (size == items.length) {
      long[] larger = new long[items.length * 2];
      for (int i = 0; i < size; i++) {
        larger[i] = peek(i);
      }
      items = larger;
      head = 0;
    }
  }

  @Override
  public String toString() {
    return "SlotRing(" + size + " entries)";
  }
}
