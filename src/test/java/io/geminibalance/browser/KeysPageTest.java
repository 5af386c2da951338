package io.geminibalance.browser;

import static io.geminibalance.testing.GatewayHarness.ADMIN_TOKEN;
import static io.geminibalance.testing.GatewayHarness.CLIENT_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

import io.geminibalance.keypool.ApiKey;
import io.geminibalance.testing.GatewayHarness;
import io.geminibalance.testing.Replies;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;

/**
 * The keys page in headless Chromium: log in, paste keys and see them listed, verify a key and see
 * its result, the per-model detail, Chinese, and phone width. Writes keys-en.png and keys-zh.png
 * with {@code -Dscreenshots=docs/screenshots}.
 */
@Tag("browser")
class KeysPageTest {
  /** Fake keys in Google's format, for realistic screenshots; none is a real key. */
  static final List<String> FAKE_KEYS = List.of(
      "AIzaSyDemo0Key1aaaaaaaaaaaaaaaaaaaaaQx1", "AIzaSyDemo0Key2bbbbbbbbbbbbbbbbbbbbbWv2",
      "AIzaSyDemo0Key3cccccccccccccccccccccRt3", "AIzaSyDemo0Key4dddddddddddddddddddddPl4",
      "AIzaSyDemo0Key5eeeeeeeeeeeeeeeeeeeeeMn5", "AIzaSyDemo0Key6fffffffffffffffffffffKj6");

  static By row(String key) {
    return By.cssSelector("#keys-body tr[data-id='" + new ApiKey(key).fingerprint() + "']");
  }

  @Test
  void pastedKeysAreListedAndAVerificationShowsItsResult() {
    Browser.requireInstalled();
    try (GatewayHarness h = GatewayHarness.start(Map.of("DEFAULT_RPM", "10", "DEFAULT_RPD", "250"));
        Browser browser = Browser.start()) {
      browser.login(h.url(""), ADMIN_TOKEN);
      browser.until(d -> d.findElements(By.cssSelector("#keys-body tr[data-id]")).size() == 3);
      browser.waitForText(By.id("cluster"), "One instance (no Redis).");

      // Paste: three Google keys in a .env line (one twice) and a broken one.
      browser.driver().findElement(By.id("btn-add")).click();
      WebElement text = browser.waitFor(By.id("add-text"));
      text.sendKeys("API_KEYS=" + FAKE_KEYS.get(0) + "," + FAKE_KEYS.get(1) + "," + FAKE_KEYS.get(0)
          + "\nAIzaSyBroken\n" + String.join("\n", FAKE_KEYS.subList(2, 6)));
      browser.driver().findElement(By.cssSelector(".modal-footer .btn-primary")).click();
      browser.waitForText(By.id("add-report"), "6 added, 1 already present, 1 rejected");
      assertThat(browser.driver().findElement(By.id("add-report")).getText()).contains("Line 2").doesNotContain("AIzaSyBroken");
      browser.driver().findElement(By.cssSelector(".modal-footer .btn:not(.btn-primary)")).click();
      browser.until(d -> d.findElements(By.cssSelector("#keys-body tr[data-id]")).size() == 9);
      assertThat(browser.driver().findElement(row(FAKE_KEYS.get(3))).getText()).contains("AIza...dPl4")
          .doesNotContain(FAKE_KEYS.get(3));

      // Some traffic so the keys have per-model state, and one key Google refuses.
      h.fake.on(r -> FAKE_KEYS.get(1).equals(r.key()), Replies.invalidKey());
      for (int i = 0; i < 12; i++) {
        h.post("/v1beta/models/gemini-2.5-flash:generateContent", "{}", "x-goog-api-key", CLIENT_TOKEN);
      }
      h.fake.on(r -> FAKE_KEYS.get(2).equals(r.key()), Replies.invalidKey());

      // Verify one key from its row: the job runs on the server, the page shows its result.
      browser.driver().findElement(By.id("btn-refresh")).click();
      // The refresh redraws the table when its answer arrives: a row found before that is gone after.
      browser.until(d -> {
        try {
          d.findElement(row(FAKE_KEYS.get(2))).findElement(By.cssSelector(".act-verify")).click();
          return true;
        } catch (org.openqa.selenium.StaleElementReferenceException redrawn) {
          return false;
        }
      });
      browser.waitForText(By.cssSelector("#job .job-text"), "Verification finished: 0 valid, 1 invalid");
      browser.driver().findElement(By.id("job-results")).click();
      WebElement result = browser.waitFor(By.cssSelector("tr[data-result-for='" + new ApiKey(FAKE_KEYS.get(2)).fingerprint() + "']"));
      assertThat(result.getText()).contains("AIza...cRt3").contains("invalid").contains("400").contains("API key not valid");
      browser.driver().findElement(By.cssSelector(".modal-footer .btn")).click();
      browser.until(d -> d.findElement(row(FAKE_KEYS.get(2))).getText().contains("Disabled"));

      // Per-model detail of a key.
      browser.driver().findElement(row(FAKE_KEYS.get(0))).findElement(By.cssSelector("button")).click();
      WebElement detail = browser.waitFor(By.cssSelector("tr[data-detail-for='" + new ApiKey(FAKE_KEYS.get(0)).fingerprint() + "']"));
      assertThat(detail.getText()).contains("gemini-2.5-flash").contains("Usable").contains("/ 250")
          .doesNotContain("(unmetered)");
      assertThat(browser.severeConsoleMessages()).as("no script error or CSP violation").isEmpty();
      browser.screenshot("keys-en");

      browser.driver().findElement(By.id("gb-lang")).click();
      browser.waitForText(By.id("btn-add"), "添加密钥");
      browser.until(d -> d.findElement(row(FAKE_KEYS.get(2))).getText().contains("已禁用"));
      browser.waitForText(By.cssSelector("#job .job-text"), "验证完成");
      browser.waitForText(By.id("cluster"), "单实例");
      browser.screenshot("keys-zh");
    }
  }

