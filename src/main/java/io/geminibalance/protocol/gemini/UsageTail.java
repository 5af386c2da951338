package io.geminibalance.protocol.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.function.Function;

/**
 * The usage of an answer relayed unchanged, read as its bytes go by: the body is never parsed
 * whole. Google writes {@code usageMetadata} after the candidates, in a unary answer and in each
 * chunk of a stream (SSE events or the elements of a JSON array), each chunk with the counts so
 * far; so the last complete usage object is the answer's, or, for a stream cut short, the usage
 * reported until then.
 *
 * <p>Every byte goes through a small JSON structure scanner (depth, strings and their escapes), so
 * the key is taken only at the top level of the value it belongs to: an SSE {@code data:}
 * payload, an element of a JSON-array stream, or a unary body. The model writes arbitrary JSON in
 * a function call's {@code args}, which may hold an object keyed {@code usageMetadata}; searching
 * the last bytes alone could not tell it from Google's when a stream is cut inside that event,
 * because the event's start may be long gone. The scanner keeps a few counters, never the bytes.
 *
 * <p>Only the last {@code capacity} bytes are kept, in an array grown as bytes come while the body
 * is shorter (a small answer takes a small one), then used as a ring; the scanner remembers where
 * the last complete usage object is, and {@link #usage()} parses it once, if it is still kept.
 * Linear in the bytes whatever they are; nothing allocated per chunk. Not thread-safe: one stream,
 * one event loop.
 */
