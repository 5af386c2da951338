package io.geminibalance.auth;

import io.geminibalance.requestlog.TokenFingerprints;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;

/**
 * The admin token in force, held as its SHA-256 only: AUTH_TOKEN (environment or saved settings),
 * or the generated token, of which the gateway never keeps more than the stored hash. A candidate
 * is hashed and the digests compared with {@link MessageDigest#isEqual}, so neither the token's
 * content nor its length shows in the timing.
 *
 * <p>A plain SHA-256 rather than a slow password hash: the generated token carries 192 random bits,
 * far beyond guessing, and a slow hash would only cost every admin request. AUTH_TOKEN is chosen
 * by people and may be weak, but it is never stored hashed (it is a setting); guessing it online
 * is what the admin API's failure throttle is for.
 */
public final class AdminCredential {
  private static final String PREFIX = "sha256:";
  private final byte[] digest;

  private AdminCredential(byte[] digest) {
    this.digest = digest;
  }

  /** AUTH_TOKEN as configured. */
  public static AdminCredential ofAuthToken(String token) {
    if (token == null || token.isEmpty()) {
      throw new IllegalArgumentException("AUTH_TOKEN: empty");
    }
    return new AdminCredential(sha256(token));
  }

  /** The generated admin token, from its stored hash ({@link #hash}). */
  public static AdminCredential ofStoredHash(String storedHash) {
    String value = storedHash == null ? "" : storedHash.strip().toLowerCase(Locale.ROOT);
    if (!value.startsWith(PREFIX) || value.length() != PREFIX.length() + 64) {
      throw new IllegalArgumentException("gb_admin_token: the stored hash is not 'sha256:' and 64 hex digits");
    }
    try {
      return new AdminCredential(HexFormat.of().parseHex(value, PREFIX.length(), value.length()));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("gb_admin_token: the stored hash is not 'sha256:' and 64 hex digits");
    }
  }

  /** What is stored for a generated token: {@code sha256:<64 hex digits>}. */
  public static String hash(String token) {
    return PREFIX + HexFormat.of().formatHex(sha256(token));
  }

  /**
   * A short name of this credential that is the same on every gateway of one installation and
   * changes whenever the admin token does: the installation's HMAC of the token's hash (like a
   * token fingerprint, it cannot be checked against guesses without the installation's secret).
   * Admin sessions carry the id of the credential they logged in with and end when it is no longer
   * the one in force. Worked out from the hash, because a generated token is known only by it.
   */
  public String id(TokenFingerprints fingerprints) {
    return fingerprints.of(HexFormat.of().formatHex(digest)).fingerprint();
  }

  /** True when {@code candidate} is this admin token; constant time in the candidate's content and length. */
  public boolean matches(String candidate) {
    return candidate != null && !candidate.isEmpty() && MessageDigest.isEqual(digest, sha256(candidate));
  }

  private static byte[] sha256(String value) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public String toString() {
    return "AdminCredential[sha256:...]";
  }
}
