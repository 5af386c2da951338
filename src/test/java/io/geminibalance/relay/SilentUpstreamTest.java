package io.geminibalance.relay;

import static io.geminibalance.testing.GatewayHarness.CLIENT_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

import io.geminibalance.testing.GatewayHarness;
import io.geminibalance.testing.Replies;
import io.vertx.core.Vertx;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * An upstream silent for 30 s, as a thinking model behind a proxy that cuts idle connections sees
 * it: with fake streaming the client gets heartbeats all along, then the whole answer; with a real
 * stream the keepalive comments do the same between Google's events. Both gateways are asked at
 * once, so the class waits about 30 s in all; TIME_OUT is 90 s so that only the silence is tested.
 */
class SilentUpstreamTest {
  static final long SILENCE_MILLIS = 30_000;
  static final String KEEPALIVE = ": keepalive\n\n";
  static final String CHAT = "{\"model\":\"gemini-2.5-flash\",\"stream\":true,"
      + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
  static final String ANSWER = "{\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"Pondering.\",\"thought\":true},"
      + "{\"text\":\"Done thinking.\"}],\"role\":\"model\"},\"finishReason\":\"STOP\",\"index\":0}],"
      + "\"usageMetadata\":{\"promptTokenCount\":3,\"candidatesTokenCount\":3,\"totalTokenCount\":6}}";

  static GatewayHarness fake;
  static GatewayHarness real;

  @BeforeAll
  static void start() {
    fake = GatewayHarness.start(Map.of("FAKE_STREAM_ENABLED", "true", "TIME_OUT", "90"));
    real = GatewayHarness.start(Map.of("STREAM_KEEPALIVE_SECONDS", "5", "TIME_OUT", "90"));
  }

  @AfterAll
  static void stop() {
    fake.close();
    real.close();
  }

  static CompletableFuture<HttpResponse<String>> post(GatewayHarness h, String path, String body, String... headers) {
    HttpRequest request = h.request(path, headers).timeout(Duration.ofSeconds(120))
        .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    return h.http.sendAsync(request, HttpResponse.BodyHandlers.ofString());
  }

  static int count(String text, String part) {
    return text.split(java.util.regex.Pattern.quote(part), -1).length - 1;
  }

  @Test
  void heartbeatsAndKeepalivesCarryThirtySilentSecondsToTheWholeAnswer() throws Exception {
    fake.fake.on(r -> r.pathEndsWith(":generateContent"),
        Replies.delayed(SILENCE_MILLIS, Replies.json(200, ANSWER)));
    real.fake.on(r -> r.pathEndsWith(":streamGenerateContent"), (r, res, raw) -> {
      res.setStatusCode(200).putHeader("content-type", "text/event-stream").setChunked(true);
      res.write("data: " + Replies.chunk("Hello") + "\r\n\r\n");
      Vertx.currentContext().owner().setTimer(SILENCE_MILLIS, t -> {
        if (!res.closed()) {
          res.end("data: " + Replies.finalChunk(" after thirty seconds") + "\r\n\r\n");
        }
      });
    });
    CompletableFuture<HttpResponse<String>> fakeOpenAi = post(fake, "/v1/chat/completions", CHAT,
        "authorization", "Bearer " + CLIENT_TOKEN);
    CompletableFuture<HttpResponse<String>> fakeNative = post(fake,
        "/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse", "{}", "x-goog-api-key", CLIENT_TOKEN);
    CompletableFuture<HttpResponse<String>> realNative = post(real,
        "/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse", "{}", "x-goog-api-key", CLIENT_TOKEN);
    CompletableFuture<HttpResponse<String>> realOpenAi = post(real, "/v1/chat/completions", CHAT,
        "authorization", "Bearer " + CLIENT_TOKEN);

    // 30 s at one heartbeat per 5 s (FAKE_STREAM_EMPTY_DATA_INTERVAL_SECONDS, STREAM_KEEPALIVE_SECONDS).
    HttpResponse<String> openAi = fakeOpenAi.get(100, TimeUnit.SECONDS);
    assertThat(openAi.statusCode()).isEqualTo(200);
    assertThat(count(openAi.body(), KEEPALIVE)).isGreaterThanOrEqualTo(4);
    assertThat(openAi.body().replace(KEEPALIVE, "")).contains("\"reasoning_content\":\"Pondering.\"")
        .contains("\"content\":\"Done thinking.\"").contains("\"finish_reason\":\"stop\"")
        .endsWith("data: [DONE]\n\n");

    HttpResponse<String> gemini = fakeNative.get(100, TimeUnit.SECONDS);
    assertThat(gemini.statusCode()).isEqualTo(200);
    assertThat(count(gemini.body(), KEEPALIVE)).isGreaterThanOrEqualTo(4);
    assertThat(gemini.body().replace(KEEPALIVE, "")).contains("Pondering.").contains("Done thinking.")
        .contains("\"finishReason\":\"STOP\"");

    HttpResponse<String> stream = realNative.get(100, TimeUnit.SECONDS);
    assertThat(stream.statusCode()).isEqualTo(200);
    assertThat(count(stream.body(), KEEPALIVE)).isGreaterThanOrEqualTo(4);
    assertThat(stream.body().replace(KEEPALIVE, "")).isEqualTo("data: " + Replies.chunk("Hello") + "\r\n\r\n"
        + "data: " + Replies.finalChunk(" after thirty seconds") + "\r\n\r\n");

    HttpResponse<String> translated = realOpenAi.get(100, TimeUnit.SECONDS);
    assertThat(count(translated.body(), KEEPALIVE)).isGreaterThanOrEqualTo(4);
    assertThat(translated.body()).contains("\"content\":\"Hello\"").contains("\"content\":\" after thirty seconds\"")
        .endsWith("data: [DONE]\n\n");
  }
}
