package io.geminibalance.protocol.gemini;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/**
 * The client's query string as Google reads it: which parameter is the credential and which may
 * not be forwarded. Works on the raw (still encoded) query, so whatever is forwarded stays byte
 * for byte what the client sent.
 *
 * <p>Only a parameter named exactly {@code key} (as written, not encoded) authenticates at the
 * gateway. Stripping is wider: any name that decodes, in any letter case, to one of
 * {@link #NOT_FORWARDED} is dropped, because a server along the way (or Google itself) may decode
 * and fold it into a credential the gateway never checked.
 */
public final class GoogleQuery {
  /**
   * Lower-case parameter names never forwarded upstream: Google's credential system parameters
   * ({@code key}, {@code $key}, the OAuth {@code access_token} and its old {@code oauth_token} and
   * {@code bearer_token} spellings), the names Google reserves so that passwords stay out of URLs,
   * {@code userProject} (bills another project, like the {@code X-Goog-User-Project} header the
   * gateway does not forward either) and {@code $httpMethod} (would change the method the
   * gateway's route was chosen for).
   */
  private static final String[] NOT_FORWARDED = {"key", "$key", "access_token", "$access_token",
      "oauth_token", "bearer_token", "passwd", "password", "userproject", "$userproject", "$httpmethod"};
  private static final int LONGEST_NAME = 13;

  private GoogleQuery() {}

  /**
   * The value of the first non-blank parameter named exactly {@code key} (case-sensitive, name not
   * encoded), decoded and not stripped; {@code null} when there is none. {@code KEY=} or
   * {@code %6Bey=} do not authenticate: Google documents the name {@code key}. Nor does
   * {@code key=%20TOKEN}: Google refuses it, so the gateway compares the value as sent (headers
   * are different: HTTP itself drops the whitespace around a header value).
   */
  public static String apiKey(String rawQuery) {
    if (rawQuery == null || rawQuery.isEmpty()) {
      return null;
    }
    int start = 0;
    int length = rawQuery.length();
    while (start <= length) {
      int end = pairEnd(rawQuery, start);
      if (rawQuery.startsWith("key=", start) && end > start + 4) {
        String value = decodeValue(rawQuery.substring(start + 4, end));
        if (!value.isBlank()) {
          return value;
        }
      }
      start = end + 1;
    }
    return null;
  }

  /**
   * The raw query without the parameters in {@link #NOT_FORWARDED}; every other parameter and
   * separator kept byte for byte. Returns the same string when nothing is dropped (the usual case,
   * without allocating). Pairs are split at {@code &} and at {@code ;}, which some servers also
   * take for a separator.
   */
  public static String withoutCredentials(String rawQuery) {
    if (rawQuery == null || rawQuery.isEmpty()) {
      return "";
    }
    StringBuilder kept = null;
    int start = 0;
    int length = rawQuery.length();
    while (start <= length) {
      int end = pairEnd(rawQuery, start);
      boolean drop = isNotForwarded(rawQuery, start, nameEnd(rawQuery, start, end));
      if (drop && kept == null) {
        kept = new StringBuilder(length).append(rawQuery, 0, Math.max(0, start - 1));
      } else if (!drop && kept != null) {
        if (!kept.isEmpty()) {
          kept.append(start == 0 ? '&' : rawQuery.charAt(start - 1));
        }
        kept.append(rawQuery, start, end);
      }
      start = end + 1;
    }
    return kept == null ? rawQuery : kept.toString();
  }

  private static int pairEnd(String query, int start) {
    for (int i = start; i < query.length(); i++) {
      char c = query.charAt(i);
      if (c == '&' || c == ';') {
        return i;
      }
    }
    return query.length();
  }

  private static int nameEnd(String query, int start, int end) {
    int eq = query.indexOf('=', start);
    return eq < 0 || eq > end ? end : eq;
  }

  /** Whether the name in {@code query[start, end)} decodes to one of {@link #NOT_FORWARDED}. */
  static boolean isNotForwarded(String query, int start, int end) {
    if (end == start) {
      return false;
    }
    boolean plain = true;
    for (int i = start; i < end && plain; i++) {
      char c = query.charAt(i);
      plain = c != '%' && c != '+' && c > ' ';
    }
    if (plain) {
      return end - start <= LONGEST_NAME && listed(query, start, end - start);
    }
    String name = query.substring(start, end);
    // Decoded until stable, so a name encoded twice (%256Bey) is caught too.
    for (String decoded = percentDecode(name); !decoded.equals(name); decoded = percentDecode(name)) {
      name = decoded;
    }
    name = name.replace('+', ' ').strip();
    return name.length() <= LONGEST_NAME && listed(name, 0, name.length());
  }

  private static boolean listed(String text, int offset, int length) {
    for (String name : NOT_FORWARDED) {
      if (name.length() == length && text.regionMatches(true, offset, name, 0, length)) {
        return true;
      }
    }
    return false;
  }

  /** Decodes {@code %XX} escapes (as single bytes; the names looked for are ASCII), leaving bad ones. */
  private static String percentDecode(String text) {
    if (text.indexOf('%') < 0) {
      return text;
    }
    StringBuilder out = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      int high = c == '%' && i + 2 < text.length() ? Character.digit(text.charAt(i + 1), 16) : -1;
      int low = high >= 0 ? Character.digit(text.charAt(i + 2), 16) : -1;
      if (low >= 0) {
        out.append((char) (high * 16 + low));
        i += 2;
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  private static String decodeValue(String raw) {
    try {
      return URLDecoder.decode(raw, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException malformed) {
      return raw;
    }
  }
}
