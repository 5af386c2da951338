package io.geminibalance.config;

/**
 * A setting with a bad value. The message is one line: {@code NAME: 'value' (expected: ...)}, where
 * the value of a secret setting ({@link SecretSettings}) is never shown and any other value is
 * shown with control characters escaped (so it cannot forge log lines) and cut at
 * {@value #SHOWN_CHARS} characters. Only quoted values are cut: what the code words itself (the
 * expectation, an instruction) is shown whole, however long.
 */
public final class ConfigException extends RuntimeException {
  private static final int SHOWN_CHARS = 200;
  private final String name;

  public ConfigException(String name, String value, String expected) {
    this(name, name + ": " + shown(name, value) + " (expected: " + expected + ")", true);
  }

  /**
   * For a message already worded by the caller, starting with the name; control characters are
   * escaped, and nothing is cut. The caller words a secret setting's message without its value,
   * and quotes any other value with {@link #quoted}; a message from code that quotes values in its
   * own way goes through {@link #quoting} instead.
   */
  public ConfigException(String name, String message) {
    this(name, escaped(message, Integer.MAX_VALUE), true);
  }

  /**
   * For a message in the {@code NAME: 'value' (expected: ...)} form from code that quotes the
   * value it rejects (the quota and queue settings): replaced by one without the value when the
   * setting is secret; otherwise the quoted value is cut like any other, the rest kept whole. A
   * message not in that form is cut as a whole, since the value in it cannot be told apart.
   */
  public static ConfigException quoting(String name, String message) {
    if (SecretSettings.isSecret(name)) {
      return new ConfigException(name, name + ": invalid value (not shown: secret setting)", true);
    }
    String text = message == null ? "" : message;
    int open = text.indexOf(": '");
    int close = text.lastIndexOf("' (");
    if (open < 0 || close < open + 3) {
      return new ConfigException(name, escaped(text), true);
    }
    return new ConfigException(name, escaped(text.substring(0, open + 2), Integer.MAX_VALUE)
        + quoted(text.substring(open + 3, close)) + escaped(text.substring(close + 1), Integer.MAX_VALUE), true);
  }

  /**
   * A value as a message quotes it: {@code 'value'}, control characters escaped, cut at
   * {@value #SHOWN_CHARS} characters. Never for a secret setting's value.
   */
  public static String quoted(String value) {
    return "'" + escaped(value) + "'";
  }

  /** A problem with part of a setting, worded by the caller without the value. */
  static ConfigException problem(String name, String problem, String expected) {
    return new ConfigException(name, name + ": " + problem + " (expected: " + expected + ")", true);
  }

  private ConfigException(String name, String safeMessage, boolean safe) {
    super(safeMessage);
    this.name = name;
  }

  public String name() {
    return name;
  }

  private static String shown(String name, String value) {
    if (SecretSettings.isSecret(name)) {
      return "value not shown (secret setting)";
    }
    return quoted(value);
  }

  /** A value with control characters escaped ({@code \n}, {@code \u0000}) and cut when long. */
  static String escaped(String text) {
    return escaped(text, SHOWN_CHARS);
  }

  /** The text with control characters escaped, cut after {@code limit} characters. */
  private static String escaped(String text, int limit) {
    if (text == null) {
      return "";
    }
    StringBuilder out = new StringBuilder(Math.min(text.length(), limit) + 16);
    for (int i = 0; i < text.length() && i < limit; i++) {
      char c = text.charAt(i);
      switch (c) {
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0) || c == '\u2028' || c == '\u2029') {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    if (text.length() > limit) {
      out.append("... (").append(text.length()).append(" characters)");
    }
    return out.toString();
  }
}
