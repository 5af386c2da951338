package io.geminibalance.storage;

import io.geminibalance.requestlog.ErrorLogEntry;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/** {@code t_error_logs}. Rows arrive already redacted (see {@code ErrorLogSanitizer}). */
public interface ErrorLogStore {
  CompletableFuture<Void> insert(List<ErrorLogEntry> entries);

  CompletableFuture<Page<ErrorLogRow>> search(ErrorLogQuery query);

  CompletableFuture<Optional<ErrorLogRow>> get(long id);

  /** The error rows of one client request (all its attempts), oldest first. */
  CompletableFuture<List<ErrorLogRow>> findByRequestId(String requestId);

  CompletableFuture<Integer> delete(Collection<Long> ids);

  CompletableFuture<Integer> deleteAll();
  /** Deletes rows older than {@code cutoff}, {@code batchSize} rows per statement; returns how many. */
  CompletableFuture<Integer> deleteOlderThan(Instant cutoff, int batchSize);
}
