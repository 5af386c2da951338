package io.geminibalance.storage;

import java.time.Instant;

/**
 * The error-log page's filters; null means "any".
 *
 * @param text substring of the error type or the error text
 */
public record ErrorLogQuery(
    String keyFingerprint, String text, Integer statusCode, Instant from, Instant to, boolean newestFirst,
    int offset, int limit) {

  public static ErrorLogQuery firstPage(int limit) {
    return new ErrorLogQuery(null, null, null, null, null, true, 0, limit);
  }
}
