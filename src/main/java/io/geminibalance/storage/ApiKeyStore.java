package io.geminibalance.storage;

import io.geminibalance.keypool.ApiKey;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The upstream keys, one row each (table {@code gb_api_keys}). At start the app adds the keys of
 * API_KEYS (environment and saved setting) with {@link #addAll}; keys only leave through
 * {@link #removeAll}, so a key added in the admin UI survives a restart with an older API_KEYS.
 */
public interface ApiKeyStore {
  /** Every key in the order they were added ({@link ApiKey} masks itself in logs). */
  CompletableFuture<List<ApiKey>> list();

  /** Adds the keys not yet stored (blank ones and duplicates ignored); returns how many were new. */
  CompletableFuture<Integer> addAll(Collection<String> keys);

  /** Removes the given keys and their key-pool state; returns how many keys were stored. */
  CompletableFuture<Integer> removeAll(Collection<String> keys);
}
