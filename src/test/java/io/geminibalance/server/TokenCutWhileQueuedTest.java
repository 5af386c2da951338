package io.geminibalance.server;

import static io.geminibalance.testing.GatewayHarness.ADMIN_TOKEN;
import static io.geminibalance.testing.GatewayHarness.CLIENT_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

import io.geminibalance.testing.GatewayHarness;
import io.geminibalance.testing.Replies;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A fake stream (FAKE_STREAM_ENABLED) whose heartbeats have begun while it still waits for a free
 * key (every key used up for the minute, QUEUE_TIMEOUT_SECONDS long) has nothing upstream to reset
 * when its token is revoked: it still ends at once with the surface's cut event, not with a
 * connection torn down, nor with heartbeats until the queue gives up.
 */
class TokenCutWhileQueuedTest {
  @RegisterExtension
  static final GatewayHarness h = GatewayHarness.start(Map.of("FAKE_STREAM_ENABLED", "true",
      "FAKE_STREAM_EMPTY_DATA_INTERVAL_SECONDS", "1", "DEFAULT_RPM", "1", "QUEUE_TIMEOUT_SECONDS", "600"));

  private static boolean keysUsed;

  private static HttpResponse<String> admin(String method, String path, String body) {
    return h.send(h.request(path, "authorization", "Bearer " + ADMIN_TOKEN, "content-type", "application/json")
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
        .build());
  }

  @ParameterizedTest
  @EnumSource(value = TokenCutTest.Stream.class, names = {"NATIVE", "OPENAI"})
  void aFakeStreamWaitingForAKeyEndsWithTheCutEventWhenItsTokenIsRevoked(TokenCutTest.Stream stream)
      throws Exception {
    // Every key's one request of the minute, used once (a request queued by an earlier case waits
    // ahead of these: the later case finds the keys used already).
    for (int i = 0; i < 3 && !keysUsed; i++) {
      h.post("/v1beta/models/gemini-2.5-flash:generateContent", "{\"contents\":[{\"parts\":[{\"text\":\"hi\"}]}]}",
          "x-goog-api-key", CLIENT_TOKEN);
    }
    keysUsed = true;
    h.fake.on(r -> r.path().endsWith(":generateContent"),
        Replies.delayed(60_000, Replies.json(200, "{\"candidates\":[]}")));
    String name = "queued-cut-" + stream.name().toLowerCase();
    HttpResponse<String> created = admin("POST", "/api/tokens", new JsonObject().put("name", name).encode());
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    JsonObject token = new JsonObject(created.body());
    HttpResponse<InputStream> response = h.http.send(h.request(stream.path, stream.header,
        stream.credential(token.getString("value")), "content-type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(stream.body)).build(), HttpResponse.BodyHandlers.ofInputStream());
    assertThat(response.statusCode()).isEqualTo(200);
    try (BufferedReader reader = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
      assertThat(CompletableFuture.supplyAsync(() -> read(reader, 1)).get(20, TimeUnit.SECONDS)).hasSize(1);
      HttpResponse<String> revoked = admin("POST", "/api/tokens/" + token.getString("id") + "/revoke", null);
      assertThat(revoked.statusCode()).as(revoked.body()).isEqualTo(200);
      List<String> rest = CompletableFuture.supplyAsync(() -> read(reader, Integer.MAX_VALUE))
          .get(20, TimeUnit.SECONDS);
      stream.assertCutEvent(rest, "token '" + name + "' has been revoked");
    }
    for (int i = 0; i < 200 && h.gateway.runningRequests().running(token.getString("id")) > 0; i++) {
      Thread.sleep(50);
    }
    assertThat(h.gateway.runningRequests().running(token.getString("id"))).isZero();
  }

  /** Up to {@code count} lines, or to the end; a broken connection shows as a last line. */
  private static List<String> read(BufferedReader reader, int count) {
    List<String> lines = new ArrayList<>();
    try {
      for (String l = reader.readLine(); l != null; l = reader.readLine()) {
        lines.add(l);
        if (lines.size() >= count) {
          return lines;
        }
      }
    } catch (IOException e) {
      lines.add("<" + e + ">");
    }
    return lines;
  }
}
