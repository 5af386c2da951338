package io.geminibalance.storage;

import java.time.Instant;
import java.util.Objects;
import java.util.Set;

/**
 * What to read from the usage roll-ups: buckets of one {@code granularity} starting in [from, to),
 * optionally only one client token, model or key, summed over every dimension not in {@code dimensions}.
 *
 * @param client a client fingerprint (managed token id or ALLOWED_TOKENS fingerprint), {@code ""}
 *     for calls without a client token, or null for all
 * @param model a model name, or null for all
 * @param key an upstream key fingerprint, or null for all
 */
public record UsageQuery(TimeBucket granularity, Instant from, Instant to, String client, String model, String key,
    Set<UsageDimension> dimensions) {

  public UsageQuery {
    Objects.requireNonNull(granularity, "granularity");
    Objects.requireNonNull(from, "from");
    Objects.requireNonNull(to, "to");
    dimensions = Set.copyOf(dimensions);
  }

  public UsageQuery groupedBy(Set<UsageDimension> other) {
    return new UsageQuery(granularity, from, to, client, model, key, other);
  }

  /** Whether the answer depends on the upstream key: filtered or grouped by it. */
  public boolean byKey() {
    return key != null || dimensions.contains(UsageDimension.KEY);
  }
}
