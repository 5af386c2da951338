package io.geminibalance.relay;

import static io.geminibalance.testing.GatewayHarness.CLIENT_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

import io.geminibalance.testing.GatewayHarness;
import io.geminibalance.testing.Replies;
import io.geminibalance.testing.UpstreamQuota;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * The scheduler against a fake Google that enforces per-key, per-model minute quotas over real
 * sockets: the pool's capacity is used fully and Google is not provoked.
 */
class QuotaSchedulingIntegrationTest {
  static final String GENERATE = "/v1beta/models/gemini-2.5-flash:generateContent";
  static final int KEYS = 3;
  static final int RPM = 4;
  static final int CAPACITY = KEYS * RPM;

  private static List<HttpResponse<String>> burst(GatewayHarness h, int requests, int parallel) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(parallel);
    try {
      List<Future<HttpResponse<String>>> futures = new ArrayList<>();
      for (int i = 0; i < requests; i++) {
        futures.add(pool.submit(() -> h.post(GENERATE, "{}", "x-goog-api-key", CLIENT_TOKEN)));
      }
      List<HttpResponse<String>> responses = new ArrayList<>();
      for (Future<HttpResponse<String>> f : futures) {
        responses.add(f.get());
      }
      return responses;
    } finally {
      pool.shutdownNow();
    }
  }

  private static long count(List<HttpResponse<String>> responses, int status) {
    return responses.stream().filter(r -> r.statusCode() == status).count();
  }

  @Test
  void overloadAtTwiceCapacityServesTheWholeCapacityWithoutOneUpstream429() throws Exception {
    try (GatewayHarness h = GatewayHarness.start(Map.of("DEFAULT_RPM", String.valueOf(RPM), "DEFAULT_RPD", "0",
        "QUEUE_TIMEOUT_SECONDS", "0"))) {
      UpstreamQuota google = new UpstreamQuota(RPM, 60_000).install(h.fake);
      List<HttpResponse<String>> responses = burst(h, 2 * CAPACITY, 6);
      System.out.printf("quota (limits right): served %d / theoretical %d, upstream 429s %d%n",
          count(responses, 200), CAPACITY, google.rejectedTotal());
      assertThat(count(responses, 200)).isEqualTo(CAPACITY);
      assertThat(google.served()).isEqualTo(CAPACITY);
      assertThat(google.rejectedTotal()).isZero();
      for (HttpResponse<String> refused : responses.stream().filter(r -> r.statusCode() == 429).toList()) {
        assertThat(refused.headers().firstValue("retry-after")).isPresent();
        assertThat(Long.parseLong(refused.headers().firstValue("retry-after").get())).isBetween(1L, 60L);
        assertThat(refused.body()).contains("gateway").contains("RESOURCE_EXHAUSTED");
      }
      assertThat(count(responses, 429)).isEqualTo(CAPACITY);
    }
  }

  /** Requests arrive one at a time here. */
  @Test
  void limitsConfiguredTwiceTooHighCostAtMostOneUpstream429PerKeyAndModel() throws Exception {
    limitsTwiceTooHigh(2 * CAPACITY, 1);
  }

  /**
   * Eight clients at once, so requests are in flight on every key when Google's first 429 comes
   * back: only a probe (a request beyond what the key has proven) may be refused, and at most one
   * is in flight per key and model, so each costs at most one upstream 429 however many clients.
   */
  @Test
  void limitsConfiguredTwiceTooHighCostAtMostOneUpstream429PerKeyAndModelUnderConcurrency() throws Exception {
    limitsTwiceTooHigh(3 * CAPACITY, 8);
  }

  private static void limitsTwiceTooHigh(int requests, int clients) throws Exception {
    try (GatewayHarness h = GatewayHarness.start(Map.of("DEFAULT_RPM", String.valueOf(2 * RPM), "DEFAULT_RPD", "0",
        "QUEUE_TIMEOUT_SECONDS", "0"))) {
      UpstreamQuota google = new UpstreamQuota(RPM, 60_000).install(h.fake);
      List<HttpResponse<String>> responses = burst(h, requests, clients);
      System.out.printf("quota (limits 2x too high, %d client(s)): served %d / theoretical %d, upstream 429s %s%n",
          clients, count(responses, 200), CAPACITY, google.rejectedPerBucket());
      assertThat(google.rejectedPerBucket().values()).allSatisfy(n -> assertThat(n).isLessThanOrEqualTo(1));
      assertThat(google.served()).isEqualTo(CAPACITY);
      assertThat(count(responses, 200)).isEqualTo(CAPACITY);
      assertThat(responses.stream().filter(r -> r.statusCode() != 200))
          .allSatisfy(r -> assertThat(r.statusCode()).isEqualTo(429));
    }
  }

  @Test
  void aRequestWaitsForACoolingKeyAndIsServedWhenItFrees() {
    try (GatewayHarness h = GatewayHarness.start(Map.of("API_KEYS", "key-only-0001", "QUEUE_TIMEOUT_SECONDS", "10"))) {
      h.fake.on(r -> true, Replies.rateLimited("1.5s"), 1);
      HttpResponse<String> first = h.post(GENERATE, "{}", "x-goog-api-key", CLIENT_TOKEN);
      assertThat(first.statusCode()).isEqualTo(429);
      long start = System.nanoTime();
      HttpResponse<String> second = h.post(GENERATE, "{}", "x-goog-api-key", CLIENT_TOKEN);
      long waitedMillis = (System.nanoTime() - start) / 1_000_000;
      assertThat(second.statusCode()).isEqualTo(200);
      assertThat(waitedMillis).as("waited for the cooldown instead of failing").isGreaterThan(800);
      assertThat(h.fake.requests()).hasSize(2);
    }
  }

  @Test
  void whenNoKeyFreesBeforeTheQueueTimeoutTheAnswerIsImmediate429WithRetryAfter() {
    try (GatewayHarness h = GatewayHarness.start(Map.of("API_KEYS", "key-only-0001", "DEFAULT_RPM", "1",
        "DEFAULT_RPD", "0", "QUEUE_TIMEOUT_SECONDS", "10"))) {
      assertThat(h.post(GENERATE, "{}", "x-goog-api-key", CLIENT_TOKEN).statusCode()).isEqualTo(200);
      long start = System.nanoTime();
      HttpResponse<String> refused = h.post(GENERATE, "{}", "x-goog-api-key", CLIENT_TOKEN);
      assertThat((System.nanoTime() - start) / 1_000_000).as("answered at once").isLessThan(2000);
      assertThat(refused.statusCode()).isEqualTo(429);
      assertThat(Long.parseLong(refused.headers().firstValue("retry-after").orElseThrow())).isBetween(50L, 60L);
      assertThat(refused.body()).contains("gateway");
      assertThat(h.fake.requests()).hasSize(1);
    }
  }

  @Test
  void healthAndThePoolEndpointShowCapacityAndState() {
    try (GatewayHarness h = GatewayHarness.start(Map.of("DEFAULT_RPM", "5", "DEFAULT_RPD", "100",
        "MODEL_RATE_LIMITS", "{\"gemini-2.5-pro\": [2, 50]}"))) {
      h.post("/v1beta/models/gemini-2.5-pro-search:generateContent", "{}", "x-goog-api-key", CLIENT_TOKEN);
      // /health needs no token: counts only; capacity and model names are the admin's.
      assertThat(h.get("/health").body()).doesNotContain("gemini-2.5-pro").doesNotContain("capacity");
      String pool = h.get("/api/pool", "authorization", "Bearer " + GatewayHarness.ADMIN_TOKEN).body();
      assertThat(pool).contains("\"gemini-2.5-pro\":{\"keys\":3,\"rpm\":6,\"rpd\":150}");
      // Models without a limit of their own: the defaults times the enabled keys.
      assertThat(pool).contains("\"default\":{\"keys\":3,\"rpm\":15,\"rpd\":300}");
      assertThat(pool).contains("\"model\":\"gemini-2.5-pro\"").contains("\"usable\"").contains("\"remainingToday\"");
      assertThat(pool).doesNotContain(GatewayHarness.KEY_A);
      assertThat(h.get("/api/pool").statusCode()).isEqualTo(401);
    }
  }
}
