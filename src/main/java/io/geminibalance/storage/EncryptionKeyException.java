package io.geminibalance.storage;

/**
 * {@code ENCRYPTION_KEY} (or {@code ENCRYPTION_KEY_PREVIOUS}) is malformed, or does not fit the
 * database: start-up stops with this one-line message, before any row is changed. The message
 * names the setting and never contains a key.
 */
public final class EncryptionKeyException extends RuntimeException {
  private final String setting;

  public EncryptionKeyException(String setting, String message) {
    super(message);
    this.setting = setting;
  }

  /** The setting to fix. */
  public String setting() {
    return setting;
  }
}
