package io.geminibalance.browser;

import static io.geminibalance.testing.GatewayHarness.ADMIN_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

import io.geminibalance.testing.GatewayHarness;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;

/** The /logs page in headless Chromium: filter the error log, read a row's details, delete, Chinese, phone width. */
@Tag("browser")
class LogsPageTest {
  private static GatewayHarness gateway;

  @BeforeAll
  static void startGateway() {
    Browser.requireInstalled();
    gateway = GatewayHarness.start();
  }

  @BeforeEach
  void seed() {
    var storage = gateway.gateway.persistence().storage();
    storage.errorLogs().deleteAll().join();
    LogStatsDemoData.seedErrors(storage, Instant.now());
  }

  @AfterAll
  static void stopGateway() {
    if (gateway != null) {
      gateway.close();
    }
  }

  private static List<WebElement> rows(Browser browser) {
    return browser.driver().findElements(By.cssSelector("#log-rows tr[data-id]"));
  }

  @Test
  void filteringByKeyAndStatusNarrowsTheListAndDetailsShowTheMessage() {
    try (Browser browser = Browser.start()) {
      browser.login(gateway.url(""), ADMIN_TOKEN);
      browser.open(gateway.url("/logs"));
      browser.waitForText(By.id("log-total"), "24 error logs");
      assertThat(rows(browser)).hasSize(20);
      browser.screenshot("logs-en");

      browser.driver().findElement(By.id("f-key")).sendKeys("Qm2L");
      browser.driver().findElement(By.id("f-code")).sendKeys("429");
      browser.driver().findElement(By.id("search")).click();
      browser.waitForText(By.id("log-total"), "2 error logs");
      assertThat(rows(browser)).allSatisfy(row -> assertThat(row.getText()).contains("...Qm2L").contains("429"));

      rows(browser).getFirst().findElement(By.cssSelector("button[data-action=details]")).click();
      WebElement dialog = browser.waitFor(By.cssSelector(".modal"));
      assertThat(dialog.getText()).contains("RESOURCE_EXHAUSTED").contains("gemini-chat-stream");
      assertThat(dialog.getText()).doesNotContain("AIzaSyDemoKey");
      dialog.findElement(By.cssSelector(".modal-footer .btn")).click();

      browser.driver().findElement(By.id("clear-filters")).click();
      browser.waitForText(By.id("log-total"), "24 error logs");
      browser.driver().findElement(By.id("f-error")).sendKeys("internal");
      browser.driver().findElement(By.id("search")).click();
      browser.waitForText(By.id("log-total"), "6 error logs");
      assertThat(browser.severeConsoleMessages()).as("no script error or CSP violation").isEmpty();
    }
  }

  @Test
  void aWrongDateRangeIsRefusedAndDeletingSelectedRowsAsksFirst() {
    try (Browser browser = Browser.start()) {
      browser.login(gateway.url(""), ADMIN_TOKEN);
      browser.open(gateway.url("/logs"));
      browser.waitForText(By.id("log-total"), "error logs");
      JavascriptExecutor js = (JavascriptExecutor) browser.driver();
      js.executeScript("document.getElementById('f-start').value='2026-12-02T10:00';"
          + "document.getElementById('f-end').value='2026-12-01T10:00';");
      browser.driver().findElement(By.id("search")).click();
      browser.waitForText(By.id("filter-error"), "must be after");
      browser.driver().findElement(By.id("clear-filters")).click();
      browser.waitForText(By.id("log-total"), "error logs");

      long before = gateway.gateway.persistence().storage().errorLogs()
          .search(io.geminibalance.storage.ErrorLogQuery.firstPage(1)).join().total();
      rows(browser).getFirst().findElement(By.cssSelector("input[type=checkbox]")).click();
      browser.driver().findElement(By.id("delete-selected")).click();
      browser.waitFor(By.cssSelector(".modal .btn-danger")).click();
      browser.waitForText(By.id("log-total"), (before - 1) + " error logs");
      assertThat(browser.severeConsoleMessages()).isEmpty();
    }
  }

  @Test
  void theChinesePageFitsAPhone() {
    try (Browser browser = Browser.start(375, 800)) {
      browser.login(gateway.url(""), ADMIN_TOKEN);
      browser.open(gateway.url("/logs"));
      browser.driver().findElement(By.id("gb-lang")).click();
      browser.waitForText(By.id("log-total"), "条错误日志");
      assertThat(browser.driver().findElement(By.id("search")).getText()).isEqualTo("搜索");
      Long overflow = (Long) ((JavascriptExecutor) browser.driver())
          .executeScript("return document.documentElement.scrollWidth - window.innerWidth;");
      assertThat(overflow).as("no sideways scrolling of the page (tables scroll in their own box)").isLessThanOrEqualTo(0L);
    }
    try (Browser browser = Browser.start()) {
      browser.login(gateway.url(""), ADMIN_TOKEN);
      browser.open(gateway.url("/logs"));
      browser.driver().findElement(By.id("gb-lang")).click();
      browser.waitForText(By.id("log-total"), "条错误日志");
      browser.screenshot("logs-zh");
    }
  }
}
