package io.geminibalance.relay;

import io.geminibalance.requestlog.KeyIdentity;
import io.geminibalance.protocol.gemini.ResourceKind;
import io.geminibalance.storage.ResourceRecord;
import io.geminibalance.storage.ResourceStore;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;

/**
 * The stateful resources created through the gateway and their owners, over the database (so
 * that affinity survives restarts and holds across instances on one database). Every answer
 * comes back on the calling event loop's context.
 */
public final class ResourceRegistry {
  /** Client ids are few (one per client token); the cache is cleared whole if it ever grows past this. */
  private static final int OWNER_CACHE_MAX = 10_000;

  private final ResourceStore store;
  private final BooleanSupplier isolation;
  private final Map<String, String> owners = new ConcurrentHashMap<>();

  /** @param isolation FILES_USER_ISOLATION_ENABLED, read per request (a live setting) */
  public ResourceRegistry(ResourceStore store, BooleanSupplier isolation) {
    this.store = store;
    this.isolation = isolation;
  }

  /** Whether a client sees and uses only its own resources. */
  public boolean isolation() {
    return isolation.getAsBoolean();
  }

  /** The stable id of the calling client (created on its first resource). */
  public Future<String> owner(KeyIdentity client) {
    String cached = owners.get(client.fingerprint());
    if (cached != null) {
      return Future.succeededFuture(cached);
    }
    return onContext(store.clientId(client.fingerprint())).onSuccess(id -> {
      if (owners.size() >= OWNER_CACHE_MAX) {
        owners.clear();
      }
      owners.put(client.fingerprint(), id);
    });
  }

  public Future<Optional<ResourceRecord>> find(String name) {
    return onContext(store.find(name));
  }

  public Future<Void> record(ResourceRecord record) {
    return onContext(store.save(record));
  }

  public Future<Boolean> forget(String name) {
    return onContext(store.delete(name));
  }

  /** One page of a kind's live records: the caller's own when isolated, else everyone's. */
  public Future<List<ResourceRecord>> list(ResourceKind kind, String owner, long nowMillis, int limit, long offset) {
    return onContext(store.list(kind, isolation() ? owner : null, nowMillis, limit, offset));
  }

  public Future<List<ResourceRecord>> expired(long nowMillis, int limit) {
    return onContext(store.expired(nowMillis, limit));
  }

  private static <T> Future<T> onContext(CompletionStage<T> stage) {
    Context context = Vertx.currentContext();
    return context == null ? Future.fromCompletionStage(stage) : Future.fromCompletionStage(stage, context);
  }
}
