package io.geminibalance.storage;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The usage roll-ups ({@code gb_usage_minute}, {@code gb_usage_hour}, {@code gb_usage_day}): sums
 * of the request log per bucket, client token, model and key, written in the transaction that
 * writes the request-log rows (so they are exact). Reads never touch {@code t_request_log}.
 */
public interface UsageStore {
  CompletableFuture<List<UsageRow>> query(UsageQuery query);

  /** Deletes the roll-up rows of {@code granularity} whose bucket starts before {@code cutoff}, in bounded batches. */
  CompletableFuture<Integer> deleteOlderThan(TimeBucket granularity, Instant cutoff, int batchSize);
}
