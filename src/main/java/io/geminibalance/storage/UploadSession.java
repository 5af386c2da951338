package io.geminibalance.storage;

import java.util.Objects;

/**
 * A resumable upload the gateway started at Google ({@code gb_upload_session}), so that its
 * chunks, which may reach any gateway on the database, go with the key that started it. The
 * client holds only the gateway's upload id; the row holds its hash, never a key or a token.
 *
 * @param idHash SHA-256 (hex) of the gateway's upload id
 * @param uploadTarget Google's upload URL as a path and query below BASE_URL's origin
 * @param keyFingerprint the key that started it
 * @param keyLast4 that key's last 4 characters
 * @param owner the client id that started it ({@link ResourceStore#clientId})
 * @param declaredBytes the size the client declared, or -1 when it declared none
 * @param kind what the upload makes
 * @param storeName for an upload into a file search store, its name ({@code fileSearchStores/x}), else null
 */
public record UploadSession(String idHash, String uploadTarget, String keyFingerprint, String keyLast4,
    String owner, long declaredBytes, Kind kind, String storeName, long createdMillis, long expiresMillis) {

  /** What an upload makes when it finishes. */
  public enum Kind {
    /** A file of the Files API. */
    FILE,
    /** A document in a file search store (Google answers with a long-running operation). */
    FILE_SEARCH_STORE
  }

  public UploadSession {
    Objects.requireNonNull(idHash, "idHash");
    Objects.requireNonNull(uploadTarget, "uploadTarget");
    Objects.requireNonNull(keyFingerprint, "keyFingerprint");
    Objects.requireNonNull(keyLast4, "keyLast4");
    Objects.requireNonNull(owner, "owner");
    Objects.requireNonNull(kind, "kind");
  }

  public boolean expiredAt(long nowMillis) {
    return nowMillis >= expiresMillis;
  }
}
