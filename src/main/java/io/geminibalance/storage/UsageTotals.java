package io.geminibalance.storage;

/** Calls and tokens over a window; token sums only cover calls that reported usage. */
public record UsageTotals(long success, long failure, long promptTokens, long completionTokens) {
  public long total() {
    return success + failure;
  }
}
