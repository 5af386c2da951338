package io.geminibalance.relay;

import static org.assertj.core.api.Assertions.assertThat;

import io.geminibalance.testing.GatewayHarness;
import io.geminibalance.testing.Replies;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Review (i17): a cache whose TTL the client extended with PATCH keeps the expiry of its creation
 * in the records, so the gateway calls it expired (and the clean-up deletes it at Google).
 */
class CacheTtlUpdateReviewTest {
  private static GatewayHarness gw;

  @BeforeAll
  static void start() {
    gw = GatewayHarness.start(Map.of());
  }

  @AfterAll
  static void stop() {
    gw.close();
  }

  private static HttpResponse<String> call(String method, String path, String body) {
    HttpRequest.Builder builder = gw.request(path, "x-goog-api-key", GatewayHarness.CLIENT_TOKEN,
        "content-type", "application/json");
    return gw.send(builder.method(method, HttpRequest.BodyPublishers.ofString(body)).build());
  }

  @Test
  void anExtendedCacheIsNotExpiredAtItsFirstExpiry() throws InterruptedException {
    Instant soon = Instant.now().plusMillis(1_500);
    gw.fake.on(r -> r.method().name().equals("POST") && r.path().endsWith("/cachedContents"),
        Replies.json(200, "{\"name\":\"cachedContents/ttl1\",\"expireTime\":\"" + soon + "\"}"));
    gw.fake.on(r -> r.method().name().equals("PATCH"),
        Replies.json(200, "{\"name\":\"cachedContents/ttl1\",\"expireTime\":\"2099-01-01T00:00:00Z\"}"));
    assertThat(call("POST", "/v1beta/cachedContents", "{\"model\":\"models/gemini-2.5-flash\"}").statusCode())
        .isEqualTo(200);
    assertThat(call("PATCH", "/v1beta/cachedContents/ttl1?updateMask=ttl", "{\"ttl\":\"86400s\"}").statusCode())
        .isEqualTo(200);
    for (int i = 0; i < 100 && Instant.now().isBefore(soon.plusMillis(100)); i++) {
      Thread.sleep(50);
    }
    HttpResponse<String> use = call("POST", "/v1beta/models/gemini-2.5-flash:generateContent",
        "{\"cachedContent\":\"cachedContents/ttl1\",\"contents\":[{\"parts\":[{\"text\":\"q\"}]}]}");
    assertThat(use.body()).doesNotContain("has expired");
    assertThat(use.statusCode()).isEqualTo(200);
  }
}
