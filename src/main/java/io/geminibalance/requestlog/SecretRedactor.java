package io.geminibalance.requestlog;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Masks secrets in free text (process log lines, upstream error messages, request bodies, error
 * answers) before it is stored, logged or sent: Google API keys and {@code sk-} tokens by their
 * shape, and every secret registered explicitly (pool keys, client and admin tokens, custom header
 * values, passwords), whatever its shape. Each secret keeps its last 4 characters so people can
 * tell which one it was. Thread-safe; registering is rare, redacting is cheap.
 *
 * <p>Registered secrets are never dropped: a key removed from the pool is still a valid key at
 * Google, and a log line about it may be written after its removal. The set grows only with what
 * an operator configures, and holds the same strings the pool holds anyway.
 *
 * <p>{@link #process()} is the instance the process log (Logback, which builds its converters
 * itself), the error-log rows and the admin API's messages share, so a secret registered once is
 * masked everywhere.
 */
public final class SecretRedactor {
  private static final Pattern GOOGLE_KEY = Pattern.compile("AIza[0-9A-Za-z_-]{35}");
  private static final Pattern SK_TOKEN = Pattern.compile("sk-[0-9A-Za-z_-]{8,}");
  /**
   * Shorter registered secrets would mask ordinary words. Also the width of the look-up window.
   * The configuration refuses shorter keys and tokens ({@code ConfigValues.credentials}), so every
   * one of them is masked.
   */
  public static final int MIN_REGISTERED_LENGTH = io.geminibalance.config.SecretSettings.MIN_LENGTH;
  private static final SecretRedactor PROCESS = new SecretRedactor();

  private final Set<String> registered = new HashSet<>();
  /** An immutable look-up over {@link #registered}, replaced whole when a secret is added. */
  private volatile Index index = Index.EMPTY;

  /** The process-wide instance: the one the log output, stored rows and admin answers go through. */
  public static SecretRedactor process() {
    return PROCESS;
  }

  public void register(String secret) {
    registerAll(secret == null ? List.of() : List.of(secret));
  }

  /** Registers many secrets with one rebuild of the look-up (a pool may hold 100,000 keys). */
  public synchronized void registerAll(Collection<String> secrets) {
    boolean added = false;
    for (String secret : secrets) {
      if (secret != null && secret.length() >= MIN_REGISTERED_LENGTH) {
        added |= registered.add(secret);
      }
    }
    if (added) {
      index = Index.of(registered);
    }
  }

  public String redact(String text) {
    if (text == null || text.isEmpty()) {
      return text;
    }
    String result = index.mask(text);
    if (result.contains("AIza")) {
      result = maskMatches(GOOGLE_KEY, result, "AIza");
    }
    if (result.contains("sk-")) {
      result = maskMatches(SK_TOKEN, result, "sk-");
    }
    return result;
  }

  private static String maskMatches(Pattern pattern, String text, String prefix) {
    Matcher matcher = pattern.matcher(text);
    if (!matcher.find()) {
      return text;
    }
    StringBuilder out = new StringBuilder(text.length());
    do {
      matcher.appendReplacement(out, Matcher.quoteReplacement(mask(matcher.group(), prefix)));
    } while (matcher.find());
    matcher.appendTail(out);
    return out.toString();
  }

  static String mask(String secret, String keptPrefix) {
    return keptPrefix + "..." + secret.substring(secret.length() - 4);
  }

  /**
   * Finds registered secrets in one pass over the text: the last 8 characters read are packed into
   * a long (one byte each) and looked up in an open-addressing table of the secrets' first 8
   * characters, so a text costs at most one table probe per character however many secrets there
   * are, and nothing is allocated unless a secret is found. A bitmap of the secrets' first two
   * characters skips the probe at almost every position (a pool of Google keys starts "AI"). Secrets with a character beyond
   * Latin-1 (which cannot be packed) are searched for one by one; there are none in practice.
   */
  private record Index(long[] prefixes, String[][] secrets, int mask, String[] wide, long[] leadingPairs) {
    static final Index EMPTY = new Index(new long[1], new String[1][], 0, new String[0], new long[1024]);

    static Index of(Set<String> all) {
      List<String> packable = new ArrayList<>();
      List<String> wide = new ArrayList<>();
      for (String secret : all) {
        (packable(secret) ? packable : wide).add(secret);
      }
      int capacity = Integer.highestOneBit(Math.max(2, packable.size() * 2) - 1) << 1;
      long[] prefixes = new long[capacity];
      String[][] secrets = new String[capacity][];
      long[] leadingPairs = new long[1024];
      for (String secret : packable) {
        long prefix = 0;
        for (int i = 0; i < MIN_REGISTERED_LENGTH; i++) {
          prefix = prefix << 8 | secret.charAt(i);
        }
        int slot = slot(prefix, capacity - 1);
        while (secrets[slot] != null && prefixes[slot] != prefix) {
          slot = (slot + 1) & (capacity - 1);
        }
        prefixes[slot] = prefix;
        secrets[slot] = append(secrets[slot], secret);
        int pair = (int) (prefix >>> 48);
        leadingPairs[pair >>> 6] |= 1L << pair;
      }
      return new Index(prefixes, secrets, capacity - 1, wide.toArray(String[]::new), leadingPairs);
    }

    private static boolean packable(String secret) {
      for (int i = 0; i < MIN_REGISTERED_LENGTH; i++) {
        if (secret.charAt(i) > 0xff) {
          return false;
        }
      }
      return true;
    }

    /** Longest first, so a secret that extends another is masked whole. */
    private static String[] append(String[] list, String secret) {
      String[] out = list == null ? new String[1] : java.util.Arrays.copyOf(list, list.length + 1);
      out[out.length - 1] = secret;
      java.util.Arrays.sort(out, (a, b) -> b.length() - a.length());
      return out;
    }

    private static int slot(long prefix, int mask) {
      return (int) ((prefix * 0x9E3779B97F4A7C15L) >>> 32) & mask;
    }

    String mask(String text) {
      int length = text.length();
      StringBuilder out = null;
      int copied = 0;
      if (mask > 0 && length >= MIN_REGISTERED_LENGTH) {
        long window = 0;
        int run = 0;
        for (int i = 0; i < length; i++) {
          char c = text.charAt(i);
          if (c > 0xff) {
            run = 0;
            continue;
          }
          window = window << 8 | c;
          int start = i - (MIN_REGISTERED_LENGTH - 1);
          if (++run < MIN_REGISTERED_LENGTH || start < copied) {
            continue;
          }
          // Most positions end here: no secret starts with these two characters (a bit in 8 KiB).
          int pair = (int) (window >>> 48);
          if ((leadingPairs[pair >>> 6] & 1L << pair) == 0) {
            continue;
          }
          String found = find(text, start, window);
          if (found != null) {
            out = out == null ? new StringBuilder(length) : out;
            out.append(text, copied, start).append(SecretRedactor.mask(found, ""));
            copied = start + found.length();
          }
        }
      }
      String result = out == null ? text : out.append(text, copied, length).toString();
      for (String secret : wide) {
        if (result.contains(secret)) {
          result = result.replace(secret, SecretRedactor.mask(secret, ""));
        }
      }
      return result;
    }

    private String find(String text, int start, long window) {
      int slot = slot(window, mask);
      while (secrets[slot] != null) {
        if (prefixes[slot] == window) {
          for (String secret : secrets[slot]) {
            if (text.startsWith(secret, start)) {
              return secret;
            }
          }
          return null;
        }
        slot = (slot + 1) & mask;
      }
      return null;
    }
  }
}
