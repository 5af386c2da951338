package io.geminibalance.browser;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Headless Debian Chromium for the admin UI's browser tests, driven by the system chromedriver
 * (Selenium never downloads a driver or browser here: both paths are given). Each instance has a
 * fresh profile (no cookies, no stored language), a fixed window size, and chromedriver on a free
 * loopback port; {@link #close} ends both processes and deletes the profile.
 *
 * <p>Without Chromium or chromedriver installed the test is skipped with a message saying what to
 * install, except in CI ({@code CI=true}), where it fails: the browser tests must run there
 * ({@code .ci/run} installs {@code chromium chromium-driver}).
 *
 * <p>{@link #screenshot} writes a PNG under the folder given by {@code -Dscreenshots=<dir>} (e.g.
 * {@code docs/screenshots}) and does nothing without it. Every wait has an explicit timeout
 * ({@link #WAIT}); no test sleeps.
 *
 * <pre>{@code
 * try (GatewayHarness h = GatewayHarness.start(); Browser browser = Browser.start()) {
 *   browser.login(h.url(""), GatewayHarness.ADMIN_TOKEN);   // now on /keys
 *   browser.waitFor(By.cssSelector("table.grid"));
 *   browser.screenshot("keys-en");
 * }
 * }</pre>
 */
public final class Browser implements AutoCloseable {
  /** The longest any single wait lasts. */
  public static final Duration WAIT = Duration.ofSeconds(15);
  public static final int DESKTOP_WIDTH = 1280;
  public static final int DESKTOP_HEIGHT = 900;
  private static final Path CHROMIUM = Path.of(System.getProperty("browser.chromium", "/usr/bin/chromium"));
  private static final Path CHROMEDRIVER = Path.of(System.getProperty("browser.chromedriver", "/usr/bin/chromedriver"));

  private final ChromeDriverService service;
  private final ChromeDriver driver;
  private final Path profile;

  private Browser(ChromeDriverService service, ChromeDriver driver, Path profile) {
    this.service = service;
    this.driver = driver;
    this.profile = profile;
  }

  /** A desktop-sized browser ({@value #DESKTOP_WIDTH} x {@value #DESKTOP_HEIGHT}). */
  public static Browser start() {
    return start(DESKTOP_WIDTH, DESKTOP_HEIGHT);
  }

  /** A browser whose page area is {@code width} x {@code height} CSS pixels (375 x 812 for a phone). */
  public static Browser start(int width, int height) {
    requireInstalled();
    Path profile;
    try {
      profile = Files.createTempDirectory("gb-chromium-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
        "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
        "--no-default-browser-check", "--disable-quic", "--disable-extensions", "--lang=en-US",
        "--user-data-dir=" + profile, "--window-size=" + width + "," + height);
    LoggingPreferences logs = new LoggingPreferences();
    logs.enable(LogType.BROWSER, Level.ALL);
    options.setCapability("goog:loggingPrefs", logs);
    ChromeDriverService service = new ChromeDriverService.Builder()
        .usingDriverExecutable(CHROMEDRIVER.toFile())
        .usingAnyFreePort()
        .withLogOutput(java.io.OutputStream.nullOutputStream())
        .build();
    try {
      ChromeDriver driver = new ChromeDriver(service, options);
      driver.manage().timeouts().pageLoadTimeout(WAIT).scriptTimeout(WAIT);
      fitViewport(driver, width, height);
      return new Browser(service, driver, profile);
    } catch (RuntimeException e) {
      service.stop();
      deleteTree(profile);
      throw e;
    }
  }

  /**
   * Makes the page area (not the window with its frame) {@code width} x {@code height}, so that
   * screenshots and layout widths are what the test asked for.
   */
  private static void fitViewport(ChromeDriver driver, int width, int height) {
    long innerWidth = ((Number) driver.executeScript("return window.innerWidth")).longValue();
    long innerHeight = ((Number) driver.executeScript("return window.innerHeight")).longValue();
    if (innerWidth != width || innerHeight != height) {
      Dimension outer = driver.manage().window().getSize();
      driver.manage().window().setSize(new Dimension(outer.getWidth() + (int) (width - innerWidth),
          outer.getHeight() + (int) (height - innerHeight)));
    }
  }

  /** Skips the test (outside CI) or fails it (in CI) when Chromium or chromedriver is missing. */
  static void requireInstalled() {
    if (Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER)) {
      return;
    }
    String message = "Browser tests need headless Chromium and chromedriver at " + CHROMIUM + " and " + CHROMEDRIVER
        + " (Debian: apt-get install chromium chromium-driver)";
    if ("true".equalsIgnoreCase(System.getenv("CI"))) {
      Assertions.fail(message + "; in CI they must run.");
    }
    Assumptions.abort(message + "; skipped outside CI.");
  }

  public WebDriver driver() {
    return driver;
  }

  /** Loads {@code url} (the document and its scripts) and waits until the shell has started the page. */
  public void open(String url) {
    driver.get(url);
    waitReady();
  }

  /** Waits until the shell has drawn the page and loaded the session ({@code body.ready}). */
  public void waitReady() {
    until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("body.ready")));
  }

  /**
   * Logs in on the login page of the gateway at {@code baseUrl} ({@code http://127.0.0.1:port}) and
   * waits until the browser is on {@code /keys}.
   */
  public void login(String baseUrl, String token) {
    open(baseUrl + "/");
    WebElement input = waitFor(By.id("token"));
    input.clear();
    input.sendKeys(token);
    driver.findElement(By.cssSelector("#login-form button[type=submit]")).click();
    waitForPath("/keys");
  }

  /** Waits until an element matching {@code by} is visible and returns it. */
  public WebElement waitFor(By by) {
    return until(ExpectedConditions.visibilityOfElementLocated(by));
  }

  /** Waits until the element matching {@code by} shows {@code text} (a substring). */
  public void waitForText(By by, String text) {
    until(ExpectedConditions.textToBePresentInElementLocated(by, text));
  }

  /** Waits until the current URL's path is {@code path} (query and fragment ignored). */
  public void waitForPath(String path) {
    until(d -> path.equals(pathOf(d.getCurrentUrl())));
  }

  /** Waits until {@code condition} gives something other than null or false, for at most {@link #WAIT}. */
  public <T> T until(Function<WebDriver, T> condition) {
    return new WebDriverWait(driver, WAIT).until(condition::apply);
  }

  /** The path of the page shown now. */
  public String path() {
    return pathOf(driver.getCurrentUrl());
  }

  private static String pathOf(String url) {
    String rest = url.replaceFirst("^[a-z]+://[^/]+", "");
    int end = rest.length();
    for (char c : new char[] {'?', '#'}) {
      int at = rest.indexOf(c);
      if (at >= 0) {
        end = Math.min(end, at);
      }
    }
    return rest.isEmpty() ? "/" : rest.substring(0, end);
  }

  /**
   * The browser console's messages at SEVERE since the last call (script errors, CSP violations,
   * failed loads); a page test can assert there are none.
   */
  public List<String> severeConsoleMessages() {
    return driver.manage().logs().get(LogType.BROWSER).getAll().stream()
        .filter(entry -> entry.getLevel().intValue() >= Level.SEVERE.intValue())
        .map(LogEntry::getMessage)
        .toList();
  }

  /** The value of the {@code screenshots} system property: where screenshots go, or null for nowhere. */
  public static Path screenshotDir() {
    String dir = System.getProperty("screenshots");
    return dir == null || dir.isBlank() ? null : Path.of(dir);
  }

  /**
   * Writes {@code <name>.png} of the window under {@link #screenshotDir()} when one is set;
   * returns the file, or null when screenshots are off.
   */
  public Path screenshot(String name) {
    Path dir = screenshotDir();
    if (dir == null) {
      return null;
    }
    try {
      Files.createDirectories(dir);
      Path file = dir.resolve(name + ".png");
      Files.write(file, ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write screenshot " + name, e);
    }
  }

  @Override
  public void close() {
    try {
      driver.quit();
    } finally {
      service.stop();
      deleteTree(profile);
    }
  }

  private static void deleteTree(Path root) {
    try (Stream<Path> paths = Files.walk(root)) {
      paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    } catch (IOException e) {
      // A leftover temporary profile is harmless.
    }
  }
}
