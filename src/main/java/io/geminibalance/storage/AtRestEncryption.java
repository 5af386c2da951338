package io.geminibalance.storage;

import java.util.Map;
import java.util.function.Predicate;

/**
 * How stored secrets are protected: with {@link #key()} set, upstream keys ({@code gb_api_keys})
 * and secret settings ({@code t_settings}) are stored encrypted, and existing plaintext values are
 * encrypted at start. {@link #previousKey()} is the key the database is encrypted with now, when
 * it is being changed: to {@link #key()} (rotation) or, with no key, back to plaintext.
 *
 * @param key {@code ENCRYPTION_KEY}, or null: values are stored in clear, as gemini-balance does
 * @param previousKey {@code ENCRYPTION_KEY_PREVIOUS}, or null
 * @param secretSetting which {@code t_settings} names hold secrets (only those are encrypted)
 */
public record AtRestEncryption(EncryptionKey key, EncryptionKey previousKey, Predicate<String> secretSetting) {
  public static final String KEY_SETTING = "ENCRYPTION_KEY";
  public static final String PREVIOUS_KEY_SETTING = "ENCRYPTION_KEY_PREVIOUS";

  /** Plaintext storage, as gemini-balance; an encrypted database is refused. */
  public static AtRestEncryption none() {
    return new AtRestEncryption(null, null, name -> false);
  }

  /**
   * Reads both settings from the environment. Unset means no key; set to anything else than the
   * base64 of 32 bytes (an empty value included) is an error, so that a typo or an empty
   * {@code ENCRYPTION_KEY=${ENCRYPTION_KEY}} in a compose file never silently means "no encryption".
   *
   * @throws EncryptionKeyException naming the malformed setting (never echoing it)
   */
  public static AtRestEncryption fromEnv(Map<String, String> env, Predicate<String> secretSetting) {
    return new AtRestEncryption(parse(env, KEY_SETTING), parse(env, PREVIOUS_KEY_SETTING), secretSetting);
  }

  private static EncryptionKey parse(Map<String, String> env, String name) {
    String value = env.get(name);
    return value == null ? null : EncryptionKey.parse(name, value);
  }

  /** True when values are written encrypted. */
  public boolean encrypts() {
    return key != null;
  }
}
