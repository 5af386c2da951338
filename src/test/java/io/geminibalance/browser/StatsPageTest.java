package io.geminibalance.browser;

import static io.geminibalance.testing.GatewayHarness.ADMIN_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

import io.geminibalance.testing.GatewayHarness;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;

/** The /stats page in headless Chromium: charts drawn from data, tables, ranges, Chinese, phone width. */
@Tag("browser")
class StatsPageTest {
  private static GatewayHarness gateway;

  @BeforeAll
  static void startGateway() throws InterruptedException {
    Browser.requireInstalled();
    gateway = GatewayHarness.start();
    var storage = gateway.gateway.persistence().storage();
    Instant now = Instant.now();
    // The start-up model-list fetch is logged too: let it land, then start from demo rows only.
    for (int i = 0; i < 100 && storage.requestLogs().recent(now.minusSeconds(600), now.plusSeconds(600), null, 1)
        .join().isEmpty(); i++) {
      Thread.sleep(50);
    }
    storage.requestLogs().deleteOlderThan(now.plus(Duration.ofDays(1)), 1000).join();
    LogStatsDemoData.seedRequests(storage, now);
    LogStatsDemoData.seedErrors(storage, now);
  }

  @AfterAll
  static void stopGateway() {
    if (gateway != null) {
      gateway.close();
    }
  }

  /**
   * Pixels of the canvas in {@code container} drawn in the colour of CSS variable {@code color}
   * (the series' stroke): axes and grid are drawn in other colours, so these are the data.
   */
  private static long pixelsOf(Browser browser, String container, String color) {
    Object count = ((JavascriptExecutor) browser.driver()).executeScript(
        "var canvas = document.querySelector(arguments[0] + ' canvas'); if (!canvas) { return -1; }"
        + "var hex = getComputedStyle(document.documentElement).getPropertyValue(arguments[1]).trim();"
        + "var r = parseInt(hex.substr(1, 2), 16), g = parseInt(hex.substr(3, 2), 16), b = parseInt(hex.substr(5, 2), 16);"
        + "var data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data; var n = 0;"
        + "for (var i = 0; i < data.length; i += 4) {"
        + "  if (data[i + 3] > 200 && Math.abs(data[i] - r) < 24 && Math.abs(data[i + 1] - g) < 24"
        + "      && Math.abs(data[i + 2] - b) < 24) { n++; } }"
        + "return n;", container, color);
    return ((Number) count).longValue();
  }

  @Test
  void theCallsChartIsDrawnFromTheDataAndTheTablesAreFilled() {
    try (Browser browser = Browser.start()) {
      browser.login(gateway.url(""), ADMIN_TOKEN);
      browser.open(gateway.url("/stats"));
      browser.waitFor(By.cssSelector("#calls-chart canvas"));
      browser.waitFor(By.cssSelector("#latency-chart canvas"));
      browser.waitForText(By.id("totals"), "600");
      // Waits (and fails after Browser.WAIT) until the success series shows on the canvas.
      browser.until(b -> pixelsOf(browser, "#calls-chart", "--ok") > 50 ? Boolean.TRUE : null);
      assertThat(pixelsOf(browser, "#calls-chart", "--danger")).as("failures drawn").isPositive();
      assertThat(pixelsOf(browser, "#latency-chart", "--primary")).as("p50 line drawn").isPositive();
      assertThat(browser.driver().findElements(By.cssSelector("#models tbody tr"))).hasSize(4);
      assertThat(browser.driver().findElement(By.id("models")).getText()).contains("gemini-2.5-pro");
      assertThat(browser.driver().findElements(By.cssSelector("#keys tbody tr"))).hasSize(5);
      assertThat(browser.driver().findElement(By.id("keys")).getText()).contains("...Qm2L")
          .doesNotContain("AIzaSyDemoKey");
      assertThat(browser.driver().findElements(By.cssSelector("#attention tbody tr"))).isNotEmpty();
      assertThat(browser.driver().findElements(By.cssSelector("#capacity tbody tr"))).isNotEmpty();
      browser.screenshot("stats-en");

      browser.driver().findElement(By.cssSelector("#range-tabs [data-range='1h']")).click();
      browser.until(b -> pixelsOf(browser, "#calls-chart", "--ok") >= 0 ? Boolean.TRUE : null);
      browser.driver().findElement(By.cssSelector("#keys tbody tr button")).click();
      WebElement dialog = browser.waitFor(By.cssSelector(".modal"));
      assertThat(dialog.getText()).contains("gemini-2.5");
      assertThat(browser.severeConsoleMessages()).as("no script error or CSP violation").isEmpty();
    }
  }

  @Test
  void theChinesePageFitsAPhone() {
    try (Browser browser = Browser.start(375, 800)) {
      browser.login(gateway.url(""), ADMIN_TOKEN);
      browser.open(gateway.url("/stats"));
      browser.waitFor(By.cssSelector("#calls-chart canvas"));
      browser.driver().findElement(By.id("gb-lang")).click();
      browser.waitForText(By.id("totals"), "调用次数");
      Long overflow = (Long) ((JavascriptExecutor) browser.driver())
          .executeScript("return document.documentElement.scrollWidth - window.innerWidth;");
      assertThat(overflow).as("no sideways scrolling of the page").isLessThanOrEqualTo(0L);
    }
    try (Browser browser = Browser.start()) {
      browser.login(gateway.url(""), ADMIN_TOKEN);
      browser.open(gateway.url("/stats"));
      browser.driver().findElement(By.id("gb-lang")).click();
      browser.waitForText(By.id("totals"), "调用次数");
      browser.waitFor(By.cssSelector("#calls-chart canvas"));
      browser.until(b -> pixelsOf(browser, "#calls-chart", "--ok") > 50 ? Boolean.TRUE : null);
      browser.screenshot("stats-zh");
    }
  }
}
