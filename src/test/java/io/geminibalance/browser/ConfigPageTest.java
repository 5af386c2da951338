package io.geminibalance.browser;

import static io.geminibalance.testing.GatewayHarness.ADMIN_TOKEN;
import static io.geminibalance.testing.GatewayHarness.CLIENT_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

import io.geminibalance.testing.GatewayHarness;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * The config page in headless Chromium: a setting changed and saved on the page is what the data
 * plane uses next; a bad value is shown beside its setting and nothing is saved; revert to the
 * environment; secrets revealed only on request; Chinese; phone width.
 */
@Tag("browser")
class ConfigPageTest {
  private static final String NEW_TOKEN = "tok-from-the-page-7777";

  @BeforeAll
  static void browserInstalled() {
    Browser.requireInstalled();
  }

  /** Logs in and opens /config on the tab {@code group}. */
  private static void openConfig(Browser browser, GatewayHarness h, String group) {
    browser.login(h.url(""), ADMIN_TOKEN);
    browser.severeConsoleMessages();
    browser.open(h.url("/config#" + group));
    browser.waitFor(By.cssSelector("#cfg-panel-" + group + " .cfg-row"));
  }

  private static WebElement field(Browser browser, String name) {
    return browser.waitFor(By.name(name));
  }

  /** Clicks what {@code by} finds, scrolled to the middle first (the navigation bar sticks to the top). */
  private static void click(Browser browser, By by) {
    WebElement element = browser.waitFor(by);
    ((JavascriptExecutor) browser.driver()).executeScript("arguments[0].scrollIntoView({block: 'center'})", element);
    element.click();
  }

  private static void replaceText(WebElement input, String text) {
    input.sendKeys(Keys.chord(Keys.CONTROL, "a"), Keys.DELETE);
    input.sendKeys(text);
  }

  private static By sourceBadge(String name, String source) {
    return By.cssSelector("#cfg-" + name + "-row .cfg-source[data-source=" + source + "]");
  }

  /** Whether the page's beforeunload handler asks the browser to confirm leaving. */
  private static boolean leavingIsQuestioned(Browser browser) {
    return (Boolean) ((JavascriptExecutor) browser.driver()).executeScript(
        "var e = new Event('beforeunload', {cancelable: true}); window.dispatchEvent(e); return e.defaultPrevented;");
  }

  private static JsonObject setting(GatewayHarness h, String name) {
    HttpResponse<String> r = h.get("/api/config", "authorization", "Bearer " + ADMIN_TOKEN);
    return new JsonObject(r.body()).getJsonArray("settings").stream().map(JsonObject.class::cast)
        .filter(s -> s.getString("name").equals(name)).findFirst().orElseThrow();
  }

  private static JsonArray auditEntries(GatewayHarness h) {
    return new JsonObject(h.get("/api/audit", "authorization", "Bearer " + ADMIN_TOKEN).body()).getJsonArray("entries");
  }

  private static int generate(GatewayHarness h, String token) {
    return h.post("/v1beta/models/m:generateContent", "{}", "x-goog-api-key", token).statusCode();
  }

  @Test
  void aClientTokenAddedOnThePageIsAcceptedByTheDataPlaneAtOnce() {
    try (GatewayHarness h = GatewayHarness.start(); Browser browser = Browser.start()) {
      assertThat(generate(h, NEW_TOKEN)).isEqualTo(401);
      openConfig(browser, h, "keys");

      // A list of secrets arrives masked and read-only; Reveal (audited) makes it editable.
      WebElement tokens = field(browser, "ALLOWED_TOKENS");
      assertThat(tokens.getAttribute("value")).doesNotContain(CLIENT_TOKEN).contains("...");
      assertThat(tokens.getAttribute("readonly")).isNotNull();
      click(browser, By.cssSelector("#cfg-ALLOWED_TOKENS-row .cfg-reveal"));
      browser.until(d -> tokens.getAttribute("value").contains(CLIENT_TOKEN));
      assertThat(tokens.getAttribute("readonly")).isNull();

      tokens.sendKeys(Keys.chord(Keys.CONTROL, Keys.END), Keys.ENTER, NEW_TOKEN);
      browser.waitForText(By.id("cfg-dirty"), "1 unsaved change(s)");
      click(browser, By.id("cfg-save"));
      browser.waitFor(sourceBadge("ALLOWED_TOKENS", "SAVED"));
      browser.waitForText(By.id("cfg-dirty"), "No unsaved changes");

      assertThat(generate(h, NEW_TOKEN)).as("the token saved on the page").isEqualTo(200);
      assertThat(generate(h, CLIENT_TOKEN)).as("the token kept on the page").isEqualTo(200);
      assertThat(field(browser, "ALLOWED_TOKENS").getAttribute("value")).as("masked again after saving")
          .doesNotContain(NEW_TOKEN);
      List<String> actions = auditEntries(h).stream().map(e -> ((JsonObject) e).getString("action")).toList();
      assertThat(actions).containsExactly("settings.update", "settings.reveal");
      assertThat(browser.severeConsoleMessages()).as("no script error or CSP violation").isEmpty();
    }
  }

