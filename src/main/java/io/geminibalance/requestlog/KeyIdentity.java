package io.geminibalance.requestlog;

import io.geminibalance.keypool.ApiKey;
import java.util.Objects;

/**
 * How a secret (an upstream key or a client token) appears in stored rows: a non-reversible
 * fingerprint to group and look up by, and the last 4 characters for people to recognise it.
 */
public record KeyIdentity(String fingerprint, String last4) {

  public KeyIdentity {
    Objects.requireNonNull(fingerprint, "fingerprint");
    Objects.requireNonNull(last4, "last4");
  }

  public static KeyIdentity of(ApiKey key) {
    return new KeyIdentity(key.fingerprint(), lastFour(key.secret()));
  }

  /**
   * The identity an upstream key has in the pool and in stored rows, from the key alone (rows
   * gemini-balance wrote hold the full key). Client tokens get {@link TokenFingerprints#of} instead.
   */
  public static KeyIdentity ofSecret(String secret) {
    return of(new ApiKey(secret));
  }

  /** The masked form written where gemini-balance wrote the full key, e.g. {@code ...a1B2}. */
  public String masked() {
    return "..." + last4;
  }

  static String lastFour(String secret) {
    return secret.length() <= 4 ? "" : secret.substring(secret.length() - 4);
  }
}
