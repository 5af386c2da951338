package io.geminibalance.keypool;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;

/**
 * One upstream Gemini API key. {@link #toString()} is masked so that a key never reaches a log
 * line by accident; only {@link #secret()} gives the full value, for the upstream header.
 */
public final class ApiKey {
  private final String secret;
  private final String masked;
  private final String fingerprint;
  /** Cached: the pool looks keys up on every release, and this saves reading the secret. */
  private final int hash;

  public ApiKey(String secret) {
    Objects.requireNonNull(secret, "secret");
    if (secret.isBlank()) {
      throw new IllegalArgumentException("API key: blank (expected: a non-empty key)");
    }
    this.secret = secret;
    this.masked = mask(secret);
    this.fingerprint = sha256Prefix(secret);
    this.hash = secret.hashCode();
  }

  /** The full key, only for the upstream request header. */
  public String secret() {
    return secret;
  }

  /** The key reduced to its last 4 characters, e.g. {@code ...a1B2}. */
  public String masked() {
    return masked;
  }

  /** A stable, non-reversible identity (first 16 hex chars of SHA-256), for storage and logs. */
  public String fingerprint() {
    return fingerprint;
  }

  /** The last 8 characters, as used by gemini-balance's KEY_RATE_LIMITS. */
  public String last8() {
    return secret.length() <= 8 ? secret : secret.substring(secret.length() - 8);
  }

  /** Masks any secret to its last 4 characters. */
  public static String mask(String secret) {
    if (secret == null || secret.isEmpty()) {
      return "";
    }
    return secret.length() <= 4 ? "..." : "..." + secret.substring(secret.length() - 4);
  }

  /**
   * The key as the admin pages show it: first 4 and last 4 characters ({@code AIza...a1B2}), as
   * gemini-balance's pages did. A key shorter than 12 characters shows only its last 4 ({@link
   * #mask}), so that at least half of it stays hidden.
   */
  public static String maskEnds(String secret) {
    if (secret == null || secret.length() < 12) {
      return mask(secret);
    }
    return secret.substring(0, 4) + "..." + secret.substring(secret.length() - 4);
  }

  private static String sha256Prefix(String value) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public boolean equals(Object o) {
    return o == this || (o instanceof ApiKey other && other.hash == hash && other.secret.equals(secret));
  }

  @Override
  public int hashCode() {
    return hash;
  }

  @Override
  public String toString() {
    return masked;
  }
}
