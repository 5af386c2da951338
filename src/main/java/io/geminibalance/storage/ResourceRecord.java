package io.geminibalance.storage;

import io.geminibalance.protocol.gemini.ResourceKind;

import java.util.Objects;

/**
 * One resource created through the gateway, as stored: which key created it and which client owns
 * it. Never holds a key or a token: the key by its fingerprint (and last 4 characters for people),
 * the owner by its client id ({@link ResourceStore#clientId}).
 *
 * @param name Google's resource name, e.g. {@code cachedContents/abc} or {@code models/veo-3/operations/x}
 * @param kind its kind
 * @param pool which key pool created it: {@code gemini} (Vertex Express keys are another pool)
 * @param keyFingerprint the creating key's fingerprint ({@code ApiKey.fingerprint()})
 * @param keyLast4 the creating key's last 4 characters
 * @param owner the owning client's id
 * @param createdMillis when the gateway recorded it
 * @param expiresMillis when Google drops it (from its {@code expireTime}), or 0 when it does not say
 * @param state Google's state ({@code ACTIVE}, {@code PROCESSING}, {@code JOB_STATE_RUNNING}, ...), or null
 * @param metadata Google's JSON for the resource as last seen (lists are answered from it), or null
 */
public record ResourceRecord(
    String name,
    ResourceKind kind,
    String pool,
    String keyFingerprint,
    String keyLast4,
    String owner,
    long createdMillis,
    long expiresMillis,
    String state,
    String metadata) {

  public static final String GEMINI_POOL = "gemini";
  /** PAID_KEY: Imagen and Veo are sent with it when it is set. */
  public static final String PAID_POOL = "paid";

  public ResourceRecord {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(pool, "pool");
    Objects.requireNonNull(keyFingerprint, "keyFingerprint");
    Objects.requireNonNull(keyLast4, "keyLast4");
    Objects.requireNonNull(owner, "owner");
  }

  public boolean expiredAt(long nowMillis) {
    return expiresMillis > 0 && expiresMillis <= nowMillis;
  }

  /** This record with Google's latest view of the resource. */
  public ResourceRecord withState(String nextState, long nextExpiresMillis, String nextMetadata) {
    return new ResourceRecord(name, kind, pool, keyFingerprint, keyLast4, owner, createdMillis,
        nextExpiresMillis, nextState, nextMetadata);
  }
}
