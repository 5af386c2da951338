package io.geminibalance.admin;

import io.geminibalance.keypool.ApiKey;
import io.geminibalance.requestlog.SecretRedactor;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Keys from pasted text, for the bulk add. Pure. Two modes: {@code extract} finds Google API keys
 * ({@code AIza} and 35 of {@code [0-9A-Za-z_-]}, Google's format) anywhere in the text (a JSON
 * list, a .env file, a spreadsheet column); {@code lines} takes one key per line for other formats,
 * checked like API_KEYS (printable ASCII without spaces, at least
 * {@value SecretRedactor#MIN_REGISTERED_LENGTH} characters). A line that cannot be a key is
 * rejected with its line number and reason, shown only as its first and last 4 characters.
 */
final class KeyPaste {
  static final int MAX_KEYS = 100_000;
  static final int MAX_KEY_LENGTH = 256;
  /** Rejected lines named in an answer; the count covers all of them. */
  static final int MAX_REJECTED_LISTED = 100;
  private static final int GOOGLE_KEY_LENGTH = 39;
  /** A run of key characters that starts like a Google key: a key when it is 39 long. */
  private static final Pattern GOOGLE_LIKE = Pattern.compile("(?<![0-9A-Za-z_-])AIza[0-9A-Za-z_-]*");

  enum Mode { EXTRACT, LINES }

  record Rejected(int line, String text, String reason) {}

  /**
   * @param keys the keys found, each once, in the order pasted
   * @param repeated keys found more than once in the paste (counted once each time after the first)
   * @param rejectedCount how many lines were rejected ({@code rejected} lists the first of them)
   */
  record Parsed(List<String> keys, int repeated, List<Rejected> rejected, int rejectedCount) {}

  static Parsed parse(String text, Mode mode) {
    Set<String> keys = new LinkedHashSet<>();
    List<Rejected> rejected = new ArrayList<>();
    int[] counts = {0, 0}; // repeated, rejected
    String[] lines = text.split("\r\n|\r|\n", -1);
    for (int i = 0; i < lines.length; i++) {
      int lineNo = i + 1;
      switch (mode) {
        case EXTRACT -> extract(lines[i], lineNo, keys, rejected, counts);
        case LINES -> line(lines[i], lineNo, keys, rejected, counts);
      }
      if (keys.size() > MAX_KEYS) {
        throw new BadRequest("text", "more than " + MAX_KEYS + " keys in one call; add them in parts");
      }
    }
    return new Parsed(List.copyOf(keys), counts[0], List.copyOf(rejected), counts[1]);
  }

  private static void extract(String line, int lineNo, Set<String> keys, List<Rejected> rejected, int[] counts) {
    Matcher like = GOOGLE_LIKE.matcher(line);
    while (like.find()) {
      String token = like.group();
      if (token.length() == GOOGLE_KEY_LENGTH) {
        add(token, keys, counts);
      } else {
        reject(lineNo, token, "starts like a Google API key but has " + (token.length() - 4)
            + " characters after 'AIza' (expected 35 of A-Z, a-z, 0-9, '-' and '_')", rejected, counts);
      }
    }
  }

  private static void line(String raw, int lineNo, Set<String> keys, List<Rejected> rejected, int[] counts) {
    String key = raw.strip();
    if (key.endsWith(",")) {
      key = key.substring(0, key.length() - 1).strip();
    }
    if (key.length() >= 2 && (key.startsWith("\"") && key.endsWith("\"") || key.startsWith("'") && key.endsWith("'"))) {
      key = key.substring(1, key.length() - 1).strip();
    }
    if (key.isEmpty()) {
      return;
    }
    String problem = problem(key);
    if (problem != null) {
      reject(lineNo, key, problem, rejected, counts);
    } else {
      add(key, keys, counts);
    }
  }

  /** Why this cannot be a key (the checks API_KEYS makes), or null. */
  static String problem(String key) {
    if (key.length() < SecretRedactor.MIN_REGISTERED_LENGTH) {
      return "shorter than " + SecretRedactor.MIN_REGISTERED_LENGTH + " characters";
    }
    if (key.length() > MAX_KEY_LENGTH) {
      return "longer than " + MAX_KEY_LENGTH + " characters";
    }
    for (int i = 0; i < key.length(); i++) {
      char c = key.charAt(i);
      if (c == ' ' || c == '\t') {
        return "contains a space (one key per line)";
      }
      if (c < 0x21 || c > 0x7e) {
        return "contains a character outside printable ASCII";
      }
    }
    return null;
  }

  private static void add(String key, Set<String> keys, int[] counts) {
    if (!keys.add(key)) {
      counts[0]++;
    }
  }

  private static void reject(int lineNo, String token, String reason, List<Rejected> rejected, int[] counts) {
    counts[1]++;
    if (rejected.size() < MAX_REJECTED_LISTED) {
      rejected.add(new Rejected(lineNo, preview(token), reason));
    }
  }

  /** A rejected line as the answer shows it: never whole, since it may be a secret of another format. */
  static String preview(String token) {
    String printable = token.replaceAll("[^\\x21-\\x7e]", "?");
    return printable.length() >= 12 ? ApiKey.maskEnds(printable) : "(" + printable.length() + " characters)";
  }
}
