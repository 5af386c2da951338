package io.geminibalance.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.geminibalance.testing.MainProcess;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Bad settings stop the real launcher with exit code 2 and one line that shows no secret. */
class StartupConfigErrorTest {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final String KEY = "AIzaSyD4x9Qm2Lr7Tn0Pw3Ke8Jb5Vc1Hs6Gf2Zq";
  private static final String ODD_KEY = "pk7Qz2mW9xR4";
  private static final String TOKEN = "sk-c1ient0123456789abcdefABCDEF";

  @Test
  void controlCharactersInKeysTokensAndHeadersStopStartUp() {
    Map<String, String> cases = Map.of(
        "CUSTOM_HEADERS", "{\"x\":\"a\\r\\nb\"}",
        "API_KEYS", KEY + ",odd\r\nX-Injected: 1",
        "ALLOWED_TOKENS", "[\"" + TOKEN + "\",\"bad\\ntoken\"]",
        "AUTH_TOKEN", "admin\u0001token");
    cases.forEach((name, value) -> {
      MainProcess.Outcome run = MainProcess.run(Map.of(name, value), WAIT);
      assertThat(run.exitCode()).as(name + ": " + run.output()).isEqualTo(2);
      assertThat(run.stderr()).as(name).startsWith("Configuration error: " + name + ": ")
          .contains(name.equals("CUSTOM_HEADERS") ? "line break" : "has a")
          .doesNotContain(KEY).doesNotContain(TOKEN).doesNotContain("X-Injected");
      assertThat(run.stderr().strip().lines().count()).as(name).isEqualTo(1);
    });
  }

  @Test
  void aMalformedSecretSettingIsNamedWithoutItsValue() {
    MainProcess.Outcome keys = MainProcess.run(Map.of("API_KEYS", "[\"" + KEY + "\", \"" + ODD_KEY + "\""), WAIT);
    assertThat(keys.exitCode()).isEqualTo(2);
    assertThat(keys.stderr().strip()).isEqualTo("Configuration error: API_KEYS: value not shown (secret setting)"
        + " (expected: a JSON list of strings or comma-separated values)");
    // A token pasted into another setting is masked there too, realistic or not.
    MainProcess.Outcome pasted = MainProcess.run(Map.of("ALLOWED_TOKENS", TOKEN + "," + ODD_KEY,
        "MAX_RETRIES", ODD_KEY), WAIT);
    assertThat(pasted.exitCode()).isEqualTo(2);
    assertThat(pasted.stderr()).contains("MAX_RETRIES: '...").doesNotContain(ODD_KEY);
    MainProcess.Outcome shaped = MainProcess.run(Map.of("TEST_MODEL", "x", "TIME_OUT", KEY), WAIT);
    assertThat(shaped.exitCode()).isEqualTo(2);
    assertThat(shaped.stderr()).contains("TIME_OUT: 'AIza...").doesNotContain(KEY);
  }

  @Test
  void malformedModelPricesStopStartUpNamingTheModelAndField() {
    MainProcess.Outcome run = MainProcess.run(Map.of("MODEL_PRICES",
        "{\"gemini-2.5-pro\": {\"input\": 1.25, \"output\": \"ten\"}}"), WAIT);
    assertThat(run.exitCode()).as(run.output()).isEqualTo(2);
    assertThat(lastLine(run.stderr())).startsWith("Configuration error: MODEL_PRICES: model 'gemini-2.5-pro':"
        + " field 'output' is not a number of 0 or more");
  }

  @Test
  void aBadLogFormatOrShutdownGraceStopsStartUpNamingIt() {
    Map<String, String> cases = Map.of(
        "LOG_FORMAT", "xml",
        "SHUTDOWN_GRACE_SECONDS", "-1");
    cases.forEach((name, value) -> {
      MainProcess.Outcome run = MainProcess.run(Map.of(name, value), WAIT);
      assertThat(run.exitCode()).as(name + ": " + run.output()).isEqualTo(2);
      assertThat(lastLine(run.stderr())).as(name).startsWith("Configuration error: " + name + ": '" + value + "'");
    });
  }

  @Test
  void aBadStorageSettingIsNamedOnceByItsOwnName() {
    MainProcess.Outcome type = MainProcess.run(Map.of("DATABASE_TYPE", "oracle"), WAIT);
    assertThat(type.exitCode()).isEqualTo(2);
    // The last line: a child run from the class path may print the JVM's native-access warnings first.
    assertThat(lastLine(type.stderr()))
        .isEqualTo("Configuration error: DATABASE_TYPE: 'oracle' (expected: sqlite, mysql or postgres)");
    MainProcess.Outcome missing = MainProcess.run(Map.of("DATABASE_TYPE", "mysql", "MYSQL_HOST", "127.0.0.1"), WAIT);
    assertThat(missing.exitCode()).isEqualTo(2);
    assertThat(lastLine(missing.stderr()))
        .isEqualTo("Configuration error: MYSQL_DATABASE: not set (expected: a database name)");
  }

  private static String lastLine(String text) {
    return text.strip().lines().reduce((first, second) -> second).orElse("");
  }
}
