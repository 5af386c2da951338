package io.geminibalance.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.geminibalance.storage.support.KeyStateOnSigtermProcess;
import io.geminibalance.storage.support.SqliteTestDatabase;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** kill -TERM on a running gateway still writes the key state it held in memory. */
class ShutdownFlushTest {
  @Test
  @Timeout(value = 90, unit = TimeUnit.SECONDS)
  void sigtermFlushesKeyStateThroughTheShutdownHook() throws Exception {
    try (SqliteTestDatabase database = new SqliteTestDatabase()) {
      Process process = startProcess(database.config().sqliteFile().toString(), "fingerprint-on-sigterm");
      try {
        awaitReady(process);
        process.destroy(); // SIGTERM on Unix
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
      } finally {
        process.destroyForcibly();
      }

      try (Storage storage = Storage.open(database.config())) {
        assertThat(storage.keyStates().loadAll().join()).singleElement().satisfies(state -> {
          assertThat(state.fingerprint()).isEqualTo("fingerprint-on-sigterm");
          assertThat(state.disabled()).isTrue();
        });
      }
    }
  }

  private static Process startProcess(String databaseFile, String fingerprint) throws Exception {
    String java = ProcessHandle.current().info().command().orElse("java");
    return new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
        KeyStateOnSigtermProcess.class.getName(), databaseFile, fingerprint)
        .redirectError(ProcessBuilder.Redirect.DISCARD)
        .start();
  }

  private static void drain(BufferedReader out) {
    try {
      out.transferTo(java.io.Writer.nullWriter());
    } catch (java.io.IOException ignored) {
      // the child is gone
    }
  }

  private static void awaitReady(Process process) throws Exception {
    BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    String line;
    while ((line = out.readLine()) != null) {
      if (line.contains("READY")) {
        // Keep draining, so shutdown logging cannot block the child on a full pipe.
        Thread.ofPlatform().daemon(true).start(() -> drain(out));
        return;
      }
    }
    throw new AssertionError("the child process ended before it was ready (exit " + process.waitFor() + ")");
  }
}
