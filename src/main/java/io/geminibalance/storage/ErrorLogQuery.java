package io.geminibalance.storage;

import java.time.Instant;

/**
 * The error-log page's filters; null means "any".
 *
 * @param key rows of exactly this key (an admin pasted the whole key, or gave its fingerprint)
 * @param keyText case-insensitive substring of the stored key: its last 4 characters on rows we
 *     write (the key itself is never stored), the whole key on rows gemini-balance wrote
 * @param text case-insensitive substring of the error type or the error text
 * @param byTime sort by request time (ties by id) rather than by id
 */
public record ErrorLogQuery(
    KeyMatch key, String keyText, String text, Integer statusCode, Instant from, Instant to,
    boolean byTime, boolean newestFirst, int offset, int limit) {

  public static ErrorLogQuery firstPage(int limit) {
    return new ErrorLogQuery(null, null, null, null, null, null, false, true, 0, limit);
  }
}
