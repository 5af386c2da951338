package io.geminibalance.storage;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The key that encrypts API keys and secret settings at rest ({@code ENCRYPTION_KEY}): 32 random
 * bytes, given in base64 ({@code openssl rand -base64 32}). The key itself never touches a value:
 * the AES key and the check value stored in the database are derived from it (HKDF-Expand with
 * SHA-256 and a distinct label each; the input is already uniformly random, so HKDF-Extract is
 * not needed, RFC 5869 section 3.3), so the check value says nothing about the AES key.
 * {@link #toString()} never shows the key.
 */
public final class EncryptionKey {
  private static final int LENGTH = 32;
  private static final String AES_LABEL = "gemini-balance-java at-rest aes-256-gcm v1";
  private static final String CHECK_LABEL = "gemini-balance-java at-rest key check v1";
  /** The scheme of the stored check value, so that a later scheme can be told apart. */
  private static final String CHECK_PREFIX = "v1:";

  private final SecretKeySpec aesKey;
  private final String check;

  private EncryptionKey(byte[] master) {
    this.aesKey = new SecretKeySpec(expand(master, AES_LABEL), "AES");
    this.check = CHECK_PREFIX + HexFormat.of().formatHex(expand(master, CHECK_LABEL), 0, 16);
  }

  /**
   * Parses a setting's value. The error names the setting and what is expected, never the value:
   * it is a secret, even when malformed (a truncated copy of the right key, say).
   *
   * @throws EncryptionKeyException when the value is not base64 of exactly 32 bytes (blank included)
   */
  public static EncryptionKey parse(String setting, String value) {
    String expected = " (expected: the base64 of 32 random bytes, e.g. the output of `openssl rand -base64 32`)";
    if (value == null || value.isBlank()) {
      throw new EncryptionKeyException(setting, setting + ": set but empty" + expected);
    }
    String text = value.strip();
    byte[] bytes;
    try {
      // openssl prints the standard alphabet; the URL-safe one is accepted too. Whitespace inside is not.
      bytes = text.indexOf('-') >= 0 || text.indexOf('_') >= 0
          ? Base64.getUrlDecoder().decode(text) : Base64.getDecoder().decode(text);
    } catch (IllegalArgumentException e) {
      throw new EncryptionKeyException(setting, setting + ": not valid base64" + expected);
    }
    try {
      if (bytes.length != LENGTH) {
        throw new EncryptionKeyException(setting, setting + ": decodes to " + bytes.length + " bytes" + expected);
      }
      return new EncryptionKey(bytes);
    } finally {
      Arrays.fill(bytes, (byte) 0);
    }
  }

  /** A fresh random key in the form {@link #parse} reads (for tests and for rotation instructions). */
  public static String generate() {
    byte[] bytes = new byte[LENGTH];
    new java.security.SecureRandom().nextBytes(bytes);
    return Base64.getEncoder().encodeToString(bytes);
  }

  /** The AES-256 key values are sealed with. */
  public SecretKeySpec aesKey() {
    return aesKey;
  }

  /** What the database stores to recognise this key: one-way, reveals nothing about the AES key. */
  public String check() {
    return check;
  }

  /** True when {@code stored} is this key's {@link #check()}; constant time. */
  public boolean matches(String stored) {
    return stored != null && MessageDigest.isEqual(
        check.getBytes(StandardCharsets.US_ASCII), stored.strip().getBytes(StandardCharsets.US_ASCII));
  }

  /** HKDF-Expand (RFC 5869) for one 32-byte block: HMAC-SHA256(key, info || 0x01). */
  private static byte[] expand(byte[] key, String info) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      mac.update(info.getBytes(StandardCharsets.UTF_8));
      mac.update((byte) 1);
      return mac.doFinal();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is missing from this JDK", e);
    }
  }

  @Override
  public String toString() {
    return "EncryptionKey[***]";
  }
}
