package io.geminibalance.protocol.openai;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Remembers, per OpenAI tool call id we handed out, what Gemini needs back on the next turn.
 *
 * <p>Many OpenAI clients rebuild their history from scratch and drop our
 * {@code extra_content.google.thought_signature}; Gemini 3 then rejects the follow-up request.
 * This LRU with a time-to-live lets the request translator restore the signature. It is bounded
 * in bytes, not entries: a signature can be anything from a few bytes to hundreds of kilobytes,
 * so a count would bound nothing. Each entry is charged two bytes per character of its strings
 * (what Java stores at most) plus a fixed overhead; the least recently used entries go first once
 * the budget is exceeded, and an entry larger than the whole budget is not kept.
 * Time is passed in (epoch millis) so the cache stays clock-free and testable.
 * Thread-safe: every method synchronizes on the instance; the work under the lock is constant
 * time per entry added or evicted.
 */
public final class ThoughtSignatureCache {
  /** The gateway's budget: 64 MiB. */
  public static final long DEFAULT_MAX_BYTES = 64L * 1024 * 1024;
  /** Long enough for a conversation's next turn. */
  public static final long DEFAULT_TTL_MILLIS = 6 * 3_600_000L;
  /** What one entry costs beyond its characters: the map node, two records, four string headers. */
  static final long ENTRY_OVERHEAD_BYTES = 200;

  /** What one tool call id restores: the function name, its signature and Gemini's own call id. */
  public record Entry(String name, String thoughtSignature, String upstreamId) {}

  private record Timed(Entry entry, long expiresAtMillis, long bytes) {}

  private final long maxBytes;
  private final long ttlMillis;
  private final LinkedHashMap<String, Timed> entries = new LinkedHashMap<>(16, 0.75f, true);
  private long bytes;

  public ThoughtSignatureCache(long maxBytes, long ttlMillis) {
    if (maxBytes < 1 || ttlMillis < 1) {
      throw new IllegalArgumentException("maxBytes and ttlMillis must be positive");
    }
    this.maxBytes = maxBytes;
    this.ttlMillis = ttlMillis;
  }

  /** The bytes an entry is charged. */
  static long sizeOf(String toolCallId, Entry entry) {
    return ENTRY_OVERHEAD_BYTES
        + 2L * (length(toolCallId) + length(entry.name()) + length(entry.thoughtSignature()) + length(entry.upstreamId()));
  }

  private static int length(String text) {
    return text == null ? 0 : text.length();
  }

  public synchronized void put(String toolCallId, Entry entry, long nowMillis) {
    Objects.requireNonNull(toolCallId);
    Objects.requireNonNull(entry);
    long size = sizeOf(toolCallId, entry);
    Timed previous = size > maxBytes ? entries.remove(toolCallId)
        : entries.put(toolCallId, new Timed(entry, nowMillis + ttlMillis, size));
    if (previous != null) {
      bytes -= previous.bytes();
    }
    if (size <= maxBytes) {
      bytes += size;
    }
    evict(nowMillis);
  }

  /** Drops the least recently used entries while over budget, and expired ones found on the way. */
  private void evict(long nowMillis) {
    Iterator<Timed> eldest = entries.values().iterator();
    while (eldest.hasNext()) {
      Timed timed = eldest.next();
      if (bytes <= maxBytes && nowMillis < timed.expiresAtMillis()) {
        return;
      }
      eldest.remove();
      bytes -= timed.bytes();
    }
  }

  /** The live entry for an id; an expired one is dropped and reads as absent. */
  public synchronized Optional<Entry> get(String toolCallId, long nowMillis) {
    Timed timed = entries.get(toolCallId);
    if (timed == null) {
      return Optional.empty();
    }
    if (nowMillis >= timed.expiresAtMillis()) {
      entries.remove(toolCallId);
      bytes -= timed.bytes();
      return Optional.empty();
    }
    return Optional.of(timed.entry());
  }

  public synchronized int size() {
    return entries.size();
  }

  /** The bytes charged for the entries held; never above the budget. */
  public synchronized long bytes() {
    return bytes;
  }
}
