package io.geminibalance.alerts;

import static io.geminibalance.testing.GatewayHarness.CLIENT_TOKEN;
import static io.geminibalance.testing.GatewayHarness.KEY_A;
import static io.geminibalance.testing.GatewayHarness.KEY_B;
import static io.geminibalance.testing.GatewayHarness.KEY_C;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.geminibalance.keypool.ApiKey;
import io.geminibalance.testing.FakeWebhook;
import io.geminibalance.testing.GatewayHarness;
import io.geminibalance.testing.LogCapture;
import io.geminibalance.testing.Replies;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * ALERT_WEBHOOK_URL end to end: a gateway in front of the fake Gemini, keys disabled by Google's
 * answers, and a fake incoming webhook on a real socket receiving the POSTs.
 */
class AlertsWebhookTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String GENERATE = "/v1beta/models/gemini-2.5-flash:generateContent";
  /** The webhook's token, in its URL as Slack's and Discord's are. */
  private static final String HOOK_TOKEN = "whsec-abcdef0123456789";
  private static final Duration WAIT = Duration.ofSeconds(20);

  private static GatewayHarness start(FakeWebhook webhook, Map<String, String> more) {
    Map<String, String> env = new HashMap<>(more);
    env.putIfAbsent("ALERT_WEBHOOK_URL", webhook.url("/hooks/T0/B1?token=" + HOOK_TOKEN));
    return GatewayHarness.start(env);
  }

  private static HttpResponse<String> generate(GatewayHarness h) {
    return h.post(GENERATE, "{\"contents\":[{\"parts\":[{\"text\":\"hi\"}]}]}", "x-goog-api-key", CLIENT_TOKEN);
  }

  private static JsonNode json(FakeWebhook.Post post) throws Exception {
    return JSON.readTree(post.body());
  }

  private static List<JsonNode> alerts(List<FakeWebhook.Post> posts, String kind) throws Exception {
    List<JsonNode> found = new ArrayList<>();
    for (FakeWebhook.Post post : posts) {
      json(post).get("alerts").forEach(a -> {
        if (a.get("kind").asText().equals(kind)) {
          found.add(a);
        }
      });
    }
    return found;
  }

  private static void assertNoKeyWhole(List<FakeWebhook.Post> posts) {
    for (FakeWebhook.Post post : posts) {
      assertThat(post.body()).doesNotContain(KEY_A, KEY_B, KEY_C, CLIENT_TOKEN, GatewayHarness.ADMIN_TOKEN, HOOK_TOKEN);
    }
  }

  @Test
  void keysDisabledInOneBurstArriveInOnePostShownByTheirLastFourOnly() throws Exception {
    try (FakeWebhook webhook = FakeWebhook.start(); LogCapture log = new LogCapture();
        GatewayHarness h = start(webhook, Map.of())) {
      h.fake.on(r -> r.key().equals(KEY_A) || r.key().equals(KEY_B), Replies.invalidKey());

      // Served by the third key after the first two are found dead: the alert costs the request nothing.
      assertThat(generate(h).statusCode()).isEqualTo(200);

      List<FakeWebhook.Post> posts = webhook.await(1, WAIT);
      assertThat(posts).hasSize(1);
      FakeWebhook.Post post = posts.get(0);
      assertThat(post.path()).isEqualTo("/hooks/T0/B1");
      assertThat(post.query()).isEqualTo("token=" + HOOK_TOKEN);
      assertThat(post.contentType()).isEqualTo("application/json");
      JsonNode body = json(post);
      assertThat(body.get("source").asText()).isEqualTo("gemini-balance");
      assertThat(body.get("text").asText()).isEqualTo(body.get("content").asText())
          .startsWith("Gemini Balance: 2 alerts").contains("...1111", "...2222");
      List<JsonNode> disabled = alerts(posts, "key_disabled");
      assertThat(disabled).extracting(a -> a.get("key").asText()).containsExactlyInAnyOrder("...1111", "...2222");
      assertThat(disabled).extracting(a -> a.get("fingerprint").asText())
          .containsExactlyInAnyOrder(new ApiKey(KEY_A).fingerprint(), new ApiKey(KEY_B).fingerprint());
      assertThat(disabled).allSatisfy(a -> {
        assertThat(a.get("pool").asText()).isEqualTo("gemini");
        assertThat(a.get("model").isNull()).isTrue();
        assertThat(a.get("reason").asText()).contains("API_KEY_INVALID");
      });
      assertThat(body.get("omitted").asLong()).isZero();
      assertNoKeyWhole(posts);
      // The webhook's token never reaches the process log either.
      assertThat(log.text()).doesNotContain(HOOK_TOKEN);
      assertThat(log.logLines()).noneMatch(line -> line.contains(HOOK_TOKEN));
    }
  }

  @Test
  void aKeyFailingForAnUnknownKeyReasonIsReportedOnceItReachesMaxFailures() throws Exception {
    try (FakeWebhook webhook = FakeWebhook.start();
        GatewayHarness h = start(webhook, Map.of("MAX_FAILURES", "2", "ALERT_INTERVAL_SECONDS", "1"))) {
      h.fake.on(r -> r.key().equals(KEY_A), Replies.googleError(403, "PERMISSION_DENIED", "Something new",
          "{\"@type\":\"type.googleapis.com/google.rpc.ErrorInfo\",\"reason\":\"API_KEY_SOMETHING_NEW\","
              + "\"domain\":\"googleapis.com\"}"));
      ApiKey a = new ApiKey(KEY_A);
      for (int i = 0; i < 20 && !h.gateway.pool().snapshot().disabledKeys().contains(a); i++) {
        assertThat(generate(h).statusCode()).isEqualTo(200);
      }
      assertThat(h.gateway.pool().snapshot().disabledKeys()).containsExactly(a);

      List<FakeWebhook.Post> posts = webhook.await(1, WAIT);
      List<JsonNode> disabled = alerts(posts, "key_disabled");
      assertThat(disabled).hasSize(1);
      assertThat(disabled.get(0).get("key").asText()).isEqualTo("...1111");
      assertThat(disabled.get(0).get("reason").asText()).contains("API_KEY_SOMETHING_NEW", "2 failures in a row");
      assertNoKeyWhole(posts);
    }
  }

  @Test
  void aKeyWithoutQuotaForOneModelIsReportedAsDisabledForThatModel() throws Exception {
    try (FakeWebhook webhook = FakeWebhook.start(); GatewayHarness h = start(webhook, Map.of())) {
      h.fake.on(r -> r.key().equals(KEY_C), Replies.googleError(429, "RESOURCE_EXHAUSTED",
          "Quota exceeded for metric: generate_content_free_tier_requests, limit: 0, model: gemini-2.5-flash"));
      for (int i = 0; i < 3; i++) {
        assertThat(generate(h).statusCode()).isEqualTo(200);
      }

      List<FakeWebhook.Post> posts = webhook.await(1, WAIT);
      List<JsonNode> disabled = alerts(posts, "key_disabled");
      assertThat(disabled).hasSize(1);
      assertThat(disabled.get(0).get("key").asText()).isEqualTo("...3333");
      assertThat(disabled.get(0).get("model").asText()).isEqualTo("gemini-2.5-flash");
      assertThat(json(posts.get(0)).get("text").asText()).contains("disabled for gemini-2.5-flash");
      assertThat(h.gateway.pool().snapshot().disabledKeys()).as("the key serves other models").isEmpty();
      assertNoKeyWhole(posts);
    }
  }

  @Test
  void aPostTheWebhookRefusesWith500IsTriedAgain() throws Exception {
    try (FakeWebhook webhook = FakeWebhook.start().answer(500);
        GatewayHarness h = start(webhook, Map.of())) {
      h.fake.on(r -> r.key().equals(KEY_A), Replies.invalidKey());
      assertThat(generate(h).statusCode()).isEqualTo(200);

      List<FakeWebhook.Post> posts = webhook.await(2, WAIT);
      assertThat(posts).hasSize(2);
      assertThat(posts.get(1).body()).isEqualTo(posts.get(0).body());
      assertThat(alerts(posts.subList(1, 2), "key_disabled")).extracting(n -> n.get("key").asText())
          .containsExactly("...1111");
    }
  }

  @Test
  void aHangingWebhookCostsTheRequestsNothingAndIsGivenUpAfterItsTries() throws Exception {
    try (FakeWebhook webhook = FakeWebhook.start().answer(FakeWebhook.HANG, FakeWebhook.HANG, FakeWebhook.HANG);
        LogCapture log = new LogCapture();
        GatewayHarness h = start(webhook, Map.of("ALERT_TIMEOUT_SECONDS", "1", "ALERT_INTERVAL_SECONDS", "1"))) {
      h.fake.on(r -> r.key().equals(KEY_A), Replies.invalidKey());
      assertThat(generate(h).statusCode()).isEqualTo(200);

      List<FakeWebhook.Post> tries = webhook.await(Alerts.TRIES, WAIT);
      assertThat(tries).hasSize(Alerts.TRIES);
      // While the webhook hangs, requests are served as usual.
      for (int i = 0; i < 5; i++) {
        assertThat(generate(h).statusCode()).isEqualTo(200);
      }
      // Given up: the alert is in the log (masked key, the webhook named by its host only).
      waitFor(() -> log.logLines().stream().anyMatch(l -> l.contains("failed after 3 tries")));
      assertThat(log.logLines()).anyMatch(l -> l.contains("webhook at 127.0.0.1 failed after 3 tries")
          && l.contains("Key ...1111 (gemini pool) disabled"));
      assertThat(log.text()).doesNotContain(HOOK_TOKEN, KEY_A);

      // The next alert goes out as soon as the webhook answers again.
      h.fake.on(r -> r.key().equals(KEY_B), Replies.invalidKey());
      assertThat(generate(h).statusCode()).isEqualTo(200);
      List<FakeWebhook.Post> posts = webhook.await(Alerts.TRIES + 1, WAIT);
      assertThat(alerts(posts.subList(Alerts.TRIES, posts.size()), "key_disabled"))
          .extracting(n -> n.get("key").asText()).containsExactly("...2222");
    }
  }

  @Test
  void aModelsCapacityFallingBelowThePercentIsReportedOncePerDay() throws Exception {
    try (FakeWebhook webhook = FakeWebhook.start();
        GatewayHarness h = start(webhook, Map.of("DEFAULT_RPD", "4", "ALERT_CAPACITY_PERCENT", "25",
            "ALERT_INTERVAL_SECONDS", "1"))) {
      // 3 keys x 4 = 12 a day; below 25 % means fewer than 3 left.
      for (int i = 0; i < 9; i++) {
        assertThat(generate(h).statusCode()).isEqualTo(200);
      }
      h.gateway.alerts().checkNow().await(10, TimeUnit.SECONDS);
      Thread.sleep(Alerts.GATHER_MILLIS + 1_000);
      assertThat(webhook.posts()).as("3 of 12 left: not below 25 %").isEmpty();

      assertThat(generate(h).statusCode()).isEqualTo(200);
      h.gateway.alerts().checkNow().await(10, TimeUnit.SECONDS);
      List<FakeWebhook.Post> posts = webhook.await(1, WAIT);
      List<JsonNode> low = alerts(posts, "capacity_low");
      assertThat(low).hasSize(1);
      JsonNode alert = low.get(0);
      assertThat(alert.get("pool").asText()).isEqualTo("gemini");
      assertThat(alert.get("model").asText()).isEqualTo("gemini-2.5-flash");
      assertThat(alert.get("remainingToday").asLong()).isEqualTo(2);
      assertThat(alert.get("capacityToday").asLong()).isEqualTo(12);
      assertThat(alert.get("thresholdPercent").asInt()).isEqualTo(25);
      assertThat(alert.get("percentLeft").asDouble()).isEqualTo(16.7);

      // Further down the same day: no second alert.
      assertThat(generate(h).statusCode()).isEqualTo(200);
      h.gateway.alerts().checkNow().await(10, TimeUnit.SECONDS);
      Thread.sleep(Alerts.GATHER_MILLIS + 1_000);
      assertThat(webhook.posts()).hasSize(1);
    }
  }

  @Test
  void theUrlIsALiveSettingCheckedWithoutBeingShown() throws Exception {
    try (FakeWebhook webhook = FakeWebhook.start();
        GatewayHarness h = GatewayHarness.start(Map.of())) {
      h.fake.on(r -> r.key().equals(KEY_A), Replies.invalidKey());
      assertThat(generate(h).statusCode()).isEqualTo(200);

      HttpResponse<String> bad = h.putConfig("{\"ALERT_WEBHOOK_URL\":\"ftp://hooks.example/" + HOOK_TOKEN + "\"}");
      assertThat(bad.statusCode()).isEqualTo(400);
      assertThat(bad.body()).contains("ALERT_WEBHOOK_URL").doesNotContain(HOOK_TOKEN);
      HttpResponse<String> outOfRange = h.putConfig("{\"ALERT_CAPACITY_PERCENT\":101}");
      assertThat(outOfRange.statusCode()).isEqualTo(400);
      assertThat(outOfRange.body()).contains("ALERT_CAPACITY_PERCENT");

      assertThat(h.putConfig("{\"ALERT_WEBHOOK_URL\":\"" + webhook.url("/hook?token=" + HOOK_TOKEN) + "\"}")
          .statusCode()).isEqualTo(200);
      HttpResponse<String> shown = h.get("/api/config", "authorization", "Bearer " + GatewayHarness.ADMIN_TOKEN);
      assertThat(shown.body()).contains("ALERT_WEBHOOK_URL").doesNotContain(HOOK_TOKEN);

      // Key A was disabled before alerts were on: only what happens from now on is sent.
      h.fake.on(r -> r.key().equals(KEY_B), Replies.invalidKey());
      assertThat(generate(h).statusCode()).isEqualTo(200);
      List<FakeWebhook.Post> posts = webhook.await(1, WAIT);
      assertThat(alerts(posts, "key_disabled")).extracting(n -> n.get("key").asText()).containsExactly("...2222");
    }
  }

  private static void waitFor(java.util.function.BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
  }
}
