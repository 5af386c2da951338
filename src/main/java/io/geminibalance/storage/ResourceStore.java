package io.geminibalance.storage;

import io.geminibalance.protocol.gemini.ResourceKind;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Resources created through the gateway and the clients that own them, shared by every gateway on
 * the database (affinity survives restarts and works across instances). Files are kept in
 * gemini-balance's {@code t_file_records} (its columns filled as it did, with the key and token
 * masked, plus our {@code gb_} columns); every other kind in {@code gb_resource}.
 */
public interface ResourceStore {

  /** Records a resource, or replaces the record of that name (a later view of the same resource). */
  CompletableFuture<Void> save(ResourceRecord record);

  /** The record named exactly {@code name}, expired or not (the caller decides). */
  CompletableFuture<Optional<ResourceRecord>> find(String name);

  /**
   * One page of a kind's records, newest first, not expired at {@code nowMillis}.
   *
   * @param owner only this client's, or null for every client's
   * @param offset rows to skip (the page token the gateway hands out)
   */
  CompletableFuture<List<ResourceRecord>> list(ResourceKind kind, String owner, long nowMillis, int limit,
      long offset);

  /** Forgets a record; true when it existed. */
  CompletableFuture<Boolean> delete(String name);

  /** Up to {@code limit} records of any kind expired at {@code nowMillis}, oldest expiry first. */
  CompletableFuture<List<ResourceRecord>> expired(long nowMillis, int limit);

  /**
   * The stable id of the client whose token has fingerprint {@code tokenFingerprint}, created on
   * first use ({@code gb_client}). Resources are owned by this id, not by the token, so that a
   * token's rotation can keep its resources by moving the fingerprint to the same id.
   */
  CompletableFuture<String> clientId(String tokenFingerprint);
}
