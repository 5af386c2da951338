package io.geminibalance.browser;

import static io.geminibalance.testing.GatewayHarness.ADMIN_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

import io.geminibalance.auth.ClientToken;
import io.geminibalance.testing.GatewayHarness;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;

/**
 * The client tokens page in headless Chromium: create a token and see its value once, edit a
 * limit, revoke it, and the page in Chinese. Writes tokens-en.png and tokens-zh.png with
 * {@code -Dscreenshots=docs/screenshots}.
 */
@Tag("browser")
class TokensPageTest {
  private static By row(String id) {
    return By.cssSelector("#tokens-body tr[data-id='" + id + "']");
  }

  @Test
  void aTokenIsCreatedWithItsValueShownOnceThenEditedAndRevoked() {
    Browser.requireInstalled();
    try (GatewayHarness h = GatewayHarness.start(); Browser browser = Browser.start()) {
      browser.login(h.url(""), ADMIN_TOKEN);
      browser.driver().findElement(By.cssSelector("#gb-nav a[href='/tokens']")).click();
      browser.waitForPath("/tokens");
      browser.waitReady();
      browser.waitForText(By.id("tokens-body"), "No tokens yet");

      // Create: name, a model glob, one protocol, a limit, an address range.
      browser.driver().findElement(By.id("btn-create")).click();
      browser.waitFor(By.id("tk-name")).sendKeys("ci-pipeline");
      browser.driver().findElement(By.id("tk-models")).sendKeys("gemini-2.5-*");
      browser.driver().findElement(By.id("tk-proto-openai")).click();
      browser.driver().findElement(By.id("tk-rpm")).sendKeys("60");
      browser.driver().findElement(By.id("tk-cidrs")).sendKeys("10.0.0.0/8");
      browser.driver().findElement(By.cssSelector(".modal-footer .btn-primary")).click();

      WebElement shown = browser.waitFor(By.id("token-value"));
      String value = shown.getAttribute("value");
      assertThat(value).matches("sk-gb-[A-Za-z0-9_-]{43}");
      assertThat(browser.driver().findElement(By.id("token-warning")).getText()).contains("shown only this once");
      assertThat(browser.driver().findElement(By.id("btn-copy-value")).isDisplayed()).isTrue();
      ClientToken made = h.gateway.clientTokens().all().getFirst();
      assertThat(made.hash()).isEqualTo(h.gateway.persistence().storage().tokenFingerprints().hash(value));
      assertThat(made.limits().requestsPerMinute()).isEqualTo(60L);
      assertThat(made.cidrs()).containsExactly("10.0.0.0/8");
      browser.screenshot("tokens-value-en");
      browser.driver().findElement(By.cssSelector(".modal-footer .btn")).click();

      browser.waitFor(row(made.id()));
      browser.waitForText(row(made.id()), "60 RPM");
      assertThat(browser.driver().findElement(row(made.id())).getText()).contains("ci-pipeline")
          .contains("sk-gb-..." + value.substring(value.length() - 4)).contains("Active").contains("gemini-2.5-*");
      assertThat(browser.driver().getPageSource()).as("the value is gone once the dialog closed").doesNotContain(value);

      // Edit a limit: only that field is sent.
      browser.driver().findElement(row(made.id())).findElement(By.cssSelector(".act-edit")).click();
      WebElement rpm = browser.waitFor(By.id("tk-rpm"));
      rpm.clear();
      rpm.sendKeys("120");
      browser.driver().findElement(By.cssSelector(".modal-footer .btn-primary")).click();
      browser.waitForText(row(made.id()), "120 RPM");
      assertThat(h.gateway.clientTokens().byId(made.id()).limits().requestsPerMinute()).isEqualTo(120L);
      assertThat(h.gateway.clientTokens().byId(made.id()).hash()).as("an edit keeps the value").isEqualTo(made.hash());

      assertThat(browser.severeConsoleMessages()).as("no script error or CSP violation").isEmpty();

      // A bad address is answered in the dialog, naming the field.
      browser.driver().findElement(row(made.id())).findElement(By.cssSelector(".act-edit")).click();
      browser.waitFor(By.id("tk-cidrs")).sendKeys("\nexample.com");
      browser.driver().findElement(By.cssSelector(".modal-footer .btn-primary")).click();
      browser.waitForText(By.id("tk-error"), "cidrs[1]");
      assertThat(browser.driver().findElement(By.id("tk-cidrs")).getAttribute("class")).contains("invalid");
      assertThat(browser.severeConsoleMessages()).as("the browser reports the refused PATCH, nothing else")
          .singleElement().asString().contains("/api/tokens/" + made.id()).contains("400");
      browser.driver().findElement(By.cssSelector(".modal-footer .btn:not(.btn-primary)")).click();
      browser.until(d -> d.findElements(By.cssSelector(".toast")).isEmpty());
      browser.screenshot("tokens-en");

      // Revoke: confirmed, then listed as revoked, without actions.
      browser.driver().findElement(row(made.id())).findElement(By.cssSelector(".act-revoke")).click();
      browser.waitFor(By.cssSelector(".modal-footer .btn-danger")).click();
      browser.waitForText(row(made.id()), "Revoked");
      assertThat(browser.driver().findElement(row(made.id())).findElements(By.cssSelector("button"))).isEmpty();
      assertThat(h.gateway.clientTokens().byId(made.id()).revokedAt()).isNotNull();
      assertThat(browser.severeConsoleMessages()).as("no script error or CSP violation").isEmpty();

      browser.driver().findElement(By.id("gb-lang")).click();
      browser.waitForText(By.id("btn-create"), "创建令牌");
      browser.waitForText(row(made.id()), "已吊销");
      browser.waitForText(By.cssSelector("#gb-nav a[href='/tokens']"), "客户端令牌");
      // The English toasts of the last actions go first: the screenshot shows the page in Chinese only.
      browser.until(d -> d.findElements(By.cssSelector(".toast")).isEmpty());
      browser.screenshot("tokens-zh");
    }
  }

