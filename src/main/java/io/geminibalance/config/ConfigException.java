package io.geminibalance.config;

/**
 * A setting with a bad value. The message is one line: {@code NAME: 'value' (expected: ...)}, where
 * the value of a secret setting ({@link SecretSettings}) is never shown and any other value is
 * shown with control characters escaped (so it cannot forge log lines) and cut at
 * {@value #SHOWN_CHARS} characters.
 */
public final class ConfigException extends RuntimeException {
  private static final int SHOWN_CHARS = 200;
  private final String name;

  public ConfigException(String name, String value, String expected) {
    this(name, name + ": " + shown(name, value) + " (expected: " + expected + ")", true);
  }

  /**
   * For a message already worded by the caller, starting with the name; control characters are
   * escaped. The caller words a secret setting's message without its value; a message from code
   * that quotes values goes through {@link #quoting} instead.
   */
  public ConfigException(String name, String message) {
    this(name, escaped(message), true);
  }

  /**
   * For a message in the {@code NAME: 'value' (expected: ...)} form from code that quotes the
   * value it rejects (the quota and queue settings): replaced by one without the value when the
   * setting is secret.
   */
  public static ConfigException quoting(String name, String message) {
    return new ConfigException(name, SecretSettings.isSecret(name)
        ? name + ": invalid value (not shown: secret setting)" : escaped(message), true);
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
    return "'" + escaped(value) + "'";
  }

  /** The text with control characters escaped ({@code \n}, {@code \u0000}) and cut when long. */
  static String escaped(String text) {
    if (text == null) {
      return "";
    }
    StringBuilder out = new StringBuilder(Math.min(text.length(), SHOWN_CHARS) + 16);
    for (int i = 0; i < text.length() && i < SHOWN_CHARS; i++) {
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
    if (text.length() > SHOWN_CHARS) {
      out.append("... (").append(text.length()).append(" characters)");
    }
    return out.toString();
  }
}
