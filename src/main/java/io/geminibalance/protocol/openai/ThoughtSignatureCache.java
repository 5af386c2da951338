package io.geminibalance.protocol.openai;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Remembers, per OpenAI tool call id we handed out, what Gemini needs back on the next turn.
 *
 * <p>Many OpenAI clients rebuild their history from scratch and drop our
 * {@code extra_content.google.thought_signature}; Gemini 3 then rejects the follow-up request.
 * This bounded LRU with a time-to-live lets the request translator restore the signature.
 * Time is passed in (epoch millis) so the cache stays clock-free and testable.
 * Thread-safe: every method synchronizes on the instance; entries are tiny and the work
 * under the lock is constant time.
 */
public final class ThoughtSignatureCache {

  /** What one tool call id restores: the function name, its signature and Gemini's own call id. */
  public record Entry(String name, String thoughtSignature, String upstreamId) {}

  private record Timed(Entry entry, long expiresAtMillis) {}

  private final long ttlMillis;
  private final LinkedHashMap<String, Timed> entries;

  public ThoughtSignatureCache(int maxEntries, long ttlMillis) {
    if (maxEntries < 1 || ttlMillis < 1) {
      throw new IllegalArgumentException("maxEntries and ttlMillis must be positive");
    }
    this.ttlMillis = ttlMillis;
    this.entries = new LinkedHashMap<>(16, 0.75f, true) {
      private static final long serialVersionUID = 1L;

      @Override
      protected boolean removeEldestEntry(Map.Entry<String, Timed> eldest) {
        return size() > maxEntries;
      }
    };
  }

  public synchronized void put(String toolCallId, Entry entry, long nowMillis) {
    entries.put(Objects.requireNonNull(toolCallId), new Timed(Objects.requireNonNull(entry), nowMillis + ttlMillis));
  }

  /** The live entry for an id; an expired one is dropped and reads as absent. */
  public synchronized Optional<Entry> get(String toolCallId, long nowMillis) {
    Timed timed = entries.get(toolCallId);
    if (timed == null) {
      return Optional.empty();
    }
    if (nowMillis >= timed.expiresAtMillis()) {
      entries.remove(toolCallId);
      return Optional.empty();
    }
    return Optional.of(timed.entry());
  }

  public synchronized int size() {
    return entries.size();
  }
}
