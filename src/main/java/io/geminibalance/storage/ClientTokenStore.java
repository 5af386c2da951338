package io.geminibalance.storage;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Managed client tokens ({@code gb_client_token}), shared by every gateway on this database. Rows
 * are never deleted: a revoked token stays, so that its usage keeps a name.
 */
public interface ClientTokenStore {
  /** Every token, revoked ones included, oldest first. */
  CompletableFuture<List<StoredClientToken>> loadAll();

  /** The token with this id, if any. */
  CompletableFuture<Optional<StoredClientToken>> find(String id);

  /** Adds a token; fails (a {@link StorageException}) when its id or value hash is taken. */
  CompletableFuture<Void> insert(StoredClientToken token);

  /** Writes every field of the token with {@code token.id()} but its creation time; false when there is none. */
  CompletableFuture<Boolean> update(StoredClientToken token);
}
