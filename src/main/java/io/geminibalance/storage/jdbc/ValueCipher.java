package io.geminibalance.storage.jdbc;

import io.geminibalance.storage.EncryptionKey;
import io.geminibalance.storage.StorageException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;

/**
 * How one stored value is written and read: in clear, or sealed with AES-256-GCM.
 *
 * <p>A sealed value is {@code gbenc:v1:} followed by the URL-safe base64 (no padding) of a random
 * 96-bit nonce, the ciphertext and the 128-bit tag. The prefix names the scheme, so a value tells
 * what it is and a later scheme can sit beside this one. Each value is bound to where it is
 * stored (the "context", authenticated but not stored: e.g. {@code t_settings:AUTH_TOKEN}), so a
 * ciphertext copied into another row or setting does not decrypt.
 *
 * <p>Reading accepts a plaintext value with either cipher: a value written in clear (by an
 * instance without the key, or by gemini-balance) is still the value, and the next start
 * encrypts it. A sealed value is never taken for the value: without the key it is an error.
 */
sealed interface ValueCipher {
  String PREFIX = "gbenc:";
  String V1 = PREFIX + "v1:";

  /** The value as it is to be stored. */
  String seal(String plaintext, String context);

  /** The value a stored one stands for; {@code null} stays {@code null}. */
  String open(String stored, String context);

  /** True when {@link #seal} encrypts. */
  boolean encrypts();

  /** The cipher for a key, or {@link Plain} without one. */
  static ValueCipher of(EncryptionKey key) {
    return key == null ? new Plain() : new AesGcm(key);
  }

  static boolean isSealed(String stored) {
    return stored != null && stored.startsWith(PREFIX);
  }

  /** No key: values are stored as they are (what gemini-balance reads). */
  record Plain() implements ValueCipher {
    @Override
    public boolean encrypts() {
      return false;
    }

    @Override
    public String seal(String plaintext, String context) {
      return plaintext;
    }

    @Override
    public String open(String stored, String context) {
      if (isSealed(stored)) {
        throw new StorageException(context + ": the stored value is encrypted, but ENCRYPTION_KEY is not set", null);
      }
      return stored;
    }
  }

  record AesGcm(EncryptionKey key) implements ValueCipher {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;

    @Override
    public boolean encrypts() {
      return true;
    }

    @Override
    public String seal(String plaintext, String context) {
      if (plaintext == null) {
        return null;
      }
      byte[] nonce = new byte[NONCE_BYTES];
      RANDOM.nextBytes(nonce);
      try {
        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
        cipher.init(Cipher.ENCRYPT_MODE, key.aesKey(), new GCMParameterSpec(TAG_BITS, nonce));
        cipher.updateAAD(context.getBytes(StandardCharsets.UTF_8));
        byte[] sealed = cipher.doFinal(plaintext.getBytes(StandardCharsets.UTF_8));
        byte[] stored = ByteBuffer.allocate(NONCE_BYTES + sealed.length).put(nonce).put(sealed).array();
        return V1 + Base64.getUrlEncoder().withoutPadding().encodeToString(stored);
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("AES/GCM is missing from this JDK", e);
      }
    }

    @Override
    public String open(String stored, String context) {
      if (!isSealed(stored)) {
        return stored;
      }
      if (!stored.startsWith(V1)) {
        throw new StorageException(context + ": the stored value uses an encryption scheme this version does not know"
            + " (written by a newer version?)", null);
      }
      try {
        byte[] bytes = Base64.getUrlDecoder().decode(stored.substring(V1.length()));
        if (bytes.length < NONCE_BYTES + TAG_BITS / 8) {
          throw new IllegalArgumentException("too short");
        }
        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
        cipher.init(Cipher.DECRYPT_MODE, key.aesKey(), new GCMParameterSpec(TAG_BITS, bytes, 0, NONCE_BYTES));
        cipher.updateAAD(context.getBytes(StandardCharsets.UTF_8));
        return new String(cipher.doFinal(bytes, NONCE_BYTES, bytes.length - NONCE_BYTES), StandardCharsets.UTF_8);
      } catch (GeneralSecurityException | IllegalArgumentException e) {
        // The key check passed at start, so this value was damaged or moved here from elsewhere.
        throw new StorageException(context + ": the stored value does not decrypt with ENCRYPTION_KEY"
            + " (damaged, or copied from another row)", e);
      }
    }
  }
}
