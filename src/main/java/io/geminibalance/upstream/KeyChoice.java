package io.geminibalance.upstream;

/** Which keys may send a call: any key of the pool in turn, or the one key a resource belongs to. */
public sealed interface KeyChoice {

  /** Any usable key, in rotation; another key is tried when the classifier says one may succeed. */
  record AnyKey() implements KeyChoice {}

  /**
   * Only the key that created {@code resource} (a file, a cache, a batch ...): sent with another
   * key it would fail at Google. Never retried on another key.
   *
   * @param keyFingerprint the creating key's fingerprint
   * @param resource the resource's name, for the client's error when the key cannot be used
   */
  record Pinned(String keyFingerprint, String resource) implements KeyChoice {}

  KeyChoice ANY = new AnyKey();
}
