package io.geminibalance.storage;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * TEMPORARY stand-in for the JDBC resource store (branch i17-store), so that the file transfer
 * relay can be wired and tested before it lands; removed at that merge.
 */
final class InMemoryResourceStore implements ResourceStore {
  private final Map<String, ResourceRecord> records = new ConcurrentHashMap<>();
  private final Map<String, String> clients = new ConcurrentHashMap<>();

  @Override
  public CompletableFuture<Void> save(ResourceRecord record) {
    records.put(record.name(), record);
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public CompletableFuture<Optional<ResourceRecord>> find(String name) {
    return CompletableFuture.completedFuture(Optional.ofNullable(records.get(name)));
  }

  @Override
  public CompletableFuture<List<ResourceRecord>> list(ResourceKind kind, String owner, long nowMillis, int limit,
      long offset) {
    return CompletableFuture.completedFuture(records.values().stream()
        .filter(r -> r.kind() == kind && (owner == null || owner.equals(r.owner())) && !r.expiredAt(nowMillis))
        .sorted(Comparator.comparingLong(ResourceRecord::createdMillis).reversed())
        .skip(offset).limit(limit).toList());
  }

  @Override
  public CompletableFuture<Boolean> delete(String name) {
    return CompletableFuture.completedFuture(records.remove(name) != null);
  }

  @Override
  public CompletableFuture<List<ResourceRecord>> expired(long nowMillis, int limit) {
    return CompletableFuture.completedFuture(records.values().stream().filter(r -> r.expiredAt(nowMillis))
        .sorted(Comparator.comparingLong(ResourceRecord::expiresMillis)).limit(limit).toList());
  }

  @Override
  public CompletableFuture<String> clientId(String tokenFingerprint) {
    return CompletableFuture.completedFuture(clients.computeIfAbsent(tokenFingerprint,
        fp -> "c_" + UUID.randomUUID().toString().replace("-", "").substring(0, 20)));
  }
}
