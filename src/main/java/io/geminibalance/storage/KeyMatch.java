package io.geminibalance.storage;

import io.geminibalance.requestlog.KeyIdentity;

/**
 * The log rows of one key. Rows we write carry the key's fingerprint; rows gemini-balance wrote
 * carry none, only the whole key in its own column ({@code t_request_log.api_key},
 * {@code t_error_logs.gemini_key}) unless ENCRYPTION_KEY rewrote them, so they are found only when
 * the whole key is given.
 *
 * @param secret the whole key, or null when only the fingerprint is known
 */
public record KeyMatch(String fingerprint, String secret) {
  public static KeyMatch ofFingerprint(String fingerprint) {
    return new KeyMatch(fingerprint, null);
  }

  public static KeyMatch ofSecret(String secret) {
    return new KeyMatch(KeyIdentity.ofSecret(secret).fingerprint(), secret);
  }

  /** Never the whole key: queries end up in error messages and logs. */
  @Override
  public String toString() {
    return "KeyMatch[" + fingerprint + (secret == null ? "" : ", with the whole key") + "]";
  }
}
