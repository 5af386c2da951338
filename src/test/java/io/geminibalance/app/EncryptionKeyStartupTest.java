package io.geminibalance.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.geminibalance.config.ConfigException;
import io.geminibalance.storage.AtRestEncryption;
import io.geminibalance.storage.EncryptionKey;
import io.geminibalance.storage.Storage;
import io.geminibalance.storage.StorageConfig;
import io.geminibalance.testing.GatewayHarness;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * ENCRYPTION_KEY must be the base64 of 32 bytes when it is set at all: anything else stops
 * start-up with one line naming the setting, never the value; so does a key that does not fit
 * the database, in-process and from the real launcher.
 */
class EncryptionKeyStartupTest {
  private static final String SIXTEEN_BYTES = Base64.getEncoder().encodeToString(new byte[16]);
  private static final String THIRTY_THREE_BYTES = Base64.getEncoder().encodeToString("x".repeat(33).getBytes());

  @ParameterizedTest
  @ValueSource(strings = {"this-is-not-base64-but-44-characters-long!!!", "c2VjcmV0IGtleSB3aXRoIHNwYWNlcw== extra",
      "q83vEjRWeJq83vEjRWeJqw==", "eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4", "", "   "})
  void aMalformedKeyStopsStartUpWithoutEchoingIt(String value) {
    assertThatThrownBy(() -> GatewayHarness.start(Map.of("ENCRYPTION_KEY", value)))
        .rootCause().isInstanceOfSatisfying(ConfigException.class, e -> {
          assertThat(e.name()).isEqualTo("ENCRYPTION_KEY");
          assertThat(e.getMessage()).startsWith("ENCRYPTION_KEY: ").contains("expected: the base64 of 32 random bytes");
          if (!value.isBlank()) {
            assertThat(e.getMessage()).doesNotContain(value).doesNotContain(value.substring(0, 12));
          }
        });
  }

  @Test
  void lengthsAreNamedAndThePreviousKeyIsCheckedToo() {
    assertThatThrownBy(() -> GatewayHarness.start(Map.of("ENCRYPTION_KEY", SIXTEEN_BYTES)))
        .rootCause().hasMessageStartingWith("ENCRYPTION_KEY: decodes to 16 bytes");
    assertThatThrownBy(() -> GatewayHarness.start(Map.of("ENCRYPTION_KEY", THIRTY_THREE_BYTES)))
        .rootCause().hasMessageStartingWith("ENCRYPTION_KEY: decodes to 33 bytes");
    assertThatThrownBy(() -> GatewayHarness.start(Map.of("ENCRYPTION_KEY", EncryptionKey.generate(),
        "ENCRYPTION_KEY_PREVIOUS", "not base64 at all")))
        .rootCause().isInstanceOfSatisfying(ConfigException.class,
            e -> assertThat(e.name()).isEqualTo("ENCRYPTION_KEY_PREVIOUS"));
  }

  @Test
  void aWellFormedKeyStartsTheGateway() {
    try (GatewayHarness gateway = GatewayHarness.start(Map.of("ENCRYPTION_KEY", EncryptionKey.generate()))) {
      assertThat(gateway.get("/health").statusCode()).isEqualTo(200);
    }
  }

