package io.geminibalance.metrics;

import static io.geminibalance.testing.GatewayHarness.ADMIN_TOKEN;
import static io.geminibalance.testing.GatewayHarness.CLIENT_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

import io.geminibalance.testing.GatewayHarness;
import io.geminibalance.testing.PrometheusText;
import io.geminibalance.testing.Replies;
import io.vertx.core.json.JsonObject;
import java.io.InputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code GET /metrics} through a whole gateway: requests on the native and OpenAI surfaces, a 429
 * from Google and one from the gateway's own pool, then a scrape parsed by the strict text-format
 * parser, whose counts must be what was sent; and who may scrape.
 */
class MetricsEndpointTest {
  private static final String METRICS_TOKEN = "tok-metrics-0003";
  private static final String NATIVE = "/v1beta/models/%s:generateContent";
  private static final String NATIVE_BODY = "{\"contents\":[{\"parts\":[{\"text\":\"hi\"}]}]}";
  private static final String CHAT = "/v1/chat/completions";

  @Test
  void aScrapeCountsWhatWasSentByPrometheusRules() throws Exception {
    try (GatewayHarness h = GatewayHarness.start(Map.of("METRICS_TOKEN", METRICS_TOKEN))) {
      for (int i = 0; i < 3; i++) {
        assertThat(nativeCall(h, "gemini-2.5-flash").statusCode()).isEqualTo(200);
      }
      for (int i = 0; i < 2; i++) {
        assertThat(h.post(CHAT, "{\"model\":\"gemini-2.5-flash\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
            "authorization", "Bearer " + CLIENT_TOKEN).statusCode()).isEqualTo(200);
      }
      assertThat(h.post("/v1/messages", "{\"model\":\"gemini-2.5-flash\",\"max_tokens\":20,\"messages\":"
          + "[{\"role\":\"user\",\"content\":\"hi\"}]}", "x-api-key", CLIENT_TOKEN, "content-type",
          "application/json").statusCode()).isEqualTo(200);
      // Refused before its body is read: counted, with no model.
      assertThat(h.post(NATIVE.formatted("gemini-2.5-flash"), NATIVE_BODY, "x-goog-api-key", "not-a-token")
          .statusCode()).isEqualTo(401);
      // Google refuses each of the three keys: three attempts, two of them retries, and the
      // client gets Google's 429.
      h.fake.on(r -> r.path().endsWith("gemini-2.5-pro:generateContent"), Replies.rateLimited("30s"), 3);
      assertThat(nativeCall(h, "gemini-2.5-pro").statusCode()).isEqualTo(429);
      // A name no pool keeps state for (Google knows no such model) is labelled "other": a client
      // cannot make up labels.
      h.fake.on(r -> r.path().contains("made-up-model"), Replies.googleError(404, "NOT_FOUND", "no such model"));
      assertThat(nativeCall(h, "made-up-model-" + Long.toHexString(System.nanoTime())).statusCode()).isEqualTo(404);

      HttpResponse<String> scraped = scrapeOnceCounted(h, 9, "authorization", "Bearer " + METRICS_TOKEN);
      assertThat(scraped.statusCode()).isEqualTo(200);
      assertThat(scraped.headers().firstValue("content-type")).hasValue("text/plain; version=0.0.4; charset=utf-8");
      PrometheusText metrics = PrometheusText.parse(scraped.body());

      assertThat(metrics.value("gb_requests_total",
          Map.of("surface", "gemini", "model", "gemini-2.5-flash", "status", "200"))).isEqualTo(3.0);
      assertThat(metrics.value("gb_requests_total",
          Map.of("surface", "openai", "model", "gemini-2.5-flash", "status", "200"))).isEqualTo(2.0);
      assertThat(metrics.value("gb_requests_total",
          Map.of("surface", "gemini", "model", "gemini-2.5-pro", "status", "429"))).isEqualTo(1.0);
      assertThat(metrics.value("gb_requests_total",
          Map.of("surface", "gemini", "model", "other", "status", "404"))).isEqualTo(1.0);
      assertThat(metrics.value("gb_upstream_attempts_total", Map.of("model", "other", "outcome", "not_found")))
          .isEqualTo(1.0);
      assertThat(scraped.body()).doesNotContain("made-up-model");
      assertThat(metrics.value("gb_requests_total",
          Map.of("surface", "anthropic", "model", "gemini-2.5-flash", "status", "200"))).isEqualTo(1.0);
      assertThat(metrics.value("gb_requests_total",
          Map.of("surface", "gemini", "model", "none", "status", "401"))).isEqualTo(1.0);
      assertThat(metrics.samples("gb_requests_total")).hasSize(6);
      assertThat(metrics.value("gb_upstream_attempts_total",
          Map.of("model", "gemini-2.5-flash", "outcome", "success"))).isEqualTo(6.0);
      assertThat(metrics.value("gb_upstream_attempts_total",
          Map.of("model", "gemini-2.5-pro", "outcome", "rate_limited"))).isEqualTo(3.0);
      assertThat(metrics.value("gb_upstream_retries_total", Map.of("model", "gemini-2.5-pro"))).isEqualTo(2.0);
      assertThat(metrics.value("gb_upstream_retries_total", Map.of("model", "gemini-2.5-flash"))).isEqualTo(0.0);
      assertThat(metrics.value("gb_rate_limited_responses_total", Map.of("source", "google"))).isEqualTo(1.0);
      assertThat(metrics.value("gb_rate_limited_responses_total", Map.of("source", "gateway"))).isEqualTo(0.0);

      // Histograms: one observation per request, per attempt, per first byte.
      assertThat(metrics.families().get("gb_request_duration_seconds").type()).isEqualTo("histogram");
      assertThat(metrics.value("gb_request_duration_seconds_count",
          Map.of("surface", "gemini", "model", "gemini-2.5-flash"))).isEqualTo(3.0);
      assertThat(metrics.value("gb_request_first_byte_seconds_count",
          Map.of("surface", "openai", "model", "gemini-2.5-flash"))).isEqualTo(2.0);
      assertThat(metrics.value("gb_upstream_attempt_duration_seconds_count",
          Map.of("model", "gemini-2.5-pro"))).isEqualTo(3.0);
      assertThat(metrics.value("gb_gateway_overhead_seconds_count", Map.of("surface", "gemini"))).isEqualTo(5.0);
      assertThat(metrics.value("gb_gateway_overhead_seconds_count", Map.of("surface", "openai"))).isEqualTo(2.0);

      // Keys by state: Google's 429 cools all three keys for the Pro model, none for Flash.
      assertThat(metrics.value("gb_keys", Map.of("pool", "gemini", "model", "gemini-2.5-pro", "state", "usable")))
          .isEqualTo(0.0);
      assertThat(metrics.value("gb_keys", Map.of("pool", "gemini", "model", "gemini-2.5-pro", "state", "cooling"))
          + metrics.value("gb_keys", Map.of("pool", "gemini", "model", "gemini-2.5-pro", "state", "parked")))
          .isEqualTo(3.0);
      assertThat(metrics.value("gb_keys", Map.of("pool", "gemini", "model", "gemini-2.5-flash", "state", "usable")))
          .isEqualTo(3.0);
      assertThat(metrics.value("gb_requests_remaining_today", Map.of("pool", "gemini", "model", "gemini-2.5-flash")))
          .isEqualTo(Double.POSITIVE_INFINITY);
      assertThat(metrics.value("gb_queue_waiting", Map.of("pool", "gemini"))).isEqualTo(0.0);
      assertThat(metrics.value("gb_log_dropped_rows_total", Map.of("log", "request"))).isEqualTo(0.0);
      assertThat(metrics.value("gb_log_queue_rows", Map.of("log", "request"))).isNotNull();

      // JVM and Vert.x's HTTP server and client.
      assertThat(metrics.families()).containsKeys("jvm_memory_used_bytes", "jvm_gc_memory_allocated_bytes_total",
          "jvm_threads_live_threads", "jvm_classes_loaded_classes", "process_cpu_usage",
          "vertx_http_server_requests_total", "vertx_http_client_requests_total");
      // Vert.x's labels are bounded too: a status code at most, never a path, method or address.
      for (PrometheusText.Family family : metrics.families().values()) {
        if (family.name().startsWith("vertx_")) {
          for (PrometheusText.Sample sample : family.samples()) {
            assertThat(sample.labels().keySet()).as(sample.name()).isSubsetOf("code", "le");
          }
        }
      }
      // No credential is anywhere in the scrape, and no part of one (a key's last 4) is in a label:
      // a sample's value is a number, which may hold "1111" by chance.
      for (String secret : new String[] {GatewayHarness.KEY_A, GatewayHarness.KEY_B, GatewayHarness.KEY_C,
          CLIENT_TOKEN, ADMIN_TOKEN, METRICS_TOKEN}) {
        assertThat(scraped.body()).doesNotContain(secret);
      }
      for (PrometheusText.Family family : metrics.families().values()) {
        for (PrometheusText.Sample sample : family.samples()) {
          assertThat(sample.labels().values()).as(sample.name())
              .noneMatch(value -> value.contains("1111") || value.contains("2222") || value.contains("3333"));
        }
      }
    }
  }

