package io.geminibalance.browser;

import static io.geminibalance.testing.GatewayHarness.ADMIN_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

import io.geminibalance.auth.ClientToken;
import io.geminibalance.protocol.gemini.TokenUsage;
import io.geminibalance.requestlog.KeyIdentity;
import io.geminibalance.requestlog.RequestLogEntry;
import io.geminibalance.testing.GatewayHarness;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;

/** The "Token usage" section of /stats in headless Chromium: figures from /api/usage, in English and Chinese. */
@Tag("browser")
class UsageStatsPageTest {
  static final KeyIdentity KEY = KeyIdentity.ofSecret("AIzaSyUsagePageTestKey000000000000000Wq7Z");
  static final KeyIdentity MANAGED = new KeyIdentity("tk_usagepage01", "Pg01");
  static final KeyIdentity LISTED = new KeyIdentity("fpusagepage000000000000000000Ls9", "Ls9x");
  private static GatewayHarness gateway;

  @BeforeAll
  static void startGateway() {
    Browser.requireInstalled();
    gateway = GatewayHarness.start(Map.of("MODEL_PRICES",
        "{\"gemini-2.5-pro\": {\"input\": 1.25, \"output\": 10, \"cached_input\": 0.25}}"));
    Instant now = Instant.now();
    gateway.gateway.clientTokens().replace(List.of(new ClientToken(MANAGED.fingerprint(), "nightly-batch",
        "hash-nightly", MANAGED.last4(), List.of(), Set.of(), null, null, List.of(), true, null, now, now)));
    gateway.gateway.persistence().storage().requestLogs().insert(List.of(
        row(now.minusSeconds(30), "gemini-2.5-pro", MANAGED, new TokenUsage(1_000_000, 400_000, 100_000, 50_000, 0, 0)),
        row(now.minus(Duration.ofDays(2)), "gemini-2.5-pro", MANAGED, new TokenUsage(123_456, null, 1_000, null, null, null)),
        row(now.minusSeconds(30), "usage-page-unpriced", LISTED, new TokenUsage(777, null, 3, null, null, null))))
        .join();
  }

  static RequestLogEntry row(Instant time, String model, KeyIdentity client, TokenUsage usage) {
    return new RequestLogEntry(time, model, KEY, true, 200, 100, usage, false, false, 1, "req", client);
  }

  @AfterAll
  static void stopGateway() {
    if (gateway != null) {
      gateway.close();
    }
  }

  @Test
  void tokenUsageShowsTokensAndCostPerDayTokenModelAndKey() {
    try (Browser browser = Browser.start()) {
      browser.login(gateway.url(""), ADMIN_TOKEN);
      browser.open(gateway.url("/stats"));
      browser.waitForText(By.id("usage-tokens"), "nightly-batch");

      String tokens = browser.driver().findElement(By.id("usage-tokens")).getText();
      assertThat(tokens).contains("nightly-batch (...Pg01)").contains("...Ls9x").contains("1,123,456");
      // 0.6M x 1.25 + 0.4M x 0.25 + 0.15M x 10 = 2.35, plus 123,456 x 1.25 + 1,000 x 10 per million.
      assertThat(tokens).contains("$2.5143");
      String models = browser.driver().findElement(By.id("usage-models")).getText();
      assertThat(models).contains("gemini-2.5-pro").contains("usage-page-unpriced").contains("no price");
      assertThat(browser.driver().findElement(By.id("usage-keys")).getText()).contains("...Wq7Z")
          .doesNotContain("AIzaSyUsagePageTestKey");
      assertThat(browser.driver().findElements(By.cssSelector("#usage-days tbody tr")).size()).isGreaterThanOrEqualTo(2);
      assertThat(browser.driver().findElement(By.id("usage-days")).getText()).contains("1,000,777").contains("$2.3500")
          .contains("123,456").contains("$0.1643");
      assertThat(browser.driver().findElement(By.id("usage-totals")).getText()).contains("$2.5143");

      browser.driver().findElement(By.cssSelector("#usage-tabs [data-period='7d']")).click();
      browser.waitForText(By.id("usage-tokens"), "nightly-batch");
      browser.driver().findElement(By.id("gb-lang")).click();
      browser.waitForText(By.id("usage-section"), "令牌用量");
      assertThat(browser.driver().findElement(By.id("usage-models")).getText()).contains("无价格");
      browser.screenshot("stats-usage-zh");
      assertThat(browser.severeConsoleMessages()).as("no script error or CSP violation").isEmpty();
    }
  }
}
