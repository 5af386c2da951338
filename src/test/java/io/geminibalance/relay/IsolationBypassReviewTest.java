package io.geminibalance.relay;

import static org.assertj.core.api.Assertions.assertThat;

import io.geminibalance.testing.GatewayHarness;
import io.geminibalance.testing.Replies;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Review (i17): with FILES_USER_ISOLATION_ENABLED (the default) another client's cache must never
 * reach Google in that client's request. These bodies name it in ways Google reads and the gateway
 * does not, so they go out in rotation (and succeed whenever rotation picks the creating key).
 */
class IsolationBypassReviewTest {
  private static final String OTHER_TOKEN = "tok-client-other-9";
  private static GatewayHarness gw;
  private static int created;

  @BeforeAll
  static void start() {
    gw = GatewayHarness.start(Map.of("ALLOWED_TOKENS",
        "[\"" + GatewayHarness.CLIENT_TOKEN + "\",\"" + OTHER_TOKEN + "\"]"));
  }

  @AfterAll
  static void stop() {
    gw.close();
  }

  @BeforeEach
  void script() {
    gw.fake.reset();
    gw.fake.on(r -> r.method().name().equals("POST") && r.path().endsWith("/cachedContents"),
        (r, resp, raw) -> Replies.json(200, "{\"name\":\"cachedContents/victim" + (++created)
            + "\",\"expireTime\":\"2099-01-01T00:00:00Z\"}").send(r, resp, raw));
  }

  private static HttpResponse<String> call(String path, String body, String token) {
    HttpRequest.Builder builder = gw.request(path, "x-goog-api-key", token, "authorization", "Bearer " + token,
        "content-type", "application/json");
    return gw.send(builder.POST(HttpRequest.BodyPublishers.ofString(body)).build());
  }

  private static String victimCache() {
    String body = call("/v1beta/cachedContents", "{\"model\":\"models/gemini-2.5-flash\"}",
        GatewayHarness.CLIENT_TOKEN).body();
    int at = body.indexOf("cachedContents/");
    return body.substring(at, body.indexOf('"', at));
  }

  private static long upstreamNaming(String cache) {
    return gw.fake.requests().stream().filter(r -> r.bodyText().contains(cache)).count();
  }

  @Test
  void anEscapedFieldNameDoesNotReachGoogle() {
    String cache = victimCache();
    call("/v1beta/models/gemini-2.5-flash:generateContent",
        "{\"cached\\u0043ontent\":\"" + cache + "\",\"contents\":[{\"parts\":[{\"text\":\"q\"}]}]}", OTHER_TOKEN);
    assertThat(upstreamNaming(cache)).as("requests of the other client that reached Google naming " + cache)
        .isZero();
  }

  @Test
  void googlesOpenAiSurfaceDoesNotReachGoogleWithAnotherClientsCache() {
    String cache = victimCache();
    call("/openai/v1/chat/completions", "{\"model\":\"gemini-2.5-flash\",\"messages\":[{\"role\":\"user\","
        + "\"content\":\"q\"}],\"extra_body\":{\"google\":{\"cached_content\":\"" + cache + "\"}}}", OTHER_TOKEN);
    assertThat(upstreamNaming(cache)).as("requests of the other client that reached Google naming " + cache)
        .isZero();
  }
}