  @Test
  void onlyTheAdminTokenOrMetricsTokenMayScrape() {
    try (GatewayHarness h = GatewayHarness.start(Map.of("METRICS_TOKEN", METRICS_TOKEN))) {
      assertUnauthenticated(h.get("/metrics"));
      assertUnauthenticated(h.get("/metrics", "authorization", "Bearer wrong-token-0000"));
      assertUnauthenticated(h.get("/metrics", "authorization", "Bearer " + CLIENT_TOKEN));
      assertUnauthenticated(h.get("/metrics", "authorization", "Basic " + METRICS_TOKEN));
      assertUnauthenticated(h.get("/metrics", "x-goog-api-key", METRICS_TOKEN));
      assertUnauthenticated(h.get("/metrics?key=" + METRICS_TOKEN));
      assertThat(h.get("/metrics", "authorization", "Bearer " + ADMIN_TOKEN).statusCode()).isEqualTo(200);
      // Scrapes one after another, as Prometheus sends them on one kept-alive connection.
      for (int i = 0; i < 3; i++) {
        assertThat(h.get("/metrics", "authorization", "Bearer " + METRICS_TOKEN).statusCode()).isEqualTo(200);
      }
      // METRICS_TOKEN and METRICS_PUBLIC apply live; a malformed token is refused naming it.
      HttpResponse<String> malformed = h.putConfig("{\"METRICS_TOKEN\":\"has a space\"}");
      assertThat(malformed.statusCode()).isEqualTo(400);
      assertThat(malformed.body()).contains("METRICS_TOKEN").doesNotContain("has a space");
      assertThat(h.putConfig("{\"METRICS_TOKEN\":\"tok-metrics-0004\"}").statusCode()).isEqualTo(200);
      assertUnauthenticated(h.get("/metrics", "authorization", "Bearer " + METRICS_TOKEN));
      assertThat(h.get("/metrics", "authorization", "Bearer tok-metrics-0004").statusCode()).isEqualTo(200);
      assertThat(h.putConfig("{\"METRICS_PUBLIC\":\"true\"}").statusCode()).isEqualTo(200);
      assertThat(h.get("/metrics").statusCode()).isEqualTo(200);
      // Only GET is routed there.
      assertThat(h.post("/metrics", "", "authorization", "Bearer " + METRICS_TOKEN).statusCode()).isEqualTo(404);
    }
  }

