package io.geminibalance.storage;

/** Calls of one key over a window; never the full key. */
public record KeyUsage(String keyFingerprint, String maskedKey, long success, long failure) {
  public long total() {
    return success + failure;
  }
}
