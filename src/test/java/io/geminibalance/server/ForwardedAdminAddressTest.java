package io.geminibalance.server;

import static io.geminibalance.testing.GatewayHarness.ADMIN_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

import io.geminibalance.testing.GatewayHarness;
import java.net.http.HttpRequest;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The admin throttle and the audit log take the client address from {@link ClientOrigin}: behind
 * a trusted proxy, the forwarded one (so clients behind one proxy are throttled apart); from any
 * other peer, the TCP peer whatever X-Forwarded-For says (so a client cannot dodge the throttle by
 * writing a new address into each request).
 */
class ForwardedAdminAddressTest {
  private static int adminGet(GatewayHarness h, String token, String forwardedFor) {
    return h.get("/api/config", "authorization", "Bearer " + token, "x-forwarded-for", forwardedFor).statusCode();
  }

  @Test
  void behindATrustedProxyEachForwardedClientIsThrottledOnItsOwn() {
    try (GatewayHarness h = GatewayHarness.start(Map.of("ADMIN_AUTH_FAILURES_PER_MINUTE", "2",
        "TRUSTED_PROXIES", "127.0.0.1"))) {
      assertThat(adminGet(h, "wrong-1", "203.0.113.7")).isEqualTo(401);
      assertThat(adminGet(h, "wrong-2", "203.0.113.7")).isEqualTo(401);
      assertThat(adminGet(h, "wrong-3", "203.0.113.7")).isEqualTo(429);
      assertThat(adminGet(h, ADMIN_TOKEN, "198.51.100.20")).as("another client behind the proxy").isEqualTo(200);
      assertThat(adminGet(h, ADMIN_TOKEN, "1.1.1.1, 203.0.113.7")).as("a spoofed left-most entry changes nothing")
          .isEqualTo(429);
    }
  }

  @Test
  void fromAnUntrustedPeerForwardedAddressesAreIgnored() {
    try (GatewayHarness h = GatewayHarness.start(Map.of("ADMIN_AUTH_FAILURES_PER_MINUTE", "2"))) {
      assertThat(adminGet(h, "wrong-1", "203.0.113.1")).isEqualTo(401);
      assertThat(adminGet(h, "wrong-2", "203.0.113.2")).isEqualTo(401);
      assertThat(adminGet(h, "wrong-3", "203.0.113.3")).isEqualTo(429);
    }
  }

  @Test
  void theAuditLogRecordsTheForwardedAddress() {
    try (GatewayHarness h = GatewayHarness.start(Map.of("TRUSTED_PROXIES", "127.0.0.0/8"))) {
      var saved = h.send(h.request("/api/config", "Authorization", "Bearer " + ADMIN_TOKEN,
          "X-Forwarded-For", "203.0.113.9").PUT(HttpRequest.BodyPublishers.ofString("{\"TEST_MODEL\":\"m-1\"}")).build());
      assertThat(saved.statusCode()).as(saved.body()).isEqualTo(200);
      String audit = h.get("/api/audit", "authorization", "Bearer " + ADMIN_TOKEN).body();
      assertThat(audit).contains("\"clientAddress\":\"203.0.113.9\"");
    }
  }
}
