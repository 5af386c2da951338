package io.geminibalance.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.geminibalance.browser.Browser;
import io.geminibalance.testing.GatewayHarness;
import io.geminibalance.testing.Replies;
import io.vertx.core.json.JsonObject;
import java.lang.management.ManagementFactory;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/**
 * The key management at 100,000 keys on SQLite: adding them through the API, a restart over them
 * (start time, heap), and the latency of {@code GET /api/keys} pages, filtered, sorted and searched.
 * A measurement, not a test: its class name keeps it out of the normal run (surefire runs
 * {@code *Test}); {@code bench/keys100k.sh} runs it and writes the Markdown report. Every loop is
 * bounded in count; all traffic is on 127.0.0.1.
 */
class Keys100kBenchmark {
  static final int KEYS = Integer.getInteger("bench.keys", 100_000);
  static final int CALLS = Integer.getInteger("bench.calls", 200);
  static final String ADMIN = "Bearer " + GatewayHarness.ADMIN_TOKEN;
  private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

  private final StringBuilder report = new StringBuilder();

  static List<String> keys(int count) {
    Random random = new Random(16);
    List<String> keys = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      StringBuilder key = new StringBuilder("AIza");
      for (int c = 0; c < 35; c++) {
        key.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
      }
      keys.add(key.toString());
    }
    return keys;
  }

  @Test
  void keys100k() throws Exception {
    List<String> keys = keys(KEYS);
    String db = GatewayHarness.tempDatabase();
    Map<String, String> env = Map.of("DEFAULT_RPM", "10", "DEFAULT_RPD", "250", "LOG_LEVEL", "WARNING",
        "KEY_VERIFY_CONCURRENCY", "50");
    line("# Key management at " + String.format("%,d", KEYS) + " keys (SQLite)");
    line("");
    line("Run " + Instant.now() + " by `bench/keys100k.sh` (`Keys100kBenchmark`), in the test JVM (-Xmx1g), "
        + Runtime.getRuntime().availableProcessors() + " CPUs, JDK " + Runtime.version() + ".");
    line("");

    try (GatewayHarness h = GatewayHarness.start(env, db)) {
      String text = String.join("\n", keys);
      long start = System.nanoTime();
      HttpResponse<String> added = h.send(h.request("/api/keys", "authorization", ADMIN, "content-type",
              "application/json").timeout(java.time.Duration.ofSeconds(300))
          .POST(java.net.http.HttpRequest.BodyPublishers.ofString(
              new JsonObject().put("text", text).put("mode", "extract").encode())).build());
      long addMillis = (System.nanoTime() - start) / 1_000_000;
      assertThat(added.statusCode()).as(added.body()).isEqualTo(200);
      assertThat(new JsonObject(added.body()).getInteger("added")).isEqualTo(KEYS);
      line("## Adding the keys through the API");
      line("");
      line("`POST /api/keys` with " + String.format("%,d", KEYS) + " keys pasted as one text (" + text.length() / 1024
          + " KiB): **" + addMillis + " ms** (parse, audit row, store, apply to the pool); answer `"
          + added.body().substring(0, Math.min(120, added.body().length())) + "`.");
      line("");
    }

    long start = System.nanoTime();
    long heapRunning;
    try (GatewayHarness h = GatewayHarness.start(env, db)) {
      long startMillis = (System.nanoTime() - start) / 1_000_000;
      int total = new JsonObject(get(h, "/api/keys?limit=1").body()).getInteger("total_items");
      assertThat(total).isEqualTo(KEYS + 3);
      line("## Start over them");
      line("");
      line("Gateway start on the database holding " + String.format("%,d", total) + " keys (open SQLite, migrate,"
          + " read the keys, build the pool, bind; `GatewayHarness.start`, which also starts the fake upstream and"
          + " waits for the model list): **" + startMillis + " ms**.");
      line("");

      // Per-model state: requests on three models (each model gets its lane of 100k slots), and a
      // verification job over 2,000 keys of which some are refused as invalid or rate limited.
      for (String model : List.of("gemini-2.5-flash", "gemini-2.5-pro", "gemini-2.5-flash-lite")) {
        for (int i = 0; i < 50; i++) {
          h.post("/v1beta/models/" + model + ":generateContent", "{\"contents\":[]}", "x-goog-api-key",
              GatewayHarness.CLIENT_TOKEN);
        }
      }
      h.fake.on(r -> r.key() != null && r.key().endsWith("A"), Replies.invalidKey());
      h.fake.on(r -> r.key() != null && r.key().endsWith("B"), Replies.rateLimited("60s"));
      List<String> ids = new ArrayList<>();
      JsonObject firstPage = new JsonObject(get(h, "/api/keys?limit=500&page=3").body());
      firstPage.getJsonArray("keys").forEach(k -> ids.add(((JsonObject) k).getString("id")));
      long verifyStart = System.nanoTime();
      HttpResponse<String> job = h.post("/api/keys/verify", new JsonObject().put("ids", ids).encode(),
          "authorization", ADMIN, "content-type", "application/json");
      JsonObject status = waitForJob(h, new JsonObject(job.body()).getString("job_id"));
      long verifyMillis = (System.nanoTime() - verifyStart) / 1_000_000;
      line("Verification job over " + ids.size() + " keys (KEY_VERIFY_CONCURRENCY=50, fake upstream on 127.0.0.1): "
          + verifyMillis + " ms; " + status.getInteger("valid") + " valid, " + status.getInteger("invalid")
          + " invalid, " + status.getInteger("other") + " rate limited.");
      line("");

      Map<String, String> scenarios = new LinkedHashMap<>();
      scenarios.put("first page (limit 10)", "/api/keys");
      scenarios.put("page 5000 of 20", "/api/keys?page=5000&limit=20");
      scenarios.put("limit 500", "/api/keys?limit=500&page=7");
      keysForSearch = keys.get(KEYS * 7 / 9).substring(10, 16).toLowerCase();
      scenarios.put("search substring", "/api/keys?search=" + keysForSearch);
      scenarios.put("search last 4", "/api/keys?search=" + keys.get(KEYS / 8).substring(35));
      scenarios.put("status=invalid", "/api/keys?status=invalid&limit=50");
      scenarios.put("state=cooling, model", "/api/keys?state=cooling&model=gemini-2.5-flash-lite&limit=50");
      scenarios.put("sort=used_today desc", "/api/keys?sort=used_today&order=desc&limit=50");
      scenarios.put("sort=fail_count, failures>=1", "/api/keys?sort=fail_count&fail_count_threshold=1&limit=50");
      scenarios.put("filtered+sorted+searched", "/api/keys?state=usable&sort=last_error_at&search=ab&limit=100");
      line("## `GET /api/keys` latency");
      line("");
      line("Sequential calls from one client over loopback, after 20 warm-up calls each; " + CALLS
          + " calls per row. Target: a page under 200 ms.");
      line("");
      line("| query | items matched | p50 ms | p95 ms | max ms |");
      line("|---|---:|---:|---:|---:|");
      for (Map.Entry<String, String> scenario : scenarios.entrySet()) {
        for (int i = 0; i < 20; i++) {
          get(h, scenario.getValue());
        }
        long[] nanos = new long[CALLS];
        int matched = 0;
        for (int i = 0; i < CALLS; i++) {
          long t = System.nanoTime();
          HttpResponse<String> r = get(h, scenario.getValue());
          nanos[i] = System.nanoTime() - t;
          assertThat(r.statusCode()).isEqualTo(200);
          matched = new JsonObject(r.body()).getInteger("total_items");
        }
        Arrays.sort(nanos);
        line("| " + scenario.getKey() + " (`" + scenario.getValue() + "`) | " + String.format("%,d", matched) + " | "
            + ms(nanos[CALLS / 2]) + " | " + ms(nanos[(int) Math.ceil(CALLS * 0.95) - 1]) + " | " + ms(nanos[CALLS - 1])
            + " |");
      }
      line("");
      pageLoad(h);
      System.gc();
      heapRunning = usedHeap();
      HttpResponse<String> all = get(h, "/api/keys/all");
      line("`GET /api/keys/all` (every key masked, for scripts; the page does not use it): "
          + all.body().length() / 1024 + " KiB.");
      line("");
    }
    System.gc();
    long heapClosed = usedHeap();
    line("Heap held by the running gateway with " + String.format("%,d", KEYS + 3) + " keys and three models"
        + " with quota state (used heap after a full GC while running, minus after it closed): **"
        + (heapRunning - heapClosed) / (1024 * 1024) + " MiB**.");
    line("");
    String out = System.getProperty("bench.out");
    if (out != null && !out.isBlank()) {
      Files.writeString(Path.of(out), report.toString());
    }
    System.out.println(report);
  }

  /** Time from navigating to /keys until its table shows keys, in headless Chromium when installed. */
  private void pageLoad(GatewayHarness h) {
    if (!Files.isExecutable(Path.of("/usr/bin/chromium")) || !Files.isExecutable(Path.of("/usr/bin/chromedriver"))) {
      line("Page load in Chromium: not measured (no /usr/bin/chromium or /usr/bin/chromedriver).");
      line("");
      return;
    }
    try (Browser browser = Browser.start()) {
      browser.login(h.url(""), GatewayHarness.ADMIN_TOKEN);
      long[] millis = new long[5];
      for (int i = 0; i < millis.length; i++) {
        long t = System.nanoTime();
        browser.driver().get(h.url("/keys"));
        browser.until(d -> !d.findElements(By.cssSelector("#keys-body tr[data-id]")).isEmpty());
        millis[i] = (System.nanoTime() - t) / 1_000_000;
      }
      long t = System.nanoTime();
      WebElement search = browser.driver().findElement(By.id("search"));
      search.sendKeys(keysForSearch);
      browser.until(d -> d.findElements(By.cssSelector("#keys-body tr[data-id]")).size() == 1);
      long searchMillis = (System.nanoTime() - t) / 1_000_000;
      browser.screenshot("keys-100k");
      line("## The `/keys` page in headless Chromium");
      line("");
      line("Navigating to `/keys` until the first rows of the table show (document, scripts, session, first"
          + " `GET /api/keys`), 5 loads: " + Arrays.toString(millis) + " ms. Typing a 6-character search until the"
          + " table shows the one match (300 ms debounce included): " + searchMillis + " ms.");
      line("");
    }
  }

  private String keysForSearch = "";

  static HttpResponse<String> get(GatewayHarness h, String path) {
    return h.get(path, "authorization", ADMIN);
  }

  static JsonObject waitForJob(GatewayHarness h, String job) throws InterruptedException {
    for (int i = 0; i < 1200; i++) {
      JsonObject status = new JsonObject(get(h, "/api/keys/verify/" + job + "?limit=1").body());
      if (status.getString("state").equals("done")) {
        return status;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("verification job did not finish in 120 s");
  }

  private static long usedHeap() {
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  private static String ms(long nanos) {
    return String.format("%.1f", nanos / 1e6);
  }

  private void line(String text) {
    report.append(text).append('\n');
  }
}
