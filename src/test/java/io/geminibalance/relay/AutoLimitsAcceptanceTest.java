package io.geminibalance.relay;

import static io.geminibalance.testing.GatewayHarness.CLIENT_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.geminibalance.keypool.FreeTierLimits;
import io.geminibalance.testing.GatewayHarness;
import io.geminibalance.testing.UpstreamQuota;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Auto limits against a Google that allows three times the free-tier table for one model: after
 * a warm-up minute the pool serves (nearly) all of that higher capacity, and each key costs at
 * most one upstream 429 to find it (the refused probe, whose QuotaFailure states the limit).
 * Real time: about two minutes, the one long test of this feature.
 */
class AutoLimitsAcceptanceTest {
  private static final String MODEL = "gemini-2.5-pro";
  private static final String GENERATE = "/v1beta/models/" + MODEL + ":generateContent";
  private static final int KEYS = 2;
  private static final int GOOGLE_RPM = 3 * FreeTierLimits.of(MODEL).rpm();
  private static final long MINUTE_NANOS = TimeUnit.SECONDS.toNanos(60);
  private static final int CLIENTS = 4;

  @Test
  void afterAWarmUpMinuteThePoolServesThreeTimesTheTableWithAtMostOne429PerKey() throws Exception {
    try (GatewayHarness h = GatewayHarness.start(Map.of(
        "API_KEYS", "[\"" + GatewayHarness.KEY_A + "\",\"" + GatewayHarness.KEY_B + "\"]",
        "DEFAULT_RPM", "auto", "DEFAULT_RPD", "auto", "QUEUE_TIMEOUT_SECONDS", "0"))) {
      UpstreamQuota google = new UpstreamQuota(1_000, 60_000).model(MODEL, GOOGLE_RPM).install(h.fake);
      ConcurrentLinkedQueue<Long> servedAt = new ConcurrentLinkedQueue<>();
      long start = System.nanoTime();
      long end = start + 2 * MINUTE_NANOS;
      ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
      try {
        List<Future<Integer>> running = new ArrayList<>();
        for (int c = 0; c < CLIENTS; c++) {
          long pauseMillis = 120 + 17L * c; // apart, so that refused clients do not retry in step
          running.add(clients.submit(() -> demand(h, end, pauseMillis, servedAt)));
        }
        for (Future<Integer> client : running) {
          client.get(3, TimeUnit.MINUTES);
        }
      } finally {
        clients.shutdownNow();
      }
      long warmUpEnd = start + MINUTE_NANOS;
      long measured = servedAt.stream().filter(t -> t >= warmUpEnd && t < warmUpEnd + MINUTE_NANOS).count();
      long capacity = (long) KEYS * GOOGLE_RPM;
      System.out.printf("auto limits, Google at 3x the table (%d RPM per key): second minute served %d /"
          + " capacity %d (%.1f %%), whole run %d, upstream 429s per key %s%n", GOOGLE_RPM, measured, capacity,
          100.0 * measured / capacity, servedAt.size(), google.rejectedPerBucket());
      assertThat(measured).as("served in the second minute").isGreaterThanOrEqualTo((long) Math.ceil(0.95 * capacity));
      assertThat(google.rejectedPerBucket().values()).allSatisfy(n -> assertThat(n).isLessThanOrEqualTo(1));
      JsonNode pool = new ObjectMapper().readTree(
          h.get("/api/pool", "authorization", "Bearer " + GatewayHarness.ADMIN_TOKEN).body());
      List<JsonNode> rows = new ArrayList<>();
      pool.path("keys").forEach(row -> {
        if (row.path("model").asText().equals(MODEL)) {
          rows.add(row);
        }
      });
      assertThat(rows).hasSize(KEYS);
      assertThat(rows).allSatisfy(row -> {
        assertThat(row.path("rpm").asInt()).isEqualTo(GOOGLE_RPM);
        assertThat(row.path("rpmSource").asText()).isIn("LEARNED", "PROVEN");
      });
    }
  }

  /** Sends until {@code end}; a refusal by the gateway waits a little before the next try. */
  private static int demand(GatewayHarness h, long end, long pauseMillis, ConcurrentLinkedQueue<Long> servedAt)
      throws InterruptedException {
    int sent = 0;
    while (System.nanoTime() < end && sent < 10_000) {
      HttpResponse<String> response = h.post(GENERATE, "{}", "x-goog-api-key", CLIENT_TOKEN);
      sent++;
      if (response.statusCode() == 200) {
        servedAt.add(System.nanoTime());
      } else {
        Thread.sleep(pauseMillis);
      }
    }
    return sent;
  }
}
