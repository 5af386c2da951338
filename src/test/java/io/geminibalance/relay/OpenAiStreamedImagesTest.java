package io.geminibalance.relay;

import static io.geminibalance.testing.GatewayHarness.CLIENT_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.geminibalance.testing.FakeImageHost;
import io.geminibalance.testing.GatewayHarness;
import io.geminibalance.testing.ImageHost;
import io.geminibalance.testing.Replies;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Streamed {@code -image} chat answers: with an image host their images are uploaded while the
 * stream waits, in order; without one, or when an upload fails, they stay data URLs.
 */
class OpenAiStreamedImagesTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  static final String FIRST = Base64.getEncoder().encodeToString(ImageHost.PNG);
  static final String SECOND = Base64.getEncoder().encodeToString("a second image".getBytes(StandardCharsets.UTF_8));
  static final String CHAT = "{\"model\":\"gemini-2.5-flash-image-preview-image\",\"stream\":true,"
      + "\"messages\":[{\"role\":\"user\",\"content\":\"draw two\"}]}";

  /** Text, an image, text, another image, text: five upstream events, a little apart. */
  static List<String> events() {
    return List.of(Replies.chunk("Before "), image(FIRST), Replies.chunk(" middle "), image(SECOND),
        Replies.finalChunk(" after"));
  }

  private static String image(String base64) {
    return "{\"candidates\":[{\"content\":{\"parts\":[{\"inlineData\":{\"mimeType\":\"image/png\",\"data\":\""
        + base64 + "\"}}],\"role\":\"model\"},\"index\":0}]}";
  }

  static String markdown(String url) {
    return "\n\n![image](" + url + ")\n\n";
  }

  static String dataUrl(String base64) {
    return "data:image/png;base64," + base64;
  }

  static Map<String, String> imgbed(FakeImageHost host) {
    return Map.of("UPLOAD_PROVIDER", "cloudflare_imgbed", "CLOUDFLARE_IMGBED_URL", host.url("/upload"),
        "CLOUDFLARE_IMGBED_AUTH_CODE", "code-1");
  }

  private static HttpResponse<String> stream(GatewayHarness g) {
    g.fake.on(r -> r.path().endsWith(":streamGenerateContent"), Replies.sse(events(), 30));
    return g.post("/v1/chat/completions", CHAT, "authorization", "Bearer " + CLIENT_TOKEN,
        "content-type", "application/json");
  }

  /** The stream's data payloads, in order, ending with [DONE]. */
  private static List<String> payloads(HttpResponse<String> response) {
    List<String> out = new ArrayList<>();
    for (String line : response.body().split("\n")) {
      if (line.startsWith("data: ")) {
        out.add(line.substring("data: ".length()));
      }
    }
    return out;
  }

  /** Every delta's content, joined. */
  private static String content(List<String> payloads) throws Exception {
    StringBuilder text = new StringBuilder();
    for (String payload : payloads.subList(0, payloads.size() - 1)) {
      JsonNode delta = JSON.readTree(payload).path("choices").path(0).path("delta");
      text.append(delta.path("content").asText(""));
    }
    return text.toString();
  }

  @Test
  void imagesAreUploadedAndLinkedInOrderWithTheTextAroundThemIntact() throws Exception {
    try (FakeImageHost host = FakeImageHost.start(); GatewayHarness g = GatewayHarness.start(imgbed(host))) {
      // The first upload is slow: the text and the image after it must wait behind it.
      host.answer(new FakeImageHost.Answer(200, "[{\"src\":\"/file/one.png\"}]".getBytes(StandardCharsets.UTF_8),
          300), FakeImageHost.Answer.json(200, "[{\"src\":\"/file/two.png\"}]"));
      HttpResponse<String> response = stream(g);
      assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
      List<String> payloads = payloads(response);
      assertThat(payloads.get(payloads.size() - 1)).isEqualTo("[DONE]");
      assertThat(content(payloads)).isEqualTo("Before " + markdown(host.url("/file/one.png")) + " middle "
          + markdown(host.url("/file/two.png")) + " after");
      assertThat(response.body()).doesNotContain("base64");
      List<FakeImageHost.Upload> uploads = host.uploads();
      assertThat(uploads).hasSize(2);
      assertThat(uploads.get(0).body()).containsSequence(ImageHost.PNG);
      assertThat(uploads.get(1).bodyText()).contains("a second image");
    }
  }

  @Test
  void anImageTheHostFailsStaysADataUrlInItsPlace() throws Exception {
    try (FakeImageHost host = FakeImageHost.start(); GatewayHarness g = GatewayHarness.start(imgbed(host))) {
      // The first image fails twice (the try and its retry); the second is uploaded.
      host.answer(FakeImageHost.Answer.json(500, "{\"error\":\"down\"}"),
          FakeImageHost.Answer.json(500, "{\"error\":\"down\"}"),
          FakeImageHost.Answer.json(200, "[{\"src\":\"/file/two.png\"}]"));
      HttpResponse<String> response = stream(g);
      assertThat(response.statusCode()).isEqualTo(200);
      List<String> payloads = payloads(response);
      assertThat(payloads.get(payloads.size() - 1)).isEqualTo("[DONE]");
      assertThat(content(payloads)).isEqualTo("Before " + markdown(dataUrl(FIRST)) + " middle "
          + markdown(host.url("/file/two.png")) + " after");
      assertThat(host.uploads()).hasSize(3);
    }
  }

  @Test
  void withoutAHostImagesAreDataUrlsAsBefore() throws Exception {
    try (GatewayHarness g = GatewayHarness.start()) {
      HttpResponse<String> response = stream(g);
      assertThat(response.statusCode()).isEqualTo(200);
      List<String> payloads = payloads(response);
      assertThat(payloads.get(payloads.size() - 1)).isEqualTo("[DONE]");
      assertThat(content(payloads)).isEqualTo("Before " + markdown(dataUrl(FIRST)) + " middle "
          + markdown(dataUrl(SECOND)) + " after");
    }
  }

  @Test
  void aSlowUploadGetsKeepalivesBetweenWholeEventsAndTheOptimizerSlicesTheHostedChunk() throws Exception {
    try (FakeImageHost host = FakeImageHost.start()) {
      Map<String, String> settings = new HashMap<>(imgbed(host));
      settings.putAll(Map.of("STREAM_KEEPALIVE_SECONDS", "1", "STREAM_OPTIMIZER_ENABLED", "true",
          "STREAM_MIN_DELAY", "0.001", "STREAM_MAX_DELAY", "0.002"));
      try (GatewayHarness g = GatewayHarness.start(settings)) {
        // Google's events are 30 ms apart: only the held upload leaves the client without news long
        // enough for a keepalive.
        host.answer(new FakeImageHost.Answer(200, "[{\"src\":\"/file/one.png\"}]".getBytes(StandardCharsets.UTF_8),
            2_500), FakeImageHost.Answer.json(200, "[{\"src\":\"/file/two.png\"}]"));
        HttpResponse<String> response = stream(g);
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains(": keepalive\n\n");
        for (String event : response.body().split("\n\n")) {
          assertThat(event).matches("data: .*|: keepalive");
        }
        List<String> payloads = payloads(response);
        assertThat(payloads.get(payloads.size() - 1)).isEqualTo("[DONE]");
        assertThat(content(payloads)).isEqualTo("Before " + markdown(host.url("/file/one.png")) + " middle "
            + markdown(host.url("/file/two.png")) + " after");
        // Sliced: the hosted image's markdown came in more than one chunk.
        assertThat(payloads).noneMatch(p -> p.contains(host.url("/file/one.png")));
      }
    }
  }

  @Test
  void aClientThatLeavesStopsTheUploadInProgressAndItsRetry() throws Exception {
    try (FakeImageHost host = FakeImageHost.start(); GatewayHarness g = GatewayHarness.start(imgbed(host))) {
      // The first attempt fails slowly: a retry would follow it unless the client's leaving stopped it.
      // Slow enough that the gateway sees the client's close long before the failure, even on a busy machine.
      host.answer(new FakeImageHost.Answer(500, "{}".getBytes(StandardCharsets.UTF_8), 4_000));
      g.fake.on(r -> r.path().endsWith(":streamGenerateContent"), Replies.sse(events(), 30));
      URI uri = URI.create(g.url("/v1/chat/completions"));
      byte[] body = CHAT.getBytes(StandardCharsets.UTF_8);
      try (Socket socket = new Socket("127.0.0.1", uri.getPort())) {
        socket.setSoTimeout(10_000);
        OutputStream out = socket.getOutputStream();
        out.write(("POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + CLIENT_TOKEN
            + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length + "\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII));
        out.write(body);
        out.flush();
        InputStream in = socket.getInputStream();
        StringBuilder seen = new StringBuilder();
        byte[] buffer = new byte[4096];
        long until = System.nanoTime() + 10_000_000_000L;
        while (!seen.toString().contains("Before ") && System.nanoTime() < until) {
          int n = in.read(buffer);
          if (n < 0) {
            break;
          }
          seen.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
        }
        assertThat(seen.toString()).contains("Before ");
        long waited = System.nanoTime() + 5_000_000_000L;
        while (host.uploads().isEmpty() && System.nanoTime() < waited) {
          Thread.sleep(20);
        }
        assertThat(host.uploads()).hasSize(1);
      }
      // The client has gone with the upload running: well past its slow failure, no retry came.
      Thread.sleep(5_000);
      assertThat(host.uploads()).hasSize(1);
    }
  }

  @Test
  void aFakeStreamUploadsItsImagesToo() throws Exception {
    try (FakeImageHost host = FakeImageHost.start()) {
      Map<String, String> settings = new HashMap<>(imgbed(host));
      settings.put("FAKE_STREAM_ENABLED", "true");
      try (GatewayHarness g = GatewayHarness.start(settings)) {
        host.answer(FakeImageHost.Answer.json(200, "[{\"src\":\"/file/one.png\"}]"));
        g.fake.on(r -> r.path().endsWith(":generateContent"), Replies.json(200,
            "{\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"Before \"},{\"inlineData\":{\"mimeType\":"
                + "\"image/png\",\"data\":\"" + FIRST + "\"}},{\"text\":\" after\"}],\"role\":\"model\"},"
                + "\"finishReason\":\"STOP\",\"index\":0}]}"));
        HttpResponse<String> response = g.post("/v1/chat/completions", CHAT, "authorization",
            "Bearer " + CLIENT_TOKEN, "content-type", "application/json");
        assertThat(response.statusCode()).isEqualTo(200);
        List<String> payloads = payloads(response);
        assertThat(payloads.get(payloads.size() - 1)).isEqualTo("[DONE]");
        assertThat(content(payloads)).isEqualTo("Before " + markdown(host.url("/file/one.png")) + " after");
        assertThat(host.uploads()).hasSize(1);
        assertThat(g.fake.requests(":streamGenerateContent")).isEmpty();
      }
    }
  }
}
