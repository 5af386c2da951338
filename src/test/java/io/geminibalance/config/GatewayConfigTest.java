package io.geminibalance.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GatewayConfigTest {

  @Test
  void defaultsMatchGeminiBalance() {
    GatewayConfig c = GatewayConfig.from(Map.of("AUTH_TOKEN", "admin"));
    assertThat(c.port()).isEqualTo(8000);
    assertThat(c.host()).isEqualTo("0.0.0.0");
    assertThat(c.baseUrl()).hasToString("https://generativelanguage.googleapis.com/v1beta");
    assertThat(c.maxFailures()).isEqualTo(3);
    assertThat(c.maxRetries()).isEqualTo(3);
    assertThat(c.timeout()).isEqualTo(Duration.ofSeconds(300));
    assertThat(c.checkIntervalHours()).isEqualTo(1.0);
    assertThat(c.testModel()).isEqualTo("gemini-2.5-flash-lite");
    assertThat(c.filteredModels()).contains("gemini-pro-vision");
    assertThat(c.logLevel()).isEqualTo("INFO");
  }

  @Test
  void listsAcceptJsonAndCommaSeparatedForms() {
    assertThat(GatewayConfig.from(Map.of("API_KEYS", "[\"a\", \"b\"]")).apiKeys()).containsExactly("a", "b");
    assertThat(GatewayConfig.from(Map.of("API_KEYS", "a, b ,c")).apiKeys()).containsExactly("a", "b", "c");
    assertThat(GatewayConfig.from(Map.of("API_KEYS", "['a','a','b']")).apiKeys()).containsExactly("a", "b");
  }

  @Test
  void customHeadersAreAJsonMap() {
    GatewayConfig c = GatewayConfig.from(Map.of("CUSTOM_HEADERS", "{\"X-Team\": \"ml\", \"X-N\": 3}"));
    assertThat(c.customHeaders()).containsExactly(Map.entry("X-Team", "ml"), Map.entry("X-N", "3"));
  }

  @Test
  void badValuesFailWithOneLineNamingVariableValueAndExpectation() {
    assertThatThrownBy(() -> GatewayConfig.from(Map.of("MAX_RETRIES", "three")))
        .isInstanceOf(ConfigException.class)
        .hasMessage("MAX_RETRIES: 'three' (expected: a whole number from 0 to 100)");
    assertThatThrownBy(() -> GatewayConfig.from(Map.of("BASE_URL", "ftp://x")))
        .hasMessageStartingWith("BASE_URL: 'ftp://x' (expected: an http(s) URL");
    assertThatThrownBy(() -> GatewayConfig.from(Map.of("CUSTOM_HEADERS", "[1]")))
        .hasMessageStartingWith("CUSTOM_HEADERS: '[1]' (expected: a JSON object");
    assertThatThrownBy(() -> GatewayConfig.from(Map.of("PORT", "70000")))
        .hasMessageStartingWith("PORT: '70000'");
    assertThatThrownBy(() -> GatewayConfig.from(Map.of("LOG_LEVEL", "LOUD")))
        .hasMessageStartingWith("LOG_LEVEL: 'LOUD'");
    assertThat(GatewayConfig.from(Map.of("LOG_LEVEL", "warning")).logLevel()).isEqualTo("WARN");
  }

  @Test
  void withoutAuthTokenNoAdminTokenIsMadeUpHere() {
    GatewayConfig a = GatewayConfig.from(Map.of());
    assertThat(a.authTokenSource()).isEqualTo(GatewayConfig.AuthTokenSource.GENERATED);
    assertThat(a.authToken()).isNull();
    assertThat(a.clientTokens()).isEmpty();
  }

  @Test
  void emptyAuthTokenDoesNotMakeTheFirstAllowedTokenTheAdmin() {
    GatewayConfig c = GatewayConfig.from(Map.of("ALLOWED_TOKENS", "[\"t1\",\"t2\"]", "AUTH_TOKEN", ""));
    assertThat(c.authToken()).isNull();
    assertThat(c.authTokenSource()).isEqualTo(GatewayConfig.AuthTokenSource.GENERATED);
    assertThat(c.clientTokens()).containsExactly("t1", "t2");
  }

  @Test
  void authTokenIsTheAdminTokenAndAClientToken() {
    GatewayConfig c = GatewayConfig.from(Map.of("ALLOWED_TOKENS", "[\"t1\"]", "AUTH_TOKEN", "admin-1"));
    assertThat(c.authToken()).isEqualTo("admin-1");
    assertThat(c.authTokenSource()).isEqualTo(GatewayConfig.AuthTokenSource.AUTH_TOKEN);
    assertThat(c.clientTokens()).containsExactly("t1", "admin-1");
  }

  @Test
  void environmentWinsOverDotEnv(@TempDir Path dir) throws IOException {
    Files.writeString(dir.resolve(".env"), String.join("\n",
        "# comment", "API_KEYS=[\"from-file\"]", "export MAX_RETRIES=5", "TEST_MODEL=\"quoted-model\"",
        "PORT=9000 # inline comment", ""));
    Map<String, String> merged = EnvSource.load(dir, Map.of("API_KEYS", "from-env"));
    GatewayConfig c = GatewayConfig.from(merged);
    assertThat(c.apiKeys()).containsExactly("from-env");
    assertThat(c.maxRetries()).isEqualTo(5);
    assertThat(c.testModel()).isEqualTo("quoted-model");
    assertThat(c.port()).isEqualTo(9000);
  }

  @Test
  void booleansAndNumbersInOriginalEncodings() {
    ConfigValues v = new ConfigValues(Map.of("A", "True", "B", "off", "C", "3.0", "D", "maybe"));
    assertThat(v.bool("A", false)).isTrue();
    assertThat(v.bool("B", true)).isFalse();
    assertThat(v.integer("C", 0, 0, 10)).isEqualTo(3);
    assertThatThrownBy(() -> v.bool("D", true)).hasMessage("D: 'maybe' (expected: true or false)");
    assertThat(v.list("MISSING", List.of("x"))).containsExactly("x");
  }
}