  /**
   * The longest messages the code words itself are shown whole (they were cut at 200 characters,
   * mid-instruction): only quoted values are cut.
   */
  @Test
  void aWrongKeyIsExplainedInFull() throws Exception {
    String db = GatewayHarness.tempDatabase();
    try (Storage storage = Storage.open(StorageConfig.sqlite(Path.of(db)),
        AtRestEncryption.fromEnv(Map.of("ENCRYPTION_KEY", EncryptionKey.generate()), name -> true))) {
      storage.apiKeys().addAll(List.of("AIzaSyWrongKeyTest_00000000000000000001")).join();
    }
    String wrongBoth = "ENCRYPTION_KEY: does not match the key this database is encrypted with, nor does"
        + " ENCRYPTION_KEY_PREVIOUS. Nothing was changed. Use the key it was encrypted with; to change keys, set that"
        + " one as ENCRYPTION_KEY_PREVIOUS and the new one as ENCRYPTION_KEY.";
    assertThat(wrongBoth).hasSizeGreaterThan(200);
    assertThatThrownBy(() -> GatewayHarness.start(Map.of("ENCRYPTION_KEY", EncryptionKey.generate(),
        "ENCRYPTION_KEY_PREVIOUS", EncryptionKey.generate()), db))
        .rootCause().isInstanceOf(ConfigException.class).hasMessage(wrongBoth);
    String unset = "ENCRYPTION_KEY: not set, but this database's keys and secret settings are encrypted. Set the"
        + " ENCRYPTION_KEY they were encrypted with (to store them in clear again, set that key as"
        + " ENCRYPTION_KEY_PREVIOUS and leave ENCRYPTION_KEY unset for one start). Nothing was changed.";
    assertThat(unset).hasSizeGreaterThan(250);
    assertThatThrownBy(() -> GatewayHarness.start(Map.of(), db))
        .rootCause().isInstanceOf(ConfigException.class).hasMessage(unset);
  }

  /** The launcher itself: exit status 2 and one "Configuration error" line, no key anywhere in its output. */
  @Test
  @Timeout(value = 240, unit = TimeUnit.SECONDS)
  void theLauncherStopsOnABadOrWrongKey() throws Exception {
    Path dir = Files.createTempDirectory("gb-encryption-launch");
    Path db = dir.resolve("gateway.db");
    String right = EncryptionKey.generate();
    try (Storage storage = Storage.open(StorageConfig.sqlite(db),
        AtRestEncryption.fromEnv(Map.of("ENCRYPTION_KEY", right), name -> true))) {
      storage.apiKeys().addAll(List.of("AIzaSyLauncherKey_000000000000000000001")).join();
    }

    Launch malformed = launch(dir, db, SIXTEEN_BYTES);
    assertThat(malformed.exit()).isEqualTo(2);
    assertThat(malformed.output()).contains("Configuration error: ENCRYPTION_KEY: decodes to 16 bytes")
        .doesNotContain(SIXTEEN_BYTES);

    String wrong = EncryptionKey.generate();
    Launch mismatch = launch(dir, db, wrong);
    assertThat(mismatch.exit()).isEqualTo(2);
    assertThat(mismatch.output()).contains("Configuration error: ENCRYPTION_KEY: does not match the key this database")
        .doesNotContain(wrong).doesNotContain(right).doesNotContain("AIzaSyLauncherKey_000000000000000000001");
  }

  private record Launch(int exit, String output) {}

  private static Launch launch(Path dir, Path db, String key) throws Exception {
    String java = ProcessHandle.current().info().command().orElse("java");
    ProcessBuilder builder = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), Main.class.getName())
        .directory(dir.toFile()).redirectErrorStream(true);
    builder.environment().keySet().removeIf(name -> name.startsWith("ENCRYPTION_KEY"));
    builder.environment().putAll(Map.of("ENCRYPTION_KEY", key, "DATABASE_TYPE", "sqlite",
        "SQLITE_DATABASE", db.toString(), "PORT", "0", "HOST", "127.0.0.1", "AUTH_TOKEN", "sk-launcher-admin-0001",
        "CHECK_INTERVAL_HOURS", "0"));
    Process process = builder.start();
    java.io.ByteArrayOutputStream output = new java.io.ByteArrayOutputStream();
    Thread reader = Thread.ofPlatform().daemon(true).start(() -> {
      try {
        process.getInputStream().transferTo(output);
      } catch (java.io.IOException ignored) {
        // the process is gone
      }
    });
    try {
      assertThat(process.waitFor(90, TimeUnit.SECONDS)).as("the launcher stopped by itself").isTrue();
      reader.join(5000);
      return new Launch(process.exitValue(), output.toString(StandardCharsets.UTF_8));
    } finally {
      process.destroyForcibly();
    }
  }
}
