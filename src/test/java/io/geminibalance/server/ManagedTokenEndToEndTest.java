package io.geminibalance.server;

import static io.geminibalance.testing.GatewayHarness.ADMIN_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

import io.geminibalance.testing.GatewayHarness;
import io.geminibalance.testing.ManagedTokens;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A managed token's whole life through the admin API and the data plane: made by POST /api/tokens,
 * used on the native, OpenAI and Anthropic surfaces, limited by a PATCH (429 in each shape), charged
 * for the tokens native answers used, and refused once revoked.
 */
class ManagedTokenEndToEndTest {
  @RegisterExtension
  static final GatewayHarness h = GatewayHarness.start();

  private static HttpResponse<String> admin(String method, String path, String body) {
    return h.send(h.request(path, "authorization", "Bearer " + ADMIN_TOKEN, "content-type", "application/json")
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
        .build());
  }

  private static HttpResponse<String> call(ManagedTokenLimitsTest.Surface surface, String value) {
    return h.post(surface.path, surface.body, surface.header, surface.credential(value), "content-type",
        "application/json");
  }

  private static JsonObject create(String name) {
    HttpResponse<String> created = admin("POST", "/api/tokens", new JsonObject().put("name", name).encode());
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    return new JsonObject(created.body());
  }

  private static void patchLimits(String id, JsonObject limits) {
    HttpResponse<String> patched = admin("PATCH", "/api/tokens/" + id, new JsonObject().put("limits", limits).encode());
    assertThat(patched.statusCode()).as(patched.body()).isEqualTo(200);
  }

  @ParameterizedTest
  @EnumSource(ManagedTokenLimitsTest.Surface.class)
  void aTokenMadeThroughTheApiIsServedLimitedAndRevoked(ManagedTokenLimitsTest.Surface surface) throws Exception {
    ManagedTokens.awayFromMinuteEnd();
    String name = "e2e-" + surface.name().toLowerCase() + "-" + System.nanoTime();
    JsonObject token = create(name);
    String id = token.getString("id");
    String value = token.getString("value");
    assertThat(call(surface, value).statusCode()).isEqualTo(200);

    patchLimits(id, new JsonObject().put("rpm", 2));
    assertThat(call(surface, value).statusCode()).isEqualTo(200);
    assertThat(call(surface, value).statusCode()).isEqualTo(200);
    HttpResponse<String> third = call(surface, value);
    assertThat(third.statusCode()).as(third.body()).isEqualTo(429);
    assertThat(third.headers().firstValue("retry-after")).isPresent();
    assertThat(surface.message(third)).contains("token '" + name + "' is over its limit of 2 requests per minute");

    HttpResponse<String> revoked = admin("POST", "/api/tokens/" + id + "/revoke", null);
    assertThat(revoked.statusCode()).as(revoked.body()).isEqualTo(200);
    HttpResponse<String> refused = call(surface, value);
    assertThat(refused.statusCode()).isEqualTo(401);
    assertThat(surface.message(refused)).contains("revoked").doesNotContain(value);
  }

  @Test
  void nativeAnswersAreChargedToTheTokensPerMinute() throws Exception {
    // Each fake answer reports 3 prompt and 4 output tokens in its usageMetadata: one goes over 5.
    ManagedTokens.awayFromMinuteEnd();
    JsonObject token = create("e2e-tpm-" + System.nanoTime());
    patchLimits(token.getString("id"), new JsonObject().put("tpm", 5));
    String value = token.getString("value");
    assertThat(call(ManagedTokenLimitsTest.Surface.NATIVE, value).statusCode()).isEqualTo(200);
    HttpResponse<String> charged = call(ManagedTokenLimitsTest.Surface.NATIVE, value);
    for (int i = 0; i < 50 && charged.statusCode() == 200; i++) {
      Thread.sleep(50);
      charged = call(ManagedTokenLimitsTest.Surface.NATIVE, value);
    }
    assertThat(charged.statusCode()).as(charged.body()).isEqualTo(429);
    assertThat(ManagedTokenLimitsTest.Surface.NATIVE.message(charged)).contains("over its limit of 5 tokens per minute");
  }
  /** Expiry is checked against the clock on each request, not when the registry was loaded. */
  @Test
  void aTokenExpiringWhileLoadedIsRefusedFromItsExpiryOn() throws Exception {
    Instant expires = Instant.now().plusSeconds(3).truncatedTo(ChronoUnit.SECONDS);
    HttpResponse<String> created = admin("POST", "/api/tokens", new JsonObject().put("name", "e2e-expiry-"
        + System.nanoTime()).put("expires_at", expires.toString()).encode());
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    String value = new JsonObject(created.body()).getString("value");
    assertThat(call(ManagedTokenLimitsTest.Surface.OPENAI, value).statusCode()).isEqualTo(200);
    long wait = expires.toEpochMilli() - System.currentTimeMillis();
    if (wait > 0) {
      Thread.sleep(wait + 20);
    }
    for (ManagedTokenLimitsTest.Surface surface : ManagedTokenLimitsTest.Surface.values()) {
      HttpResponse<String> refused = call(surface, value);
      assertThat(refused.statusCode()).as(surface.name()).isEqualTo(401);
      assertThat(surface.message(refused)).contains("expired at " + expires);
    }
  }
}
