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
      Process process = launch(env, dir, args);
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

  private static Process launch(Map<String, String> env, Path dir, String... args) throws IOException {
    String java = ProcessHandle.current().info().command().orElse("java");
    List<String> command = new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"),
        "io.geminibalance.app.Main"));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile());
    Map<String, String> childEnv = childEnvironment(System.getenv(), dir, env);
    builder.environment().clear();
    builder.environment().putAll(childEnv);
    return builder.start();
  }

  /**
   * Starts {@code Main} as {@link #run} does and returns while it runs, for a test that talks to
   * it and signals it; {@link Running#close} kills it (by its own PID) if it is still alive.
   */
  public static Running start(Map<String, String> env) {
    try {
      Path dir = Files.createTempDirectory("gb-main-");
      return new Running(launch(env, dir), dir);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A gateway process still running, its output collected line by line as it comes. */
  public static final class Running implements AutoCloseable {
    private final Process process;
    private final Path dir;
    private final List<String> stdout = java.util.Collections.synchronizedList(new ArrayList<>());
    private final CompletableFuture<String> stderr;
    private final Thread reader;

    private Running(Process process, Path dir) {
      this.process = process;
      this.dir = dir;
      this.stderr = read(process.getErrorStream());
      this.reader = Thread.ofPlatform().daemon().name("gb-main-stdout").start(() -> {
        try (var lines = new java.io.BufferedReader(new java.io.InputStreamReader(process.getInputStream(),
            StandardCharsets.UTF_8))) {
          for (String line = lines.readLine(); line != null; line = lines.readLine()) {
            stdout.add(line);
          }
        } catch (IOException e) {
          // The process is gone: what was read is kept.
        }
      });
    }

    /** The child's working directory (its SQLite file is {@code gateway.db} there unless set). */
    public Path dir() {
      return dir;
    }

    /** The first stdout line {@code matching}, waiting for it up to {@code wait}; fails if none comes. */
    public String awaitLine(java.util.function.Predicate<String> matching, Duration wait) throws InterruptedException {
      long deadline = System.nanoTime() + wait.toNanos();
      while (System.nanoTime() < deadline) {
        synchronized (stdout) {
          for (String line : stdout) {
            if (matching.test(line)) {
              return line;
            }
          }
        }
        if (!process.isAlive() && !reader.isAlive()) {
          break;
        }
        Thread.sleep(50);
      }
      throw new AssertionError("no such line within " + wait + "; output so far:\n" + String.join("\n", stdout));
    }

    /** The port the gateway announced it listens on. */
    public int awaitPort(Duration wait) throws InterruptedException {
      String line = awaitLine(l -> l.contains("Gemini Balance listening on "), wait);
      java.util.regex.Matcher port = java.util.regex.Pattern.compile("listening on [^ ]+:(\\d+)").matcher(line);
      if (!port.find()) {
        throw new AssertionError("no port in: " + line);
      }
      return Integer.parseInt(port.group(1));
    }

    /**
     * SIGTERM, as {@code docker stop} sends it. Through the process handle: {@link Process#destroy}
     * sends the same signal but also closes the pipes, and what the process writes while it stops
     * would be lost.
     */
    public void sigterm() {
      process.toHandle().destroy();
    }

    /** Waits for the process to end: its exit code and output, or {@link #STILL_RUNNING}. */
    public Outcome awaitExit(Duration wait) throws Exception {
      int exit = process.waitFor(wait.toMillis(), TimeUnit.MILLISECONDS) ? process.exitValue() : STILL_RUNNING;
      if (exit != STILL_RUNNING) {
        reader.join(10_000);
      }
      return new Outcome(exit, String.join("\n", stdout), exit == STILL_RUNNING ? "" : stderr.get(10, TimeUnit.SECONDS));
    }

    @Override
    public void close() throws InterruptedException {
      if (process.isAlive()) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
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
