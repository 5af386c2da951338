package io.geminibalance.requestlog;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * How a client token appears in stored rows: an HMAC-SHA256 with this installation's secret (kept
 * in the database, so every instance on the same database agrees) and the last 4 characters.
 * Unlike a bare hash, the fingerprint of a short or guessable token cannot be confirmed by hashing
 * candidates without that secret. Upstream keys keep {@link KeyIdentity#of}'s fingerprint: it keys
 * their stored pool state, and Google keys are long random strings that a hash does not expose.
 *
 * <p>Worked out once per configured token (when tokens change), never per request.
 */
public final class TokenFingerprints {
  private final SecretKeySpec secret;

  /** @param secret the installation's secret, at least 32 bytes */
  public TokenFingerprints(byte[] secret) {
    if (secret.length < 32) {
      throw new IllegalArgumentException("token fingerprint secret: " + secret.length + " bytes (expected: at least 32)");
    }
    this.secret = new SecretKeySpec(secret.clone(), "HmacSHA256");
  }

  public KeyIdentity of(String token) {
    byte[] digest = mac(token);
    return new KeyIdentity(HexFormat.of().formatHex(digest, 0, 8), KeyIdentity.lastFour(token));
  }

  /**
   * The whole HMAC of {@code token} in hex (64 characters): how a managed client token's value is
   * stored and looked up ({@code auth/ClientToken#hash}).
   */
  public String hash(String token) {
    return HexFormat.of().formatHex(mac(token));
  }

  private byte[] mac(String token) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(secret);
      return mac.doFinal(token.getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is missing from this JDK", e);
    }
  }

  @Override
  public String toString() {
    return "TokenFingerprints[HMAC-SHA256]";
  }
}
