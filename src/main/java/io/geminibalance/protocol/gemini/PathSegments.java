package io.geminibalance.protocol.gemini;

/**
 * Checks and builds the path segments that go upstream. The checks run on the raw path as the
 * client sent it: Vert.x routes on a normalised copy (dot segments removed, {@code //} collapsed,
 * {@code %2E} decoded) but hands the relays the raw one, and an upstream (or a proxy before it)
 * may resolve {@code ..} or decode {@code %2F} on its own. A path that needs any of that to mean
 * something is refused rather than guessed at.
 */
public final class PathSegments {
  /** Longest excerpt of a client's value quoted back in an error message. */
  static final int EXCERPT_CHARS = 100;

  private static final char[] HEX = "0123456789ABCDEF".toCharArray();

  private PathSegments() {}

  /**
   * What is wrong with {@code path} (segments separated by {@code /}, without a leading one), or
   * {@code null} when every segment is a plain one: no {@code .} or {@code ..} segment, no empty
   * segment, no percent-encoded {@code /}, {@code \}, {@code .} or control character, no raw
   * backslash, space, control or non-ASCII character, no malformed percent-encoding.
   */
  public static String problem(String path) {
    return problem(path, 0);
  }

  /** {@link #problem(String)} for {@code path} from index {@code from} on (no substring made). */
  public static String problem(String path, int from) {
    int length = path.length();
    int segmentStart = from;
    for (int i = from; i <= length; i++) {
      char c = i < length ? path.charAt(i) : '/';
      if (c == '/') {
        String segment = segmentProblem(path, segmentStart, i);
        if (segment != null) {
          return segment;
        }
        segmentStart = i + 1;
      } else if (c == '%') {
        String encoded = encodedProblem(path, i);
        if (encoded != null) {
          return encoded;
        }
        i += 2;
      } else if (c == '\\') {
        return "A backslash in the path is not allowed";
      } else if (c <= ' ' || c >= 0x7F) {
        return "Character " + describe(c) + " in the path is not allowed";
      }
    }
    return null;
  }

  private static String segmentProblem(String path, int from, int to) {
    return switch (to - from) {
      case 0 -> "Empty path segment ('//', or a '/' at the start or end) is not allowed";
      case 1 -> path.charAt(from) == '.' ? "Path segment '.' is not allowed" : null;
      case 2 -> path.charAt(from) == '.' && path.charAt(from + 1) == '.' ? "Path segment '..' is not allowed" : null;
      default -> null;
    };
  }

  private static String encodedProblem(String path, int percent) {
    int high = percent + 2 < path.length() ? Character.digit(path.charAt(percent + 1), 16) : -1;
    int low = high >= 0 ? Character.digit(path.charAt(percent + 2), 16) : -1;
    if (low < 0) {
      return "Malformed percent-encoding in the path";
    }
    int value = high * 16 + low;
    return switch (value) {
      case '/' -> "An encoded '/' (%2F) in the path is not allowed";
      case '\\' -> "An encoded '\\' (%5C) in the path is not allowed";
      case '.' -> "An encoded '.' (%2E) in the path is not allowed";
      default -> value < 0x20 || value == 0x7F
          ? "An encoded control character (" + path.substring(percent, percent + 3) + ") in the path is not allowed"
          : null;
    };
  }

  /**
   * {@code segment} percent-encoded for use as one path segment: every character other than
   * RFC 3986's unreserved ones ({@code A-Z a-z 0-9 - . _ ~}) as its UTF-8 bytes. The same string
   * when there is nothing to encode, which is the case for every valid model id; the encoding is
   * the second line of defence behind that validation.
   */
  public static String encode(String segment) {
    int length = segment.length();
    int first = 0;
    while (first < length && unreserved(segment.charAt(first))) {
      first++;
    }
    if (first == length) {
      return segment;
    }
    StringBuilder out = new StringBuilder(length + 16).append(segment, 0, first);
    byte[] bytes = segment.substring(first).getBytes(java.nio.charset.StandardCharsets.UTF_8);
    for (byte b : bytes) {
      char c = (char) (b & 0xFF);
      if (unreserved(c)) {
        out.append(c);
      } else {
        out.append('%').append(HEX[(b >> 4) & 0xF]).append(HEX[b & 0xF]);
      }
    }
    return out.toString();
  }

  static boolean unreserved(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
        || c == '-' || c == '.' || c == '_' || c == '~';
  }

  /**
   * A short, printable excerpt of {@code value[from, to)} for an error message: at most
   * {@value #EXCERPT_CHARS} characters, then {@code ...} when cut, anything outside printable
   * ASCII shown as {@code ?}. A client's 200,000-character value is never echoed whole, and no
   * control character reaches a log line through it.
   */
  public static String excerpt(CharSequence value, int from, int to) {
    int shown = Math.min(to - from, EXCERPT_CHARS);
    StringBuilder out = new StringBuilder(shown + 3);
    for (int i = from; i < from + shown; i++) {
      char c = value.charAt(i);
      out.append(c >= ' ' && c < 0x7F ? c : '?');
    }
    return shown < to - from ? out.append("...").toString() : out.toString();
  }

  /** {@link #excerpt} in quotes, followed by the full length when it was cut. */
  public static String quote(CharSequence value, int from, int to) {
    String quoted = "'" + excerpt(value, from, to) + "'";
    return to - from > EXCERPT_CHARS ? quoted + " (" + (to - from) + " characters)" : quoted;
  }

  /** A character for a message: itself in quotes when printable ASCII, else its code point. */
  static String describe(char c) {
    return c > ' ' && c < 0x7F ? "'" + c + "'" : String.format("U+%04X", (int) c);
  }
}
