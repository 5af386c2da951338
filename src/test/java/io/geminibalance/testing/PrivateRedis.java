package io.geminibalance.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A redis-server of a test's own on a free loopback port, keeping nothing on disk (as the machine's
 * Redis is run), for tests that stop and restart Redis under a running gateway. Stopped by PID;
 * {@link #restart()} brings it back empty on the same port, like a Redis without persistence.
 */
public final class PrivateRedis implements AutoCloseable {
  private final int port;
  private final Path dir;
  private Process process;

  private PrivateRedis(int port, Path dir) {
    this.port = port;
    this.dir = dir;
  }

  public static PrivateRedis start() {
    try {
      PrivateRedis redis = new PrivateRedis(freePort(), Files.createTempDirectory("gb-redis"));
      redis.launch();
      return redis;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public int port() {
    return port;
  }

  public String url() {
    return "redis://127.0.0.1:" + port;
  }

  public boolean running() {
    return process != null && process.isAlive();
  }

  /** Kills the server (SIGKILL: nothing is saved, connections drop at once). */
  public void stop() {
    if (process != null) {
      process.destroyForcibly();
      try {
        process.waitFor();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      process = null;
    }
  }

  /** Starts it again, empty, on the same port. */
  public void restart() {
    stop();
    launch();
  }

  private void launch() {
    try {
      process = new ProcessBuilder(List.of("redis-server", "--port", Integer.toString(port), "--bind", "127.0.0.1",
          "--save", "", "--appendonly", "no", "--dir", dir.toString()))
          .redirectErrorStream(true).redirectOutput(dir.resolve("redis.log").toFile()).start();
    } catch (IOException e) {
      throw new UncheckedIOException("redis-server could not start (is it installed?)", e);
    }
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (System.nanoTime() < deadline) {
      try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
        return;
      } catch (IOException notYet) {
        try {
          Thread.sleep(20);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
    throw new IllegalStateException("redis-server did not listen on port " + port + " within 10 s");
  }

  @Override
  public void close() {
    stop();
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }
}