  @Test
  void headerRowsEditedOnThePageGoUpstreamOnTheNextRequest() {
    try (GatewayHarness h = GatewayHarness.start(Map.of("CUSTOM_HEADERS", "{\"x-team\": \"blue-secret-value\"}"));
        Browser browser = Browser.start()) {
      openConfig(browser, h, "upstream");
      // A secret object shows nothing of its values until revealed; then one row per header.
      assertThat(browser.waitFor(By.id("cfg-CUSTOM_HEADERS-row")).getText()).doesNotContain("blue-secret-value");
      assertThat(browser.driver().findElements(By.cssSelector("#cfg-CUSTOM_HEADERS-row .cfg-map-add"))).isEmpty();
      click(browser, By.cssSelector("#cfg-CUSTOM_HEADERS-row .cfg-reveal"));
      WebElement value = browser.waitFor(By.cssSelector("#cfg-CUSTOM_HEADERS-row .cfg-map-value"));
      assertThat(value.getAttribute("value")).isEqualTo("blue-secret-value");
      replaceText(value, "green");
      click(browser, By.cssSelector("#cfg-CUSTOM_HEADERS-row .cfg-map-add"));
      List<WebElement> keys = browser.driver().findElements(By.cssSelector("#cfg-CUSTOM_HEADERS-row .cfg-map-key"));
      List<WebElement> values = browser.driver().findElements(By.cssSelector("#cfg-CUSTOM_HEADERS-row .cfg-map-value"));
      keys.get(1).sendKeys("x-route");
      values.get(1).sendKeys("eu-1");
      click(browser, By.id("cfg-save"));
      browser.waitFor(sourceBadge("CUSTOM_HEADERS", "SAVED"));

      assertThat(generate(h, CLIENT_TOKEN)).isEqualTo(200);
      assertThat(h.fake.requests().get(0).headers().get("x-team")).isEqualTo("green");
      assertThat(h.fake.requests().get(0).headers().get("x-route")).isEqualTo("eu-1");
      assertThat(browser.driver().findElement(By.id("cfg-CUSTOM_HEADERS-row")).getText()).as("masked again")
          .doesNotContain("green").doesNotContain("eu-1");
      assertThat(browser.severeConsoleMessages()).isEmpty();
    }
  }

