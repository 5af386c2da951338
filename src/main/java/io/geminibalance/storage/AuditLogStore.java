package io.geminibalance.storage;

import java.util.concurrent.CompletableFuture;

/** {@code gb_audit_log}: every admin change, kept until deleted by hand (a few rows a day at most). */
public interface AuditLogStore {
  /** Writes one row; completes exceptionally when it could not be written. */
  CompletableFuture<Void> append(AuditEntry entry);

  /** Newest first: rows {@code offset} to {@code offset + limit - 1}, and how many there are in all. */
  CompletableFuture<Page<AuditRow>> page(int offset, int limit);
}
