package io.geminibalance.keypool;

import static org.assertj.core.api.Assertions.assertThat;

import io.geminibalance.keypool.RateLimits.Limit;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class DueHeapTest {
  @Test
  void pollsInTimeOrderAndSkipsSlotsThatMovedMeanwhile() {
    DueHeap heap = new DueHeap();
    Random random = new Random(42);
    List<Slot> slots = new ArrayList<>();
    List<Long> expected = new ArrayList<>();
    for (int i = 0; i < 2_000; i++) {
      Slot slot = new Slot(new KeyEntry(new ApiKey("k" + i)), null, Limit.UNLIMITED);
      heap.register(slot);
      long time = random.nextInt(100_000);
      slot.place = Slot.Place.DUE;
      heap.add(slot, time);
      slots.add(slot);
      if (i % 5 == 0) {
        slot.moves++; // moved elsewhere: its entry is stale
      } else {
        expected.add(time);
      }
    }
    expected.sort(null);
    List<Long> polled = new ArrayList<>();
    while (heap.hasCurrent()) {
      polled.add(heap.peekTime());
      heap.poll();
    }
    assertThat(polled).isEqualTo(expected);
  }

  @Test
  void timesMostlyInOrderPollInOrderWhetherTheyWentToTheRunOrTheHeap() {
    DueHeap heap = new DueHeap();
    java.util.PriorityQueue<Long> reference = new java.util.PriorityQueue<>();
    Random random = new Random(7);
    long clock = 0;
    for (int i = 0; i < 5_000; i++) {
      Slot slot = new Slot(new KeyEntry(new ApiKey("k" + i)), null, Limit.UNLIMITED);
      heap.register(slot);
      slot.place = Slot.Place.DUE;
      clock += random.nextInt(3);
      long time = i % 10 == 0 ? clock + random.nextInt(50_000) : clock + 60_000; // a cooldown now and then
      heap.add(slot, time);
      reference.add(time);
      if (i % 3 == 0) { // polls interleaved with adds, as the lane does
        assertThat(heap.hasCurrent()).isTrue();
        assertThat(heap.peekTime()).isEqualTo(reference.poll());
        heap.poll();
      }
    }
    while (heap.hasCurrent()) {
      assertThat(heap.peekTime()).isEqualTo(reference.poll());
      heap.poll();
    }
    assertThat(reference).isEmpty();
  }
}
