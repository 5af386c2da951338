package io.geminibalance.admin;

import java.util.concurrent.CompletionException;

/** Failures of the stores' futures, as the admin API reports them. */
final class Failures {
  private Failures() {}

  /**
   * The failure itself: a {@link java.util.concurrent.CompletableFuture} stage hands its callbacks
   * the error wrapped in a {@link CompletionException}, whose own message only repeats the cause's
   * class and message.
   */
  static Throwable cause(Throwable err) {
    return err instanceof CompletionException && err.getCause() != null ? err.getCause() : err;
  }
}
