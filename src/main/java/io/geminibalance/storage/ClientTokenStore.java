package io.geminibalance.storage;

import io.geminibalance.auth.ClientToken;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Managed client tokens ({@code gb_client_token}), shared by every gateway on this database. Rows
 * are never deleted: a revoked token stays, so that its usage keeps a name. The database keeps the
 * names of the tokens not revoked unique ({@link ClientToken#nameKey}), so that two instances, or
 * two changes at once, cannot both give one name.
 */
public interface ClientTokenStore {
  /** Every token, revoked ones included, oldest first. */
  CompletableFuture<List<ClientToken>> loadAll();

  /** The token with this id, if any. */
  CompletableFuture<Optional<ClientToken>> find(String id);

  /**
   * Adds a token; fails with {@link NameTaken} when another token not revoked has its name, and
   * with a {@link StorageException} when its id or value hash is taken.
   */
  CompletableFuture<Void> insert(ClientToken token);

  /**
   * Writes every field of the token with {@code token.id()} but its creation time, only while the
   * stored token is not revoked; false when there is none or it is revoked (another instance may
   * have revoked it since this one read it: a revoke is final, and an edit written over it would
   * bring the token back). Fails with {@link NameTaken} as {@link #insert} does.
   */
  CompletableFuture<Boolean> update(ClientToken token);

  /** Another token that is not revoked already has this name (ignoring case): nothing was written. */
  final class NameTaken extends RuntimeException {
    public NameTaken(String name) {
      super("another token that is not revoked is named '" + name + "'");
    }
  }
}