  @Test
  void anOutOfRangeValueIsShownBesideItsSettingAndNothingIsSaved() {
    try (GatewayHarness h = GatewayHarness.start(Map.of("MAX_RETRIES", "2")); Browser browser = Browser.start()) {
      openConfig(browser, h, "keys");
      replaceText(field(browser, "TEST_MODEL"), "gemini-2.5-flash");
      click(browser, By.id("cfg-tab-upstream"));
      replaceText(field(browser, "MAX_RETRIES"), "1000");
      click(browser, By.id("cfg-tab-keys"));
      click(browser, By.id("cfg-save"));

      // Checked on the page: the error names the setting, and its tab is shown.
      WebElement error = browser.waitFor(By.id("cfg-MAX_RETRIES-error"));
      assertThat(error.getText()).isEqualTo("MAX_RETRIES: must be a whole number from 0 to 100");
      assertThat(field(browser, "MAX_RETRIES").getAttribute("aria-invalid")).isEqualTo("true");
      assertThat(browser.driver().findElement(By.id("cfg-tab-upstream")).getAttribute("class")).contains("active");
      assertThat(setting(h, "MAX_RETRIES").getString("source")).isEqualTo("ENV");
      assertThat(setting(h, "TEST_MODEL").getString("source")).isEqualTo("DEFAULT");

      // Checked by the gateway: its 400 is shown beside the setting it names, and again nothing is saved.
      replaceText(field(browser, "MAX_RETRIES"), "4");
      click(browser, By.id("cfg-tab-logs"));
      replaceText(field(browser, "TIMEZONE"), "Mars/Olympus_Mons");
      click(browser, By.id("cfg-save"));
      browser.waitForText(By.id("cfg-TIMEZONE-error"), "TIMEZONE");
      assertThat(browser.driver().findElement(By.id("cfg-TIMEZONE-error")).getText()).contains("Mars/Olympus_Mons");
      assertThat(browser.driver().findElement(By.id("cfg-MAX_RETRIES-error")).isDisplayed()).isFalse();
      assertThat(setting(h, "MAX_RETRIES").getString("value")).isEqualTo("2");
      assertThat(setting(h, "TIMEZONE").getString("source")).isEqualTo("DEFAULT");
      assertThat(setting(h, "TEST_MODEL").getString("source")).isEqualTo("DEFAULT");
      assertThat(auditEntries(h)).isEmpty();
      browser.waitForText(By.id("cfg-dirty"), "3 unsaved change(s)");

      // Leaving with unsaved changes asks the browser to confirm (chromedriver answers such prompts
      // itself, so the page's side of it is checked: its beforeunload handler cancels the unload).
      assertThat(leavingIsQuestioned(browser)).isTrue();

      // Corrected, all three are saved together; TIMEZONE says it needs a restart.
      replaceText(field(browser, "TIMEZONE"), "Europe/Berlin");
      click(browser, By.id("cfg-save"));
      browser.waitForText(By.id("cfg-notice"), "These apply after a restart: TIMEZONE");
      browser.waitForText(By.id("cfg-dirty"), "No unsaved changes");
      assertThat(leavingIsQuestioned(browser)).isFalse();
      assertThat(setting(h, "MAX_RETRIES").getString("value")).isEqualTo("4");
      assertThat(setting(h, "TIMEZONE").getString("value")).isEqualTo("Europe/Berlin");
      assertThat(setting(h, "TEST_MODEL").getString("value")).isEqualTo("gemini-2.5-flash");
      assertThat(auditEntries(h)).hasSize(1);
    }
  }

  @Test
  void revertToEnvironmentRemovesTheSavedValueAndTheEnvironmentAppliesAgain() {
    try (GatewayHarness h = GatewayHarness.start(Map.of("MAX_RETRIES", "2")); Browser browser = Browser.start()) {
      HttpResponse<String> saved = h.send(h.request("/api/config", "authorization", "Bearer " + ADMIN_TOKEN,
          "content-type", "application/json").PUT(HttpRequest.BodyPublishers.ofString("{\"MAX_RETRIES\":5}")).build());
      assertThat(saved.statusCode()).isEqualTo(200);
      openConfig(browser, h, "upstream");
      assertThat(field(browser, "MAX_RETRIES").getAttribute("value")).isEqualTo("5");
      browser.waitFor(sourceBadge("MAX_RETRIES", "SAVED"));
      // An unsaved edit elsewhere survives the revert.
      replaceText(field(browser, "TIME_OUT"), "120");

      click(browser, By.cssSelector("#cfg-MAX_RETRIES-row .cfg-revert"));
      click(browser, By.cssSelector(".modal-footer .btn-primary"));
      browser.waitFor(sourceBadge("MAX_RETRIES", "ENV"));
      assertThat(field(browser, "MAX_RETRIES").getAttribute("value")).isEqualTo("2");
      assertThat(browser.driver().findElements(By.cssSelector("#cfg-MAX_RETRIES-row .cfg-revert"))).isEmpty();
      assertThat(setting(h, "MAX_RETRIES").getString("source")).isEqualTo("ENV");
      assertThat(field(browser, "TIME_OUT").getAttribute("value")).isEqualTo("120");
      browser.waitForText(By.id("cfg-dirty"), "1 unsaved change(s)");
    }
  }

