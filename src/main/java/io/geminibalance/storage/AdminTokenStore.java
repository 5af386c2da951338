package io.geminibalance.storage;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The generated admin token's hash ({@code gb_admin_token}), in force while AUTH_TOKEN is unset.
 * Only the hash is ever stored; the token itself exists once, in the line that announces it.
 */
public interface AdminTokenStore {
  /** The stored hash, if a token was ever generated. */
  CompletableFuture<Optional<String>> load();

  /**
   * Stores {@code hash} unless a hash is stored already (another gateway on the same database may
   * have generated one first); true when this call stored it.
   */
  CompletableFuture<Boolean> createIfAbsent(String hash);

  /** Stores {@code hash} in place of any earlier one (rotation). */
  CompletableFuture<Void> replace(String hash);
}
