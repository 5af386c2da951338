package io.geminibalance.upstream;

import java.util.concurrent.atomic.LongAdder;
import java.util.function.BooleanSupplier;

/**
 * Empty answers ({@link AnswerCheck#EMPTY}): whether they are retried (EMPTY_RESPONSE_RETRY, read
 * per answer so a save applies at once), and how many were seen since start.
 */
public final class EmptyAnswers {
  private final BooleanSupplier retry;
  private final LongAdder retried = new LongAdder();
  private final LongAdder returned = new LongAdder();

  public EmptyAnswers(BooleanSupplier retry) {
    this.retry = retry;
  }

  public boolean retryOn() {
    return retry.getAsBoolean();
  }

  void countRetried() {
    retried.increment();
  }

  void countReturned() {
    returned.increment();
  }

  /** Empty answers retried on another key. */
  public long retried() {
    return retried.sum();
  }

  /** Empty answers that went to the client (a retry's, or one no other key could replace). */
  public long returned() {
    return returned.sum();
  }
}
