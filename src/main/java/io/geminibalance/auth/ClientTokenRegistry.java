package io.geminibalance.auth;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The managed tokens in force, looked up on every request by the hash of the credential presented
 * (a map lookup after one HMAC: no stored value to compare in constant time). Replaced whole when
 * tokens change (admin API, another instance's change); readers see one consistent snapshot.
 */
public final class ClientTokenRegistry {
  private record Snapshot(Map<String, ClientToken> byHash, Map<String, ClientToken> byId, List<ClientToken> all) {}

  private volatile Snapshot snapshot = new Snapshot(Map.of(), Map.of(), List.of());
  private final List<Runnable> listeners = new CopyOnWriteArrayList<>();

  /**
   * Runs {@code listener} after every {@link #replace}: this instance's changes and another
   * instance's, which both end in a replace.
   */
  public void onReplace(Runnable listener) {
    listeners.add(listener);
  }

  /** Replaces every token (revoked ones included: they answer "revoked", not "unknown"). */
  public void replace(Collection<ClientToken> tokens) {
    Map<String, ClientToken> byHash = new HashMap<>();
    Map<String, ClientToken> byId = new HashMap<>();
    for (ClientToken token : tokens) {
      byHash.put(token.hash(), token);
      byId.put(token.id(), token);
    }
    snapshot = new Snapshot(Map.copyOf(byHash), Map.copyOf(byId), List.copyOf(tokens));
    listeners.forEach(Runnable::run);
  }

  /** The token whose value hashes to {@code hash}, or null. */
  public ClientToken byHash(String hash) {
    return snapshot.byHash().get(hash);
  }

  /** The token with stable id {@code id}, or null. */
  public ClientToken byId(String id) {
    return snapshot.byId().get(id);
  }

  public List<ClientToken> all() {
    return snapshot.all();
  }
}
