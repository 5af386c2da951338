package io.geminibalance.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The launcher's child process gets none of the gateway's settings from the runner's environment. */
class MainProcessTest {
  @Test
  void noSettingOfTheRunnersEnvironmentReachesTheChild() {
    Map<String, String> runner = new HashMap<>();
    runner.put("PATH", "/usr/bin:/bin");
    runner.put("HOME", "/home/ci");
    // Storage settings outside the catalogue would point the child at the runner's database.
    runner.put("DATABASE_URL", "jdbc:postgresql://db.example/prod");
    runner.put("MYSQL_HOST", "db.example");
    runner.put("MYSQL_PASSWORD", "secret");
    runner.put("POSTGRES_HOST", "db.example");
    runner.put("SQLITE_DATABASE", "/var/lib/gateway/db");
    runner.put("EVENT_LOOPS", "64");
    runner.put("LOG_QUEUE_SIZE", "5");
    runner.put("TZ", "Pacific/Apia");
    // Catalogue settings, as before.
    runner.put("API_KEYS", "[\"AIzaSyRunnerKey\"]");
    runner.put("DATABASE_TYPE", "mysql");
    runner.put("PORT", "80");

    Path dir = Path.of("/tmp/gb-main-test");
    Map<String, String> child = MainProcess.childEnvironment(runner, dir, Map.of("AUTH_TOKEN", "sk-given"));

    assertThat(child).containsOnly(
        Map.entry("PATH", "/usr/bin:/bin"),
        Map.entry("HOME", "/home/ci"),
        Map.entry("SQLITE_DATABASE", dir.resolve("gateway.db").toString()),
        Map.entry("HOST", "127.0.0.1"),
        Map.entry("PORT", "0"),
        Map.entry("AUTH_TOKEN", "sk-given"));
  }

  @Test
  void theTestsSettingsWin() {
    Map<String, String> child = MainProcess.childEnvironment(Map.of(), Path.of("/tmp/x"),
        Map.of("SQLITE_DATABASE", "/tmp/other.db", "PORT", "8123"));
    assertThat(child).containsEntry("SQLITE_DATABASE", "/tmp/other.db").containsEntry("PORT", "8123");
  }
}