  @Test
  void theEnvironmentOnlySecretIsNeverOfferedAndSettingsAreReadOnlyWhereTheEnvironmentRules() {
    try (GatewayHarness h = GatewayHarness.start(); Browser browser = Browser.start()) {
      openConfig(browser, h, "server");
      WebElement port = field(browser, "PORT");
      assertThat(port.isEnabled()).isFalse();
      assertThat(browser.driver().findElements(By.cssSelector("#cfg-PORT-row .cfg-revert, #cfg-PORT-row .cfg-reveal")))
          .isEmpty();
      browser.driver().findElement(By.id("cfg-filter")).sendKeys("ENCRYPTION_KEY");
      WebElement key = field(browser, "ENCRYPTION_KEY");
      assertThat(key.isEnabled()).isFalse();
      assertThat(browser.driver().findElements(By.cssSelector("#cfg-ENCRYPTION_KEY-row .cfg-reveal"))).isEmpty();
      // API_KEYS is not a text box of every key: a count and the way to the keys page.
      replaceText(browser.driver().findElement(By.id("cfg-filter")), "API_KEYS");
      browser.waitForText(By.id("cfg-API_KEYS-row"), "3 keys in the pool");
      assertThat(browser.driver().findElements(By.cssSelector("#cfg-API_KEYS-row a[href='/keys']"))).hasSize(1);
      assertThat(browser.driver().findElements(By.cssSelector("[name=API_KEYS]"))).isEmpty();
    }
  }

  @Test
  void chineseAndPhoneWidth() {
    try (GatewayHarness h = GatewayHarness.start(Map.of("MAX_RETRIES", "2", "THINKING_BUDGET_MAP",
        "{\"gemini-2.5-flash\": 1024, \"gemini-2.5-pro\": 8192}"))) {
      h.send(h.request("/api/config", "authorization", "Bearer " + ADMIN_TOKEN, "content-type", "application/json")
          .PUT(HttpRequest.BodyPublishers.ofString("{\"TIME_OUT\":120,\"LOG_LEVEL\":\"WARNING\","
              + "\"ALLOWED_TOKENS\":[\"" + CLIENT_TOKEN + "\",\"sk-team-b-4f1c9d2e8a7b\"]}")).build());
      try (Browser browser = Browser.start()) {
        openConfig(browser, h, "keys");
        browser.screenshot("config-en");
        click(browser, By.id("gb-lang"));
        browser.waitForText(By.id("cfg-save"), "保存");
        browser.waitForText(By.id("cfg-tab-upstream"), "上游");
        assertThat(browser.driver().findElement(By.cssSelector("#cfg-AUTH_TOKEN-row .cfg-desc")).getText())
            .contains("管理员令牌");
        assertThat(browser.driver().findElement(By.cssSelector("#cfg-ALLOWED_TOKENS-row .cfg-source")).getText())
            .isEqualTo("已保存");
        browser.screenshot("config-zh");
      }
      try (Browser phone = Browser.start(375, 800)) {
        // Headless Chromium keeps a window at least 500 px wide; the viewport is what a phone has.
        ((ChromeDriver) phone.driver()).executeCdpCommand("Emulation.setDeviceMetricsOverride",
            Map.of("width", 375, "height", 800, "deviceScaleFactor", 1, "mobile", true));
        openConfig(phone, h, "upstream");
        assertThat(((Number) ((JavascriptExecutor) phone.driver()).executeScript("return window.innerWidth")).intValue())
            .isEqualTo(375);
        JavascriptExecutor js = (JavascriptExecutor) phone.driver();
        Object overflow = js.executeScript("return document.documentElement.scrollWidth - window.innerWidth");
        assertThat(((Number) overflow).intValue()).as("no sideways scrolling").isLessThanOrEqualTo(0);
        replaceText(field(phone, "TIME_OUT"), "90");
        WebElement save = phone.waitFor(By.id("cfg-save"));
        assertThat(save.isEnabled()).isTrue();
        save.click();
        phone.waitForText(By.id("cfg-dirty"), "No unsaved changes");
        assertThat(setting(h, "TIME_OUT").getString("value")).isEqualTo("90");
      }
    }
  }
}
