package io.geminibalance.relay;

import io.geminibalance.storage.ResourceRecord;
import io.geminibalance.upstream.KeyChoice;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Which key a request that names stateful resources must be sent with, decided from the records
 * of those resources: a value, applied by the relay. A resource answers only to the key that
 * created it, so a request naming resources of two keys cannot succeed, and one naming another
 * client's resource (when clients are isolated) must not reach Google at all.
 */
public sealed interface Affinity {

  /** Nothing named is recorded (and isolation allows that): any key, in rotation. */
  record Rotation() implements Affinity {}

  /** Only the key that created {@code resource}, in pool {@code pool}, can serve the request. */
  record Pinned(String keyFingerprint, String resource, String pool) implements Affinity {
    KeyChoice choice() {
      return new KeyChoice.Pinned(keyFingerprint, resource);
    }
  }

  /** Answered by the gateway; nothing goes upstream. */
  record Refused(int status, String message) implements Affinity {}

  /** A named resource and its record, if the gateway has one. */
  record Named(String name, Optional<ResourceRecord> record) {}

  Rotation ROTATION = new Rotation();

  /**
   * @param named the resources the request names, in order (its path's first)
   * @param caller the calling client's id
   * @param isolation FILES_USER_ISOLATION_ENABLED: unrecorded or others' resources are unknown
   * @param pools the pools the surface serves from ({@link ResourceRecord#GEMINI_POOL}, {@link
   *     ResourceRecord#PAID_POOL})
   */
  static Affinity decide(List<Named> named, String caller, boolean isolation, Set<String> pools, long nowMillis) {
    Set<String> keys = new LinkedHashSet<>();
    String first = null;
    String firstPool = null;
    for (Named one : named) {
      if (one.record().isEmpty()) {
        if (isolation) {
          return notFound(one.name());
        }
        continue;
      }
      ResourceRecord record = one.record().get();
      if (isolation && !record.owner().equals(caller)) {
        return notFound(one.name());
      }
      if (record.expiredAt(nowMillis)) {
        return new Refused(404, one.name() + " has expired: Google keeps it only until its expiration time.");
      }
      if (!pools.contains(record.pool())) {
        return new Refused(404, one.name() + " was created through the " + record.pool() + " surface and is not"
            + " known here.");
      }
      keys.add(record.pool() + "/" + record.keyFingerprint());
      if (first == null) {
        first = one.name();
        firstPool = record.pool();
      }
    }
    if (keys.size() > 1) {
      return new Refused(400, "This request names resources created with different keys of the gateway's pool ("
          + String.join(", ", named.stream().filter(n -> n.record().isPresent()).map(Named::name).toList())
          + "): Google serves each resource only to the key that created it, so they cannot be used in one"
          + " request. Create them in one request chain (e.g. upload the files, then create the cache from them).");
    }
    if (keys.isEmpty()) {
      return ROTATION;
    }
    String key = keys.iterator().next();
    return new Pinned(key.substring(firstPool.length() + 1), first, firstPool);
  }

  private static Refused notFound(String name) {
    return new Refused(404, name + " not found (no such resource was created by this client through the gateway).");
  }
}
