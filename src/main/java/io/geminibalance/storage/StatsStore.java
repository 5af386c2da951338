package io.geminibalance.storage;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Request statistics, aggregated by the database (over {@code t_request_log}); only small
 * aggregated records come back, never raw rows. Every window is [from, to).
 */
public interface StatsStore {
  /** Success and failure counts per bucket, oldest first; empty buckets are left out. */
  CompletableFuture<List<BucketCount>> countsPer(TimeBucket bucket, Instant from, Instant to);

  /** The same for one key (the per-key detail chart). */
  CompletableFuture<List<BucketCount>> countsPerForKey(KeyMatch key, TimeBucket bucket, Instant from,
      Instant to);

  CompletableFuture<UsageTotals> totals(Instant from, Instant to);

  /** Per model as requested, busiest first. */
  CompletableFuture<List<ModelUsage>> perModel(Instant from, Instant to);

  /** Per key, busiest first; old rows holding a full key are grouped by its fingerprint too. */
  CompletableFuture<List<KeyUsage>> perKey(Instant from, Instant to);

  /** The keys with most responses of one status, most first (the "keys worth a look" panel). */
  CompletableFuture<List<KeyUsage>> topKeysWithStatus(int statusCode, Instant from, Instant to, int limit);

  /** Per model as requested for one key, busiest first (the per-key usage panel). */
  CompletableFuture<List<ModelUsage>> perModelForKey(KeyMatch key, Instant from, Instant to);

  /** Latency of the successful calls of the whole window; {@code group} is {@code ""}. */
  CompletableFuture<LatencyPercentiles> latency(Instant from, Instant to);

  /** The same per model as requested, by model name. */
  CompletableFuture<List<LatencyPercentiles>> latencyPerModel(Instant from, Instant to);

  /** The same per bucket, oldest first, {@code group} the label {@link TimeBucket#parseLabel} reads. */
  CompletableFuture<List<LatencyPercentiles>> latencyPer(TimeBucket bucket, Instant from, Instant to);
}
