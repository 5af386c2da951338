package io.geminibalance.storage;

import java.time.LocalDateTime;

/** Calls in one time bucket; {@code start} is local time in the storage zone. */
public record BucketCount(LocalDateTime start, long success, long failure) {
  public long total() {
    return success + failure;
  }
}