  @Test
  void atPhoneWidthThePageAndTheCreateDialogDoNotOverflow() {
    Browser.requireInstalled();
    try (GatewayHarness h = GatewayHarness.start(); Browser browser = Browser.start(375, 812)) {
      h.gateway.persistence().storage().clientTokens().insert(new io.geminibalance.auth.ClientToken(
          "tk_0123456789abcdef", "a rather long token name for a phone", "a".repeat(64), "wxyz",
          java.util.List.of("gemini-2.5-flash", "gemini-2.5-pro"), java.util.Set.of(io.geminibalance.auth.ClientProtocol.OPENAI),
          new io.geminibalance.auth.TokenLimits(60L, 1000L, null, null, null), null, java.util.List.of("10.0.0.0/8"),
          true, null, java.time.Instant.EPOCH, java.time.Instant.EPOCH)).join();
      browser.login(h.url(""), ADMIN_TOKEN);
      browser.open(h.url("/tokens"));
      browser.waitFor(row("tk_0123456789abcdef"));
      JavascriptExecutor js = (JavascriptExecutor) browser.driver();
      assertThat(((Number) js.executeScript("return document.documentElement.scrollWidth")).longValue())
          .as("no horizontal scroll of the whole page").isLessThanOrEqualTo(375);
      browser.driver().findElement(By.id("btn-create")).click();
      browser.waitFor(By.id("tk-name"));
      assertThat(((Number) js.executeScript("return document.documentElement.scrollWidth")).longValue())
          .as("nor with the dialog open").isLessThanOrEqualTo(375);
      assertThat(browser.driver().findElement(By.cssSelector(".modal-footer .btn-primary")).isDisplayed()).isTrue();
      assertThat(browser.severeConsoleMessages()).isEmpty();
      browser.screenshot("tokens-phone");
    }
  }
}
