package io.geminibalance.testing;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
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

  /**
   * What the child keeps of the test's environment: what a process needs, none of the gateway's
   * settings. An allow-list, because the gateway reads more than its catalogue (DATABASE_URL,
   * MYSQL_*, POSTGRES_*, SQLITE_DATABASE, TZ, EVENT_LOOPS, LOG_QUEUE_SIZE, ...): a runner that
   * sets any of them must not point the child at its database or change how it runs.
   */
  static final Set<String> INHERITED = Set.of("PATH", "HOME", "USER", "LANG", "LC_ALL", "TMPDIR");

  private MainProcess() {}

  /**
   * Runs {@code Main} with {@code args} on a fresh SQLite file, on 127.0.0.1 and a free port,
   * unless {@code env} says otherwise.
   */
  public static Outcome run(Map<String, String> env, Duration wait, String... args) {
    try {
      Path dir = Files.createTempDirectory("gb-main-");
      String java = ProcessHandle.current().info().command().orElse("java");
      List<String> command = new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"),
          "io.geminibalance.app.Main"));
      command.addAll(List.of(args));
      ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile());
      Map<String, String> childEnv = childEnvironment(System.getenv(), dir, env);
      builder.environment().clear();
      builder.environment().putAll(childEnv);
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

  /** The allow-listed part of {@code inherited}, the defaults above, then {@code env}. */
  static Map<String, String> childEnvironment(Map<String, String> inherited, Path dir, Map<String, String> env) {
    Map<String, String> child = new HashMap<>();
    inherited.forEach((name, value) -> {
      if (INHERITED.contains(name)) {
        child.put(name, value);
      }
    });
    child.put("SQLITE_DATABASE", dir.resolve("gateway.db").toString());
    child.put("HOST", "127.0.0.1");
    child.put("PORT", "0");
    child.putAll(env);
    return child;
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