  @Test
  void metricsPublicOpensItAndTheGatewaysOwn429IsCountedAsSuch() throws Exception {
    try (GatewayHarness h = GatewayHarness.start(Map.of("METRICS_PUBLIC", "true", "DEFAULT_RPM", "1",
        "QUEUE_TIMEOUT_SECONDS", "0"))) {
      for (int i = 0; i < 3; i++) {
        assertThat(nativeCall(h, "gemini-2.5-flash").statusCode()).isEqualTo(200);
      }
      HttpResponse<String> refused = nativeCall(h, "gemini-2.5-flash");
      assertThat(refused.statusCode()).isEqualTo(429);
      HttpResponse<String> scraped = scrapeOnceCounted(h, 4);
      assertThat(scraped.statusCode()).isEqualTo(200);
      PrometheusText metrics = PrometheusText.parse(scraped.body());
      assertThat(metrics.value("gb_rate_limited_responses_total", Map.of("source", "gateway"))).isEqualTo(1.0);
      assertThat(metrics.value("gb_rate_limited_responses_total", Map.of("source", "google"))).isEqualTo(0.0);
      assertThat(metrics.value("gb_requests_total",
          Map.of("surface", "gemini", "model", "gemini-2.5-flash", "status", "429"))).isEqualTo(1.0);
      assertThat(metrics.value("gb_keys", Map.of("pool", "gemini", "model", "gemini-2.5-flash", "state", "cooling")))
          .isEqualTo(3.0);
    }
  }

