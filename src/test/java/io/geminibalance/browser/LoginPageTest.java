package io.geminibalance.browser;

import static io.geminibalance.testing.GatewayHarness.ADMIN_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.InstanceOfAssertFactories.STRING;

import io.geminibalance.testing.GatewayHarness;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.JavascriptExecutor;

/** The login page in headless Chromium: wrong token, right token, language switch, logout. */
@Tag("browser")
class LoginPageTest {
  private static GatewayHarness gateway;

  @BeforeAll
  static void startGateway() {
    Browser.requireInstalled();
    gateway = GatewayHarness.start();
  }

  @AfterAll
  static void stopGateway() {
    if (gateway != null) {
      gateway.close();
    }
  }

  private static String base() {
    return gateway.url("");
  }

  @Test
  void aWrongTokenShowsTheErrorAndTheRightOneLandsOnKeys() {
    try (Browser browser = Browser.start()) {
      browser.open(base() + "/");
      browser.screenshot("login-en");
      browser.driver().findElement(By.id("token")).sendKeys("not-the-admin-token");
      browser.driver().findElement(By.cssSelector("#login-form button[type=submit]")).click();
      browser.waitForText(By.id("login-error"), "That is not the admin token.");
      assertThat(browser.path()).isEqualTo("/");
      assertThat(browser.driver().manage().getCookieNamed("gb_session")).isNull();
      assertThat(browser.severeConsoleMessages()).as("only the refused login").singleElement(STRING)
          .contains("/api/session").contains("401");

      browser.login(base(), ADMIN_TOKEN);
      assertThat(browser.path()).isEqualTo("/keys");
      Cookie session = browser.driver().manage().getCookieNamed("gb_session");
      assertThat(session).isNotNull();
      assertThat(session.isHttpOnly()).isTrue();
      assertThat(session.getSameSite()).isEqualTo("Strict");
      assertThat(browser.severeConsoleMessages()).as("no script error or CSP violation").isEmpty();

      browser.open(base() + "/");
      assertThat(browser.path()).as("a logged-in browser skips the login page").isEqualTo("/keys");
    }
  }

  @Test
  void theLanguageSwitchTurnsTheLoginPageIntoChineseAndErrorsFollow() {
    try (Browser browser = Browser.start()) {
      browser.open(base() + "/");
      browser.waitForText(By.cssSelector("#login-form button[type=submit]"), "Log in");
      browser.driver().findElement(By.id("gb-lang")).click();
      browser.waitForText(By.cssSelector("#login-form button[type=submit]"), "登录");
      assertThat(browser.driver().findElement(By.cssSelector("label[for=token]")).getText()).isEqualTo("管理令牌");
      assertThat(browser.driver().findElement(By.tagName("html")).getAttribute("lang")).isEqualTo("zh-CN");

      browser.driver().findElement(By.id("token")).sendKeys("still-not-the-admin-token");
      browser.driver().findElement(By.cssSelector("#login-form button[type=submit]")).click();
      browser.waitForText(By.id("login-error"), "管理令牌不正确。");
      browser.screenshot("login-zh");
    }
  }

  @Test
  void logoutEndsTheSessionAndReturnsToTheLoginPage() {
    try (Browser browser = Browser.start()) {
      browser.login(base(), ADMIN_TOKEN);
      browser.waitReady();
      browser.waitFor(By.id("gb-logout")).click();
      browser.waitForPath("/");
      browser.waitFor(By.id("token"));

      browser.open(base() + "/keys");
      assertThat(browser.path()).as("the session ended on the server: /keys sends the browser back").isEqualTo("/");
    }
  }

  @Test
  void pagesWithoutASessionRedirectToTheLoginPageAtPhoneWidth() {
    try (Browser browser = Browser.start(375, 812)) {
      browser.open(base() + "/");
      assertThat(browser.driver().manage().window().getSize().getWidth()).isGreaterThanOrEqualTo(375);
      assertThat(((JavascriptExecutor) browser.driver()).executeScript(
          "return [window.innerWidth, window.innerHeight, document.documentElement.scrollWidth]"))
          .as("the page area is what was asked for, and the login page needs no horizontal scrolling")
          .isEqualTo(List.of(375L, 812L, 375L));
      for (String page : new String[] {"/keys", "/config", "/logs", "/stats"}) {
        browser.open(base() + page);
        assertThat(browser.path()).as(page).isEqualTo("/");
      }
    }
  }
}
