package io.geminibalance.testing;

import io.geminibalance.config.SettingsCatalog;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The real launcher ({@code io.geminibalance.app.Main}) in a child JVM with the given environment,
 * in an empty working directory (no {@code .env}), for what only a whole process shows: the exit
 * code and everything it writes to stdout and stderr. A child still running after the wait is
 * stopped (by its own PID) and reported with exit code {@link #STILL_RUNNING}.
 */
public final class MainProcess {
  public static final int STILL_RUNNING = -1;

  /** What the process did. */
  public record Outcome(int exitCode, String stdout, String stderr) {
    public String output() {
      return stdout + stderr;
    }
  }

  private MainProcess() {}

  public static Outcome run(Map<String, String> env, Duration wait) {
    try {
      Path dir = Files.createTempDirectory("gb-main-");
      String java = ProcessHandle.current().info().command().orElse("java");
      ProcessBuilder builder = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
          "io.geminibalance.app.Main").directory(dir.toFile());
      // Settings of the test's own environment must not leak into the child's.
      SettingsCatalog.all().forEach(def -> builder.environment().remove(def.name()));
      builder.environment().put("SQLITE_DATABASE", dir.resolve("gateway.db").toString());
      builder.environment().put("HOST", "127.0.0.1");
      builder.environment().put("PORT", "0");
      builder.environment().putAll(env);
      Process process = builder.start();
      CompletableFuture<String> out = read(process.getInputStream());
      CompletableFuture<String> err = read(process.getErrorStream());
      int exit;
      if (process.waitFor(wait.toMillis(), TimeUnit.MILLISECONDS)) {
        exit = process.exitValue();
      } else {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        exit = STILL_RUNNING;
      }
      return new Outcome(exit, out.get(10, TimeUnit.SECONDS), err.get(10, TimeUnit.SECONDS));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static CompletableFuture<String> read(InputStream stream) {
    return CompletableFuture.supplyAsync(() -> {
      try (stream) {
        return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
      } catch (IOException e) {
        return "";
      }
    });
  }
}