  @Test
  void aClientThatLeavesMidStreamIsCounted499() throws Exception {
    try (GatewayHarness h = GatewayHarness.start(Map.of("METRICS_PUBLIC", "true"))) {
      h.fake.on(r -> r.path().endsWith(":streamGenerateContent"), Replies.sse(List.of(
          Replies.chunk("one"), Replies.chunk("two"), Replies.chunk("three"), Replies.finalChunk("four")), 1_000));
      HttpResponse<InputStream> stream = h.http.send(h.request(
          "/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse", "x-goog-api-key", CLIENT_TOKEN)
          .POST(HttpRequest.BodyPublishers.ofString(NATIVE_BODY)).build(),
          HttpResponse.BodyHandlers.ofInputStream());
      assertThat(stream.statusCode()).isEqualTo(200);
      try (InputStream body = stream.body()) {
        assertThat(body.read()).isNotNegative();
      }
      PrometheusText metrics = PrometheusText.parse(scrapeOnceCounted(h, 1).body());
      assertThat(metrics.value("gb_requests_total",
          Map.of("surface", "gemini", "model", "gemini-2.5-flash", "status", "499"))).isEqualTo(1.0);
      assertThat(metrics.value("gb_request_first_byte_seconds_count",
          Map.of("surface", "gemini", "model", "gemini-2.5-flash"))).isEqualTo(1.0);
    }
  }

  @Test
  void metricsOffAnswer404OnlyOnceAuthenticated() {
    try (GatewayHarness h = GatewayHarness.start(Map.of("METRICS_ENABLED", "false"))) {
      assertUnauthenticated(h.get("/metrics"));
      HttpResponse<String> off = h.get("/metrics", "authorization", "Bearer " + ADMIN_TOKEN);
      assertThat(off.statusCode()).isEqualTo(404);
      assertThat(new JsonObject(off.body()).getJsonObject("error").getString("message")).contains("METRICS_ENABLED");
      assertThat(nativeCall(h, "gemini-2.5-flash").statusCode()).isEqualTo(200);
    }
  }

  /**
   * A scrape once {@code requests} requests are counted: a request is counted when its response
   * has ended on the server, which may come a moment after the client read it (bounded wait).
   */
  private static HttpResponse<String> scrapeOnceCounted(GatewayHarness h, int requests, String... headers)
      throws InterruptedException {
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (true) {
      HttpResponse<String> scraped = h.get("/metrics", headers);
      double counted = scraped.statusCode() != 200 ? 0 : PrometheusText.parse(scraped.body())
          .samples("gb_requests_total").stream().mapToDouble(PrometheusText.Sample::value).sum();
      if (counted >= requests || System.nanoTime() > deadline) {
        return scraped;
      }
      Thread.sleep(20);
    }
  }

  private static HttpResponse<String> nativeCall(GatewayHarness h, String model) {
    return h.post(NATIVE.formatted(model), NATIVE_BODY, "x-goog-api-key", CLIENT_TOKEN);
  }

  private static void assertUnauthenticated(HttpResponse<String> response) {
    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(response.headers().firstValue("www-authenticate")).hasValue("Bearer");
    JsonObject error = new JsonObject(response.body()).getJsonObject("error");
    assertThat(error.getInteger("code")).isEqualTo(401);
    assertThat(error.getString("status")).isEqualTo("UNAUTHENTICATED");
    assertThat(response.body()).doesNotContain("gb_");
  }
}
