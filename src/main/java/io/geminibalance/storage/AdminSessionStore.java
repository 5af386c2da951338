package io.geminibalance.storage;

import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Admin web UI sessions ({@code gb_admin_session}), shared by every gateway on the database.
 * Looked up by the hash of the session id only.
 */
public interface AdminSessionStore {
  CompletableFuture<Void> create(AdminSession session);

  /** The session with this id hash, expired or not (the caller decides). */
  CompletableFuture<Optional<AdminSession>> find(String idHash);

  /** Records that the session was used at {@code when}. */
  CompletableFuture<Void> touch(String idHash, Instant when);

  /** Ends one session; true when it existed. */
  CompletableFuture<Boolean> delete(String idHash);

  /** Deletes every session expired at {@code now}; completes with how many. */
  CompletableFuture<Integer> deleteExpired(Instant now);
}
