package io.geminibalance.protocol.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.function.Function;

/**
 * The usage of an answer relayed unchanged, read from the last bytes that went by: the body is
 * never parsed whole. Google writes {@code usageMetadata} after the candidates, in a unary answer
 * and in each chunk of a stream (SSE events or the elements of a JSON array), each chunk with the
 * counts so far; so the last complete usage object within the final bytes is the answer's, or,
 * for a stream cut short, the usage reported until then.
 *
 * <p>Only the last {@code capacity} bytes are kept: in an array grown as bytes come while the body
 * is shorter (a small answer takes a small one, and is searched in place), then used as a ring.
 * The search runs when {@link #usage()} is asked, once per answer. A key is taken only as a JSON key
 * (followed by {@code :} and an object), never right after a backslash (an escaped quote), so model text
 * that spells the key out is not read as usage. Not thread-safe: one stream, one event loop.
 */
public final class UsageTail {
  /**
   * Enough for the usage of any answer (well under 1 KiB with every modality's details) and the few
   * bytes Google writes after it. Every relayed answer holds this much while it lasts, so it is
   * kept small: 10,000 held streams with 16 KiB each ran the launcher's default heap out of memory.
   */
  public static final int DEFAULT_BYTES = 2 * 1024;
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final byte[] GEMINI_KEY = "\"usageMetadata\"".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] OPENAI_KEY = "\"usage\"".getBytes(StandardCharsets.US_ASCII);

  private static final byte[] NOTHING = new byte[0];
  /** The first array: most answers fit in it. */
  private static final int FIRST_BYTES = 2048;

  private final int capacity;
  /** Shorter than {@code capacity} only while every byte seen fits, at {@code [0, seen)}. */
  private byte[] ring = NOTHING;
  private final byte[] key;
  private final Function<JsonNode, TokenUsage> reading;
  /** Bytes seen in all; the next one goes to {@code ring[seen % ring.length]}. */
  private long seen;
  /** Bytes the last {@link #usage()} read through looking for objects' ends: what its cost is. */
  private long searched;

  private UsageTail(int capacity, byte[] key, Function<JsonNode, TokenUsage> reading) {
    if (capacity < 64) {
      throw new IllegalArgumentException("capacity too small: " + capacity);
    }
    this.capacity = capacity;
    this.key = key;
    this.reading = reading;
  }

  /** A Gemini answer's tail: its last {@code usageMetadata}. */
  public static UsageTail gemini(int capacity) {
    return new UsageTail(capacity, GEMINI_KEY, TokenUsage::fromUsageMetadata);
  }

  /** A Gemini answer's tail, {@link #DEFAULT_BYTES} kept. */
  public static UsageTail gemini() {
    return gemini(DEFAULT_BYTES);
  }

  /**
   * An answer of Google's OpenAI-compatible API: its last {@code usage} object
   * ({@link TokenUsage#fromOpenAiUsage}).
   */
  public static UsageTail openAiCompat() {
    return new UsageTail(DEFAULT_BYTES, OPENAI_KEY, TokenUsage::fromOpenAiUsage);
  }

  /** How many bytes are kept at most. */
  public int capacity() {
    return capacity;
  }

  /** Where the next bytes of the body are read from, without an intermediate copy. */
  @FunctionalInterface
  public interface Source {
    /** Copies {@code length} bytes, from the source's byte {@code from}, to {@code to[at]}. */
    void copyTo(int from, byte[] to, int at, int length);
  }

  /** The next {@code length} bytes of the body, from {@code bytes[offset]}; only the last ones are kept. */
  public void add(byte[] bytes, int offset, int length) {
    add(length, (from, to, at, n) -> System.arraycopy(bytes, offset + from, to, at, n));
  }

  /** The next {@code length} bytes of the body, read from {@code source}; only the last ones are copied. */
  public void add(int length, Source source) {
    if (length <= 0) {
      return;
    }
    if (ring.length < capacity) {
      long needed = seen + length;
      if (needed > ring.length) {
        ring = Arrays.copyOf(ring, (int) Math.min(capacity, Math.max(needed, Math.max(FIRST_BYTES, 2L * ring.length))));
      }
      if (needed <= ring.length) {
        source.copyTo(0, ring, (int) seen, length);
        seen = needed;
        return;
      }
    }
    int skip = Math.max(0, length - ring.length);
    seen += skip;
    int left = length - skip;
    int at = (int) (seen % ring.length);
    int first = Math.min(left, ring.length - at);
    source.copyTo(skip, ring, at, first);
    if (left > first) {
      source.copyTo(skip + first, ring, 0, left - first);
    }
    seen += left;
  }

  /**
   * The usage of the last complete usage object among the kept bytes, {@link TokenUsage#NONE}
   * when there is none (no usage reported yet, or its object cut by the end of the bytes seen).
   */
  public TokenUsage usage() {
    // Not yet wrapped: searched where it is; else the ring's bytes in order, copied once.
    byte[] tail = seen <= ring.length ? ring : kept();
    int length = (int) Math.min(seen, ring.length);
    searched = 0;
    // An object that is cut or not JSON bounds the search for the earlier ones: an earlier object
    // either ends before that key or holds it (and is then cut or not JSON too). So each kept byte
    // is read about once, however many keys hostile bytes repeat.
    int limit = length;
    for (int at = lastIndexOf(tail, length, length - key.length); at >= 0; at = lastIndexOf(tail, length, at - 1)) {
      int start = objectStart(tail, limit, at + key.length);
      if (start < 0) {
        continue;
      }
      TokenUsage usage = parsed(tail, start, objectEnd(tail, limit, start));
      if (usage != null) {
        return usage;
      }
      limit = at;
    }
    return TokenUsage.NONE;
  }

  /** Bytes the last {@link #usage()} read through looking for objects' ends (its cost, for tests). */
  long searchedBytes() {
    return searched;
  }

  private byte[] kept() {
    int length = (int) Math.min(seen, ring.length);
    byte[] tail = new byte[length];
    int start = (int) ((seen - length) % ring.length);
    int first = Math.min(length, ring.length - start);
    System.arraycopy(ring, start, tail, 0, first);
    System.arraycopy(ring, 0, tail, first, length - first);
    return tail;
  }

  /** The last start of the key at or before {@code from} that is not preceded by a backslash, or -1. */
  private int lastIndexOf(byte[] tail, int length, int from) {
    outer:
    for (int i = Math.min(from, length - key.length); i >= 0; i--) {
      for (int k = 0; k < key.length; k++) {
        if (tail[i + k] != key[k]) {
          continue outer;
        }
      }
      if (i > 0 && tail[i - 1] == '\\') {
        continue;
      }
      return i;
    }
    return -1;
  }

  /** Where the object after a key ending at {@code from} opens, or -1 when the key has no object. */
  private static int objectStart(byte[] tail, int length, int from) {
    int i = skipSpace(tail, length, from);
    if (i >= length || tail[i] != ':') {
      return -1;
    }
    int start = skipSpace(tail, length, i + 1);
    return start < length && tail[start] == '{' ? start : -1;
  }

  /** The usage in the object at {@code [start, end)}, or null when it is cut ({@code end} -1) or not JSON. */
  private TokenUsage parsed(byte[] tail, int start, int end) {
    if (end < 0) {
      return null;
    }
    try {
      return reading.apply(JSON.readTree(tail, start, end - start));
    } catch (IOException e) {
      return null;
    }
  }

  private static int skipSpace(byte[] tail, int length, int i) {
    while (i < length && (tail[i] == ' ' || tail[i] == '\n' || tail[i] == '\r' || tail[i] == '\t')) {
      i++;
    }
    return i;
  }

  /** The index after the brace closing the object opened at {@code start}, or -1 when cut. */
  private int objectEnd(byte[] tail, int length, int start) {
    int end = closingIndex(tail, length, start);
    searched += (end < 0 ? length : end) - start;
    return end;
  }

  private static int closingIndex(byte[] tail, int length, int start) {
    int depth = 0;
    boolean inString = false;
    for (int i = start; i < length; i++) {
      byte b = tail[i];
      if (inString) {
        if (b == '\\') {
          i++;
        } else if (b == '"') {
          inString = false;
        }
      } else if (b == '"') {
        inString = true;
      } else if (b == '{' || b == '[') {
        depth++;
      } else if (b == '}' || b == ']') {
        depth--;
        if (depth == 0) {
          return i + 1;
        }
      }
    }
    return -1;
  }
}
