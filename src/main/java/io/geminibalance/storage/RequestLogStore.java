package io.geminibalance.storage;

import io.geminibalance.requestlog.RequestLogEntry;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** {@code t_request_log}: one row per upstream attempt. Written through a LogWriter, not directly. */
public interface RequestLogStore {
  CompletableFuture<Void> insert(List<RequestLogEntry> entries);

  /**
   * The newest calls in [from, to), newest first, for the admin call-detail lists.
   *
   * @param key only this key's calls, or null for all
   */
  CompletableFuture<List<RequestLogRow>> recent(Instant from, Instant to, KeyMatch key, int limit);
  /** Deletes rows older than {@code cutoff}, {@code batchSize} rows per statement; returns how many. */
  CompletableFuture<Integer> deleteOlderThan(Instant cutoff, int batchSize);
}