public final class UsageTail {
  /**
   * Enough for the usage of any answer (well under 1 KiB with every modality's details) and the few
   * bytes Google writes after it. Every relayed answer holds this much while it lasts, so it is
   * kept small: 10,000 held streams with 16 KiB each ran the launcher's default heap out of memory.
   */
  public static final int DEFAULT_BYTES = 2 * 1024;
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final byte[] GEMINI_KEY = "usageMetadata".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] OPENAI_KEY = "usage".getBytes(StandardCharsets.US_ASCII);

  private static final byte[] NOTHING = new byte[0];
  /** The first array: most answers fit in it. */
  private static final int FIRST_BYTES = 2048;

  /** Eight bytes of the ring at a time, first byte lowest: a string's plain bytes are skipped a word at a time. */
  private static final VarHandle WORDS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final long ONES = 0x0101010101010101L;
  private static final long HIGHS = 0x8080808080808080L;
  private static final long QUOTES = 0x2222222222222222L;
  private static final long BACKSLASHES = 0x5C5C5C5C5C5C5C5CL;

  /** After a string that is the key at the top level: what must follow for its value to be read. */
  private static final int NO_KEY = 0;
  private static final int COLON = 1;
  private static final int OBJECT = 2;

  private final int capacity;
  /** Shorter than {@code capacity} only while every byte seen fits, at {@code [0, seen)}. */
  private byte[] ring = NOTHING;
  /** The key's text, without its quotes. */
  private final byte[] key;
  private final Function<JsonNode, TokenUsage> reading;
  /** Bytes seen in all; the next one goes to {@code ring[seen % ring.length]}. */
  private long seen;
  /** Bytes the last {@link #usage()} handed to the parser: what its cost is. */
  private long searched;

  // The scanner, over every byte of the body.
  /** Objects and arrays open at the current byte (outside strings). */
  private int depth;
  private boolean inString;
  private boolean escaped;
  /**
   * The depth of the values the key belongs to: 0 while the body's first bracket is not seen or is
   * a brace (a unary body, SSE payloads), 1 when it is a JSON-array stream (its elements).
   */
  private int base = -1;
  /** Whether the value open at depth {@code base + 1} is an object (so its strings may be keys). */
  private boolean topIsObject;
  /** Bytes of the key matched by the string being read, -1 when it is not the key. */
  private int matched = -1;
  /** {@link #NO_KEY}, {@link #COLON} or {@link #OBJECT}. */
  private int after = NO_KEY;
  /** Where the usage object being read opens (a byte offset in the body), -1 when none is open. */
  private long openAt = -1;
  /** The last complete usage object at the top level: {@code [usageStart, usageEnd)}, -1 when none. */
  private long usageStart = -1;
  private long usageEnd = -1;

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

  /**
   * A Live API server message received in fragments: its top-level {@code usageMetadata}
   * ({@link TokenUsage#fromLiveUsage}), {@link #DEFAULT_BYTES} kept.
   */
  public static UsageTail live() {
    return new UsageTail(DEFAULT_BYTES, GEMINI_KEY, TokenUsage::fromLiveUsage);
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

  /**
   * The next {@code length} bytes of the body, read from {@code source}: every byte is copied
   * through the ring, a piece at a time, and scanned there; only the last ones stay.
   */
  public void add(int length, Source source) {
    if (length <= 0) {
      return;
    }
    if (ring.length < capacity && seen + length > ring.length) {
      // Not wrapped yet (the ring is full size before it wraps), so [0, seen) stays in place.
      ring = Arrays.copyOf(ring, (int) Math.min(capacity, Math.max(seen + length, Math.max(FIRST_BYTES, 2L * ring.length))));
    }
    int done = 0;
    while (done < length) {
      int at = (int) (seen % ring.length);
      int n = Math.min(length - done, ring.length - at);
      source.copyTo(done, ring, at, n);
      scan(at, at + n, seen - at);
      seen += n;
      done += n;
    }
  }

  /**
   * Reads {@code ring[from, to)} through the scanner; {@code origin} is the body offset of
   * {@code ring[0]} for these bytes.
   */
  private void scan(int from, int to, long origin) {
    byte[] bytes = ring;
    for (int i = from; i < to; i++) {
      if (inString && !escaped && matched < 0) {
        // Inside a string that is not the key only a quote or a backslash changes anything; most
        // bytes of an answer are such strings (text, base64 images), so they are skipped in words.
        i = quoteOrBackslash(bytes, i, to);
        if (i == to) {
          return;
        }
      }
      byte b = bytes[i];
      if (inString) {
        if (escaped) {
          escaped = false;
        } else if (b == '\\') {
          // An escaped key is not Google's spelling: not the key.
          escaped = true;
          matched = -1;
        } else if (b == '"') {
          inString = false;
          after = matched == key.length ? COLON : NO_KEY;
        } else if (matched >= 0) {
          matched = matched < key.length && key[matched] == b ? matched + 1 : -1;
        }
        continue;
      }
      switch (b) {
        case '"' -> {
          inString = true;
          matched = depth == base + 1 && topIsObject ? 0 : -1;
          after = NO_KEY;
        }
        case '{', '[' -> {
          if (after == OBJECT && b == '{') {
            openAt = origin + i;
          }
          after = NO_KEY;
          if (base < 0) {
            base = b == '[' ? 1 : 0;
          }
          if (depth < Integer.MAX_VALUE) {
            depth++;
          }
          if (depth == base + 1) {
            topIsObject = b == '{';
          }
        }
        case '}', ']' -> {
          after = NO_KEY;
          if (depth > 0) {
            depth--;
          }
          if (openAt >= 0 && depth <= base + 1) {
            // The usage object closed (or, in broken JSON, its container did: then it is not used).
            if (depth == base + 1) {
              usageStart = openAt;
              usageEnd = origin + i + 1;
            }
            openAt = -1;
          }
        }
        case ':' -> after = after == COLON ? OBJECT : NO_KEY;
        case ' ', '\t', '\r', '\n' -> { }
        default -> after = NO_KEY;
      }
    }
  }

  /** The index of the first {@code "} or {@code \\} in {@code bytes[from, to)}, or {@code to}. */
  private static int quoteOrBackslash(byte[] bytes, int from, int to) {
    int i = from;
    for (; i <= to - Long.BYTES; i += Long.BYTES) {
      long word = (long) WORDS.get(bytes, i);
      long quotes = word ^ QUOTES;
      long backslashes = word ^ BACKSLASHES;
      // A zero byte of either sets its high bit here; a borrow only ever sets bits above a true
      // zero byte, so the lowest bit set is the first match.
      long found = ((quotes - ONES) & ~quotes | (backslashes - ONES) & ~backslashes) & HIGHS;
      if (found != 0) {
        return i + (Long.numberOfTrailingZeros(found) >>> 3);
      }
    }
    for (; i < to; i++) {
      if (bytes[i] == '"' || bytes[i] == '\\') {
        return i;
      }
    }
    return to;
  }

  /**
   * The usage of the last complete usage object at the top level, {@link TokenUsage#NONE} when
   * there is none (no usage reported yet, its object cut by the end of the bytes seen, or no
   * longer among the bytes kept).
   */
  public TokenUsage usage() {
    searched = 0;
    if (usageEnd < 0 || usageStart < seen - ring.length) {
      return TokenUsage.NONE;
    }
    int length = (int) (usageEnd - usageStart);
    int start = (int) (usageStart % ring.length);
    byte[] object = ring;
    if (start + length > ring.length) {
      object = new byte[length];
      int first = ring.length - start;
      System.arraycopy(ring, start, object, 0, first);
      System.arraycopy(ring, 0, object, first, length - first);
      start = 0;
    }
    searched = length;
    try {
      return reading.apply(JSON.readTree(object, start, length));
    } catch (IOException e) {
      return TokenUsage.NONE;
    }
  }

  /** Bytes the last {@link #usage()} handed to the parser (its cost, for tests). */
  long searchedBytes() {
    return searched;
  }
}
