package io.geminibalance.config;

/** A setting with a bad value. The message is one line: {@code NAME: 'value' (expected: ...)}. */
public final class ConfigException extends RuntimeException {
  private final String name;

  public ConfigException(String name, String value, String expected) {
    super(name + ": '" + value + "' (expected: " + expected + ")");
    this.name = name;
  }

  /** For a message already in the {@code NAME: 'value' (expected: ...)} form. */
  public ConfigException(String name, String message) {
    super(message);
    this.name = name;
  }

  public String name() {
    return name;
  }
}
