package io.geminibalance.storage;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Stored responses of the OpenAI Responses API ({@code gb_response}), shared by every gateway on
 * the database. Reads and deletes name the owner: another client's response is as absent as one
 * that never existed.
 */
public interface ResponseStore {

  /**
   * Keeps a response, or replaces the one with its id (a later state of the same response), and
   * forgets its owner's oldest responses beyond {@code keepPerOwner} (by creation time), so that one
   * client cannot fill the database with cheap requests; this response is always kept.
   */
  CompletableFuture<Void> save(StoredResponse response, int keepPerOwner);

  /** The response {@code id} when {@code owner} made it and it has not expired at {@code nowMillis}. */
  CompletableFuture<Optional<StoredResponse>> find(String id, String owner, long nowMillis);

  /** Forgets {@code owner}'s response {@code id}; true when there was one. */
  CompletableFuture<Boolean> delete(String id, String owner);

  /** Forgets up to {@code limit} responses expired at {@code nowMillis}; how many went. */
  CompletableFuture<Integer> deleteExpired(long nowMillis, int limit);
}
