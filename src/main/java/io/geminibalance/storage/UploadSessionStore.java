package io.geminibalance.storage;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Resumable uploads in progress ({@code gb_upload_session}), shared by every gateway on the
 * database. Looked up by the hash of the gateway's upload id only.
 */
public interface UploadSessionStore {
  CompletableFuture<Void> create(UploadSession session);

  /** The session with this id hash, expired or not (the caller decides). */
  CompletableFuture<Optional<UploadSession>> find(String idHash);

  /** Ends one session; true when it existed. */
  CompletableFuture<Boolean> delete(String idHash);

  /** How many sessions of {@code owner} are open (not expired) at {@code nowMillis}. */
  CompletableFuture<Integer> countOpen(String owner, long nowMillis);

  /** Deletes every session expired at {@code nowMillis}; completes with how many. */
  CompletableFuture<Integer> deleteExpired(long nowMillis);
}
