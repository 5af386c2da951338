package io.geminibalance.storage.support;

import io.geminibalance.storage.KeyState;
import io.geminibalance.storage.KeyStateWriteBehind;
import io.geminibalance.storage.Storage;
import io.geminibalance.storage.StorageConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * A stand-in gateway process for the SIGTERM test: records a key state that only the shutdown
 * flush can write (the periodic flush is an hour away), says READY, and waits to be killed.
 */
public final class KeyStateOnSigtermProcess {
  private KeyStateOnSigtermProcess() {}

  public static void main(String[] args) throws InterruptedException {
    Storage storage = Storage.open(StorageConfig.sqlite(Path.of(args[0]))).closeOnShutdown();
    KeyStateWriteBehind writeBehind = storage.newKeyStateWriteBehind(Duration.ofHours(1));
    writeBehind.record(new KeyState(args[1], true, "disabled before SIGTERM", 3, List.of(),
        Instant.parse("2026-11-20T10:00:00Z")));
    System.out.println("READY");
    System.out.flush();
    Thread.sleep(Duration.ofMinutes(5));
  }
}
