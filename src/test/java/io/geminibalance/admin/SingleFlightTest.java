package io.geminibalance.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class SingleFlightTest {
  private final SingleFlight<String, Integer> flight = new SingleFlight<>("the sum of");
  private final AtomicInteger computed = new AtomicInteger();

  private CompletableFuture<Integer> compute(CompletableFuture<Integer> result) {
    computed.incrementAndGet();
    return result;
  }

  @Test
  void theSameKeySharesADifferentOneIsBusyUntilTheFirstIsDone() {
    CompletableFuture<Integer> held = new CompletableFuture<>();
    CompletableFuture<Integer> first = flight.run("a", () -> compute(held));
    CompletableFuture<Integer> again = flight.run("a", () -> compute(new CompletableFuture<>()));
    CompletableFuture<Integer> other = flight.run("b", () -> compute(CompletableFuture.completedFuture(2)));

    assertThat(computed.get()).isEqualTo(1);
    assertThat(other).failsWithin(java.time.Duration.ZERO).withThrowableOfType(Exception.class)
        .havingCause().isInstanceOf(SingleFlight.Busy.class).withMessage("busy with the sum of a; retry in a few seconds");

    held.complete(1);
    assertThat(first).isCompletedWithValue(1);
    assertThat(again).isCompletedWithValue(1);
    assertThat(flight.run("b", () -> compute(CompletableFuture.completedFuture(2)))).isCompletedWithValue(2);
    assertThat(computed.get()).isEqualTo(2);
  }

  @Test
  void aFailedOrThrowingComputationFreesTheSlot() {
    assertThat(flight.run("a", () -> {
      throw new IllegalStateException("no database");
    })).isCompletedExceptionally();
    assertThat(flight.run("b", () -> CompletableFuture.failedFuture(new IllegalStateException("failed"))))
        .isCompletedExceptionally();
    assertThat(flight.run("c", () -> compute(CompletableFuture.completedFuture(3)))).isCompletedWithValue(3);
  }
}
