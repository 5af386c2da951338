package io.geminibalance.storage;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lets the key pool report state changes without touching the database: {@link #record} keeps only
 * the latest state per key in memory, and a background thread writes what changed every
 * {@code interval}. {@link #close()} (called from {@code Storage.close()}, hence from the shutdown
 * hook on SIGTERM) writes the rest, so a restart sees the last state.
 */
public final class KeyStateWriteBehind implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(KeyStateWriteBehind.class);

  private final KeyStateStore store;
  private final Duration writeTimeout;
  private final Map<String, KeyState> dirty = new ConcurrentHashMap<>();
  private final ScheduledExecutorService scheduler;

  public KeyStateWriteBehind(KeyStateStore store, Duration interval, Duration writeTimeout) {
    this.store = store;
    this.writeTimeout = writeTimeout;
    this.scheduler = Executors.newSingleThreadScheduledExecutor(
        Thread.ofPlatform().name("gb-key-state-writer").daemon(true).priority(Thread.MIN_PRIORITY).factory());
    long millis = interval.toMillis();
    scheduler.scheduleWithFixedDelay(this::flushQuietly, millis, millis, TimeUnit.MILLISECONDS);
  }

  /** Remembers the newest state of a key; never blocks, never fails. */
  public void record(KeyState state) {
    dirty.put(state.fingerprint(), state);
  }

  /** States recorded but not yet written. */
  public int pendingCount() {
    return dirty.size();
  }

  /** Writes what changed now, on the writer thread; completes when written. */
  public void flush() {
    try {
      scheduler.submit(this::writeDirty).get(writeTimeout.toMillis() + 1_000, TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      throw new StorageException("flush key state: " + e.getMessage(), e);
    }
  }

  private void flushQuietly() {
    try {
      writeDirty();
    } catch (RuntimeException e) {
      // Kept in memory and retried at the next tick; a newer state for a key replaces the old one.
      LOG.warn("key state: write of {} keys failed, will retry: {}", dirty.size(), e.toString());
    }
  }

  private Void writeDirty() {
    List<KeyState> batch = new ArrayList<>(dirty.values());
    if (batch.isEmpty()) {
      return null;
    }
    try {
      store.upsert(batch).get(writeTimeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StorageException("write key state: interrupted", e);
    } catch (ExecutionException | TimeoutException e) {
      throw new StorageException("write key state: " + e, e);
    }
    // Only forget states that were not replaced while the write ran.
    batch.forEach(state -> dirty.remove(state.fingerprint(), state));
    return null;
  }

  @Override
  public void close() {
    scheduler.shutdown();
    try {
      scheduler.awaitTermination(writeTimeout.toMillis(), TimeUnit.MILLISECONDS);
      writeDirty();
    } catch (InterruptedException | RuntimeException e) {
      LOG.warn("key state: {} keys could not be written at shutdown: {}", dirty.size(), e.toString());
    }
  }
}
