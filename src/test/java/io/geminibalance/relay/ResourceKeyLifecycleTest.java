package io.geminibalance.relay;

import static io.geminibalance.testing.GatewayHarness.CLIENT_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

import io.geminibalance.config.GatewayConfig;
import io.geminibalance.keypool.ApiKey;
import io.geminibalance.testing.GatewayHarness;
import io.geminibalance.testing.Recorded;
import io.geminibalance.testing.Replies;
import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A resource's key across the key's life: restarts keep the affinity, a disabled key makes the
 * resource unavailable (503 naming it), a removed key makes it unreachable (404 naming it), and
 * the expired-resource cleanup deletes at Google with the right key.
 */
class ResourceKeyLifecycleTest {

  private static String createCache(GatewayHarness h, String expireTime) {
    h.fake.on(r -> r.method().name().equals("POST") && r.path().endsWith("/cachedContents"),
        Replies.json(200, "{\"name\":\"cachedContents/life1\",\"expireTime\":\"" + expireTime + "\"}"), 1);
    HttpResponse<String> made = h.post("/v1beta/cachedContents", "{}", "x-goog-api-key", CLIENT_TOKEN);
    assertThat(made.statusCode()).isEqualTo(200);
    return h.fake.requests("/cachedContents").get(0).key();
  }

  @Test
  void affinitySurvivesARestartOnTheSameDatabase() throws Exception {
    String database = GatewayHarness.tempDatabase();
    String key;
    try (GatewayHarness h = GatewayHarness.start(Map.of(), database)) {
      key = createCache(h, "2099-01-01T00:00:00Z");
    }
    try (GatewayHarness h = GatewayHarness.start(Map.of(), database)) {
      for (int i = 0; i < 4; i++) {
        assertThat(h.get("/v1beta/cachedContents/life1", "x-goog-api-key", CLIENT_TOKEN).statusCode()).isEqualTo(200);
      }
      assertThat(h.fake.requests("/cachedContents/life1")).extracting(Recorded::key).containsOnly(key);
      assertThat(h.get("/v1beta/cachedContents", "x-goog-api-key", CLIENT_TOKEN).body()).contains("cachedContents/life1");
    }
  }

  @Test
  void batchRecordsAgeOutAndAreForgottenWithoutADeletionAtGoogle() throws Exception {
    try (GatewayHarness h = GatewayHarness.start()) {
      h.fake.on(r -> r.path().endsWith(":batchGenerateContent"), Replies.json(200, "{\"name\":\"batches/old1\"}"));
      long before = System.currentTimeMillis();
      assertThat(h.post("/v1beta/models/gemini-2.5-flash:batchGenerateContent", "{}", "x-goog-api-key", CLIENT_TOKEN)
          .statusCode()).isEqualTo(200);
      var resources = h.gateway.persistence().storage().resources();
      var record = resources.find("batches/old1").join().orElseThrow();
      assertThat(record.expiresMillis()).isBetween(before + ResourceCleanup.RECORD_KEPT_MILLIS,
          System.currentTimeMillis() + ResourceCleanup.RECORD_KEPT_MILLIS);
      resources.save(record.withState(record.state(), before - 1, record.metadata())).join();
      h.fake.reset();
      assertThat(h.gateway.cleanExpiredResources().await(10, TimeUnit.SECONDS)).isEqualTo(1);
      assertThat(h.fake.requests()).isEmpty();
      assertThat(resources.find("batches/old1").join()).isEmpty();
    }
  }

  @Test
  void twoInstancesOnOneDatabaseShareTheAffinity() throws Exception {
    String database = GatewayHarness.tempDatabase();
    try (GatewayHarness a = GatewayHarness.start(Map.of(), database);
        GatewayHarness b = GatewayHarness.start(Map.of(), database)) {
      String key = createCache(a, "2099-01-01T00:00:00Z");
      for (int i = 0; i < 4; i++) {
        assertThat(b.get("/v1beta/cachedContents/life1", "x-goog-api-key", CLIENT_TOKEN).statusCode()).isEqualTo(200);
      }
      assertThat(b.fake.requests("/cachedContents/life1")).extracting(Recorded::key).containsOnly(key);
      assertThat(b.get("/v1beta/cachedContents", "x-goog-api-key", CLIENT_TOKEN).body()).contains("cachedContents/life1");
    }
  }

  @Test
  void aDisabledKeyMakesItsResourcesUnavailableAndARemovedOneUnreachable() throws Exception {
    try (GatewayHarness h = GatewayHarness.start()) {
      String key = createCache(h, "2099-01-01T00:00:00Z");
      h.gateway.pool().disable(new ApiKey(key), "test");
      h.fake.reset();
      HttpResponse<String> disabled = h.get("/v1beta/cachedContents/life1", "x-goog-api-key", CLIENT_TOKEN);
      assertThat(disabled.statusCode()).isEqualTo(503);
      assertThat(disabled.body()).contains("cachedContents/life1").contains("disabled").doesNotContain(key);
      HttpResponse<String> used = h.post("/v1beta/models/gemini-2.5-flash:generateContent",
          "{\"cachedContent\":\"cachedContents/life1\",\"contents\":[]}", "x-goog-api-key", CLIENT_TOKEN);
      assertThat(used.statusCode()).isEqualTo(503);
      assertThat(h.fake.requests()).isEmpty();

      Map<String, String> env = new HashMap<>(h.gateway.config().values().raw());
      List<String> others = List.of(GatewayHarness.KEY_A, GatewayHarness.KEY_B, GatewayHarness.KEY_C).stream()
          .filter(k -> !k.equals(key)).toList();
      env.put("API_KEYS", "[\"" + String.join("\",\"", others) + "\"]");
      h.gateway.reconfigure(GatewayConfig.from(env));
      HttpResponse<String> gone = h.get("/v1beta/cachedContents/life1", "x-goog-api-key", CLIENT_TOKEN);
      assertThat(gone.statusCode()).isEqualTo(404);
      assertThat(gone.body()).contains("cachedContents/life1").contains("no longer in the gateway's pool");
      assertThat(h.fake.requests()).isEmpty();
    }
  }

  @Test
  void expiredResourcesAreDeletedAtGoogleWithTheirKeyAndForgotten() throws Exception {
    try (GatewayHarness h = GatewayHarness.start()) {
      String key = createCache(h, "2001-01-01T00:00:00Z");
      h.fake.reset();
      HttpResponse<String> expired = h.get("/v1beta/cachedContents/life1", "x-goog-api-key", CLIENT_TOKEN);
      assertThat(expired.statusCode()).isEqualTo(404);
      assertThat(expired.body()).contains("expired");
      assertThat(h.gateway.cleanExpiredResources().await(10, TimeUnit.SECONDS)).isEqualTo(1);
      assertThat(h.fake.requests()).singleElement().satisfies(r -> {
        assertThat(r.method().name()).isEqualTo("DELETE");
        assertThat(r.path()).endsWith("/cachedContents/life1");
        assertThat(r.key()).isEqualTo(key);
      });
      assertThat(h.gateway.cleanExpiredResources().await(10, TimeUnit.SECONDS)).isZero();
      assertThat(h.get("/v1beta/cachedContents/life1", "x-goog-api-key", CLIENT_TOKEN).statusCode()).isEqualTo(404);
    }
  }
}
