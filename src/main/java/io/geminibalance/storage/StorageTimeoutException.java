package io.geminibalance.storage;

import java.time.Duration;

/**
 * A database statement ran longer than its limit and was cancelled (statistics over a large
 * request log): the database is fine, the question was too big for now.
 */
public final class StorageTimeoutException extends RuntimeException {
  public StorageTimeoutException(String operation, Duration limit, Throwable cause) {
    super(operation + ": stopped after " + (limit.toMillis() % 1000 == 0 ? limit.toSeconds() + " s"
        : limit.toMillis() + " ms"), cause);
  }
}
