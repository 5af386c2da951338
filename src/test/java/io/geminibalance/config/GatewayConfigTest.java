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
    GatewayConfig c = GatewayConfig.from(Map.of("AUTH_TOKEN", "admin-token-1"));
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
    assertThat(GatewayConfig.from(Map.of("API_KEYS", "[\"key-aaaa\", \"key-bbbb\"]")).apiKeys())
        .containsExactly("key-aaaa", "key-bbbb");
    assertThat(GatewayConfig.from(Map.of("API_KEYS", "key-aaaa, key-bbbb ,key-cccc")).apiKeys())
        .containsExactly("key-aaaa", "key-bbbb", "key-cccc");
    assertThat(GatewayConfig.from(Map.of("API_KEYS", "['key-aaaa','key-aaaa','key-bbbb']")).apiKeys())
        .containsExactly("key-aaaa", "key-bbbb");
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
        .hasMessageStartingWith("CUSTOM_HEADERS: value not shown (secret setting) (expected: a JSON object");
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
    GatewayConfig c = GatewayConfig.from(Map.of("ALLOWED_TOKENS", "[\"token-01\",\"token-02\"]", "AUTH_TOKEN", ""));
    assertThat(c.authToken()).isNull();
    assertThat(c.authTokenSource()).isEqualTo(GatewayConfig.AuthTokenSource.GENERATED);
    assertThat(c.clientTokens()).containsExactly("token-01", "token-02");
  }

  @Test
  void authTokenIsTheAdminTokenAndAClientToken() {
    GatewayConfig c = GatewayConfig.from(Map.of("ALLOWED_TOKENS", "[\"token-01\"]", "AUTH_TOKEN", "admin-01"));
    assertThat(c.authToken()).isEqualTo("admin-01");
    assertThat(c.authTokenSource()).isEqualTo(GatewayConfig.AuthTokenSource.AUTH_TOKEN);
    assertThat(c.clientTokens()).containsExactly("token-01", "admin-01");
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

  /** How gemini-balance wrote lists in t_settings, read by the same parser as the environment's. */
  @Test
  void listsAreJsonOrCommaSeparatedAndABrokenJsonListIsAnError() {
    assertThat(ConfigValues.listItems("X", "[\"a\", \" b \", \"\"]")).containsExactly("a", "b");
    assertThat(ConfigValues.listItems("X", "a, b,,c")).containsExactly("a", "b", "c");
    assertThat(ConfigValues.listItems("X", "  ")).isEmpty();
    assertThatThrownBy(() -> ConfigValues.listItems("X", "[\"a\""))
        .hasMessageStartingWith("X: '[\"a\"' (expected: a JSON list");
  }

  @Test
  void secretSettingsNeverEchoTheirValueAndOthersAreEscaped() {
    String keys = "[\"AIzaSyA0000000000000000000000000000001\", \"odd-key-7f3k\"";
    assertThatThrownBy(() -> GatewayConfig.from(Map.of("API_KEYS", keys)))
        .isInstanceOf(ConfigException.class)
        .hasMessage("API_KEYS: value not shown (secret setting) (expected: a JSON list of strings or comma-separated values)")
        .satisfies(e -> assertThat(((ConfigException) e).name()).isEqualTo("API_KEYS"));
    assertThatThrownBy(() -> GatewayConfig.from(Map.of("ALLOWED_TOKENS", "[{\"t\": \"sk-secret-token-123456\"}]")))
        .message().doesNotContain("sk-secret").startsWith("ALLOWED_TOKENS: value not shown");
    assertThatThrownBy(() -> GatewayConfig.from(Map.of("CUSTOM_HEADERS", "{\"x-proxy-auth\": [\"hunter2-secret\"]")))
        .message().doesNotContain("hunter2");
    assertThatThrownBy(() -> GatewayConfig.from(Map.of("TEST_MODEL", "ok", "LOG_LEVEL", "a\r\nFORGED LINE")))
        .hasMessage("LOG_LEVEL: 'A\\r\\nFORGED LINE' (expected: one of DEBUG, INFO, WARNING, ERROR, CRITICAL)");
    assertThat(new ConfigException("MYSQL_PASSWORD", "p@ss", "anything").getMessage()).doesNotContain("p@ss");
    assertThat(ConfigException.quoting("API_KEYS", "API_KEYS: 'k1,k2' (expected: x)").getMessage()).doesNotContain("k1");
    assertThat(ConfigException.quoting("DEFAULT_RPM", "DEFAULT_RPM: 'x\ny' (expected: n)").getMessage())
        .isEqualTo("DEFAULT_RPM: 'x\\ny' (expected: n)");
    assertThat(new ConfigException("MAX_RETRIES", "x".repeat(5000), "a number").getMessage()).hasSizeLessThan(300)
        .contains("(5000 characters)");
  }

  /** Values are cut at 200 characters; what the code words itself never is. */
  @Test
  void onlyQuotedValuesAreCutNeverTheCodesOwnWords() {
    String instruction = "SOME_SETTING: " + "do this, then that; ".repeat(20) + "and finally this.";
    assertThat(new ConfigException("SOME_SETTING", instruction).getMessage()).isEqualTo(instruction);
    assertThat(new ConfigException("SOME_SETTING", "SOME_SETTING: a\nb").getMessage())
        .isEqualTo("SOME_SETTING: a\\nb");

    String expectation = "an integer from 1 to 100000; " + "this part is the code's own words ".repeat(8);
    String quoting = ConfigException.quoting("MAX_MODELS", "MAX_MODELS: '" + "9".repeat(5000) + "' (expected: "
        + expectation + ")").getMessage();
    assertThat(quoting).startsWith("MAX_MODELS: '" + "9".repeat(200) + "... (5000 characters)' (expected: ")
        .endsWith(expectation + ")");

    assertThat(ConfigException.quoted("x".repeat(300))).isEqualTo("'" + "x".repeat(200) + "... (300 characters)'");
    assertThatThrownBy(() -> GatewayConfig.from(Map.of("CUSTOM_HEADERS", "{\"" + "x".repeat(300) + "\":\"a\\n\"}")))
        .hasMessageStartingWith("CUSTOM_HEADERS: the value of '" + "x".repeat(200) + "... (300 characters)' has a");
  }

  @Test
  void keysAndTokensMustBePrintableAsciiWithoutSpaces() {
    for (String bad : new String[] {"key\r\nX-Injected: 1", "key\nx", "ke\ty", "ke\u0000y", "ke\u007fy", "two keys",
        "k\u00e9y"}) {
      String json = "[\"good-key-1\", " + com.fasterxml.jackson.databind.node.TextNode.valueOf(bad) + "]";
      for (String name : new String[] {"API_KEYS", "ALLOWED_TOKENS"}) {
        assertThatThrownBy(() -> GatewayConfig.from(Map.of(name, json))).as(name + " " + json)
            .isInstanceOf(ConfigException.class)
            .hasMessageStartingWith(name + ": item 2 of 2 has a")
            .hasMessageEndingWith("(expected: printable ASCII without spaces, at least 8 characters; separate"
                + " several with commas)")
            .message().doesNotContain("good-key").doesNotContain("\r").doesNotContain("\n");
      }
      assertThatThrownBy(() -> GatewayConfig.from(Map.of("AUTH_TOKEN", "adm" + bad))).as(bad)
          .hasMessageStartingWith("AUTH_TOKEN: the value has a");
    }
    assertThatThrownBy(() -> GatewayConfig.from(Map.of("API_KEYS", "key-one key-two")))
        .hasMessage("API_KEYS: the value has a space at position 8 (expected: printable ASCII without spaces,"
            + " at least 8 characters; separate several with commas)");
    assertThat(GatewayConfig.from(Map.of("API_KEYS", " key-aaaa , key-bbbb ", "ALLOWED_TOKENS", "[\"token=01\"]",
        "AUTH_TOKEN", " admin-01\n")).apiKeys()).containsExactly("key-aaaa", "key-bbbb");
  }

  /** The redactor cannot mask a secret shorter than 8 characters, so none is accepted. */
  @Test
  void keysAndTokensShorterThanTheRedactorMasksAreRefusedWithoutShowingThem() {
    assertThat(io.geminibalance.requestlog.SecretRedactor.MIN_REGISTERED_LENGTH).isEqualTo(8);
    assertThatThrownBy(() -> GatewayConfig.from(Map.of("ALLOWED_TOKENS", "tok7abc", "MAX_RETRIES", "tok7abc")))
        .isInstanceOf(ConfigException.class)
        .hasMessage("ALLOWED_TOKENS: the value is shorter than 8 characters, too short to be masked in log lines"
            + " (expected: printable ASCII without spaces, at least 8 characters; separate several with commas)");
    assertThatThrownBy(() -> GatewayConfig.from(Map.of("API_KEYS", "[\"key-aaaa\",\"k7\"]")))
        .hasMessageStartingWith("API_KEYS: item 2 of 2 is shorter than 8 characters").message()
        .doesNotContain("k7").doesNotContain("key-aaaa");
    assertThatThrownBy(() -> GatewayConfig.from(Map.of("AUTH_TOKEN", "admin12")))
        .hasMessageStartingWith("AUTH_TOKEN: the value is shorter than 8 characters").message()
        .doesNotContain("admin12");
    assertThat(GatewayConfig.from(Map.of("ALLOWED_TOKENS", "tok8abcd", "AUTH_TOKEN", "admin123")).clientTokens())
        .containsExactly("tok8abcd", "admin123");
  }

  @Test
  void customHeaderNamesAreTokensAndValuesHaveNoControlCharacters() {
    assertThatThrownBy(() -> GatewayConfig.from(Map.of("CUSTOM_HEADERS", "{\"x\":\"a\\r\\nb\"}")))
        .isInstanceOf(ConfigException.class)
        .hasMessage("CUSTOM_HEADERS: the value of 'x' has a line break at position 2"
            + " (expected: header values without line breaks or control characters)");
    assertThatThrownBy(() -> GatewayConfig.from(Map.of("CUSTOM_HEADERS", "{\"x\":\"a\\u0000\"}")))
        .hasMessageContaining("a control character");
    assertThatThrownBy(() -> GatewayConfig.from(Map.of("CUSTOM_HEADERS", "{\"x\\r\\ny\":\"v\"}")))
        .hasMessage("CUSTOM_HEADERS: 'x\\r\\ny' is not a header name (expected: names of letters, digits and"
            + " !#$%&'*+-.^_`|~)");
    for (String name : new String[] {"X Team", "x:y", "", "x(y)", "caf\u00e9", ":authority", ":path", "host:"}) {
      assertThatThrownBy(() -> GatewayConfig.from(Map.of("CUSTOM_HEADERS",
          "{" + com.fasterxml.jackson.databind.node.TextNode.valueOf(name) + ":\"v\"}"))).as(name)
          .hasMessageContaining("is not a header name");
    }
    for (String name : new String[] {"Content-Length", "transfer-encoding", "Connection", "x-goog-api-key", "Authorization",
        "Host", "HOST", "Expect", "Content-Type", "content-encoding", "Accept-Encoding"}) {
      assertThatThrownBy(() -> GatewayConfig.from(Map.of("CUSTOM_HEADERS", "{\"" + name + "\":\"1\"}"))).as(name)
          .hasMessageContaining("'" + name + "' is set by the gateway itself");
    }
    assertThat(GatewayConfig.from(Map.of("CUSTOM_HEADERS", "{\"X-Team\":\"ml\\tai \u00e9\",\"x!#$%&'*+-.^_`|~9\":\"\"}"))
        .customHeaders()).containsEntry("X-Team", "ml\tai \u00e9");
  }
}