  @Test
  void theHeaderShowsTheInstancesSharingStateOnRedis() {
    Browser.requireInstalled();
    try (GatewayHarness h = GatewayHarness.start(Map.of("REDIS_URL", "redis://127.0.0.1:6379",
        "REDIS_KEY_PREFIX", "gbtest:" + java.util.UUID.randomUUID() + ":"));
        Browser browser = Browser.start()) {
      browser.login(h.url(""), ADMIN_TOKEN);
      browser.waitForText(By.id("cluster"), "1 instance(s) sharing key state and quotas on Redis 127.0.0.1:6379;"
          + " this is instance 1");
      assertThat(browser.driver().findElement(By.id("cluster")).getAttribute("data-mode")).isEqualTo("shared");
      browser.driver().findElement(By.id("gb-lang")).click();
      browser.waitForText(By.id("cluster"), "1 个实例通过 Redis 127.0.0.1:6379 共享密钥状态和配额");
      assertThat(browser.severeConsoleMessages()).as("no script error or CSP violation").isEmpty();
    }
  }

  @Test
  void atPhoneWidthThePageDoesNotOverflowAndTheTableScrollsInItsBox() {
    Browser.requireInstalled();
    try (GatewayHarness h = GatewayHarness.start(); Browser browser = Browser.start(375, 812)) {
      browser.login(h.url(""), ADMIN_TOKEN);
      browser.until(d -> d.findElements(By.cssSelector("#keys-body tr[data-id]")).size() == 3);
      JavascriptExecutor js = (JavascriptExecutor) browser.driver();
      long pageWidth = ((Number) js.executeScript("return document.documentElement.scrollWidth")).longValue();
      assertThat(pageWidth).as("no horizontal scroll of the whole page").isLessThanOrEqualTo(375);
      assertThat(browser.driver().findElement(By.id("btn-add")).isDisplayed()).isTrue();
      assertThat(browser.driver().findElement(By.id("search")).isDisplayed()).isTrue();
      assertThat(browser.severeConsoleMessages()).isEmpty();
    }
  }
}
