package io.geminibalance.app;

import io.geminibalance.admin.AdminTokenCommand;
import io.geminibalance.config.ConfigException;
import io.geminibalance.config.EnvSource;
import io.geminibalance.config.GatewayConfig;
import io.geminibalance.metrics.GatewayMetrics;
import io.geminibalance.requestlog.SecretRedactor;
import io.geminibalance.storage.Storage;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Starts the gateway from the environment and a {@code .env} file in the working directory. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    useNettyPooledAllocator();
    skipNettyLeakSampling();
    Map<String, String> raw = EnvSource.load(Path.of("."), System.getenv());
    // Before anything can print a message: the operator's command too may quote a secret.
    ConfiguredSecrets.registerRaw(raw, SecretRedactor.process());
    if (java.util.Arrays.asList(args).contains(AdminTokenCommand.FLAG)) {
      System.exit(rotateAdminToken(raw));
      return;
    }
    IoTransport.Choice transport;
    GatewayMetrics metrics;
    try {
      LogLevels.apply(GatewayConfig.from(raw).logLevel());
      transport = IoTransport.choose(raw);
      metrics = Gateway.metrics(raw);
    } catch (ConfigException e) {
      System.err.println("Configuration error: " + SecretRedactor.process().redact(e.getMessage()));
      System.exit(2);
      return;
    }
    Logger log = LoggerFactory.getLogger(Main.class);
    CompletableFuture<Persistence> storage = openStorageMeanwhile(raw);
    Vertx vertx = IoTransport.vertx(transport, metrics);
    log.info("I/O transport: {}{}", transport.name(),
        transport.passedOver() == null ? "" : " (not available: " + transport.passedOver() + ")");
    Gateway gateway;
    try {
      gateway = Gateway.start(vertx, awaitStorage(storage), metrics).await(30, TimeUnit.SECONDS);
    } catch (ConfigException e) {
      System.err.println("Configuration error: " + SecretRedactor.process().redact(e.getMessage()));
      vertx.close();
      System.exit(2);
      return;
    } catch (Exception e) {
      log.error("Gateway failed to start: {}", e.getMessage());
      vertx.close();
      System.exit(1);
      return;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        gateway.close().await(10, TimeUnit.SECONDS);
        vertx.close().await(10, TimeUnit.SECONDS);
      } catch (Exception e) {
        log.warn("Shutdown did not finish cleanly: {}", e.getMessage());
      }
    }, "shutdown"));
  }

  /** {@code --rotate-admin-token}: prints a new admin token and exits (see {@link AdminTokenCommand}). */
  private static int rotateAdminToken(Map<String, String> raw) {
    try (Persistence persistence = Persistence.open(raw)) {
      Storage storage = persistence.storage();
      return AdminTokenCommand.run(storage.settings(), storage.adminToken(), storage.auditLog(),
          storage.tokenFingerprints(), raw, System.out, System.err);
    } catch (ConfigException e) {
      System.err.println("Configuration error: " + SecretRedactor.process().redact(e.getMessage()));
      return 2;
    } catch (RuntimeException e) {
      System.err.println("Cannot rotate the admin token: " + SecretRedactor.process().redact(e.getMessage()));
      return 1;
    }
  }

  /**
   * Opening the database (pool, migrations) and starting Vert.x (Netty) each take a few hundred
   * milliseconds of start-up and need nothing from each other, so they run side by side.
   */
  private static CompletableFuture<Persistence> openStorageMeanwhile(Map<String, String> raw) {
    CompletableFuture<Persistence> opened = new CompletableFuture<>();
    Thread.ofPlatform().name("gb-storage-open").start(() -> {
      try {
        opened.complete(Persistence.open(raw));
      } catch (Throwable e) {
        opened.completeExceptionally(e);
      }
    });
    return opened;
  }

  /** The opened storage, or what opening it threw (a ConfigException stays one). */
  private static Persistence awaitStorage(CompletableFuture<Persistence> storage) {
    try {
      return storage.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException runtime) {
        throw runtime;
      }
      if (e.getCause() instanceof Error error) {
        throw error;
      }
      throw e;
    }
  }

  /**
   * Netty 4.2 defaults to its adaptive allocator, whose buffers cost noticeably more per write
   * (every header byte goes through a wrapper) than the pooled one; the pooled one costs a few MiB
   * of peak memory and saves more CPU per request than that is worth (bench/NOTES.md). Must run
   * before any Netty class loads; {@code -Dio.netty.allocator.type} still wins.
   */
  private static void useNettyPooledAllocator() {
    if (System.getProperty("io.netty.allocator.type") == null) {
      System.setProperty("io.netty.allocator.type", "pooled");
    }
  }

  /**
   * Netty's leak detector (level SIMPLE unless set) samples buffer allocations on every request
   * path, a visible share of the event loops' time in profiles. It only reports leaks,
   * which the test suite (not started through here) still does; {@code -Dio.netty.leakDetection.level}
   * still wins, e.g. to hunt a leak in production.
   */
  private static void skipNettyLeakSampling() {
    if (System.getProperty("io.netty.leakDetection.level") == null
        && System.getProperty("io.netty.leakDetectionLevel") == null) {
      System.setProperty("io.netty.leakDetection.level", "disabled");
    }
  }
}
