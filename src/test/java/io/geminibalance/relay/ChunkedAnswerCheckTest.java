package io.geminibalance.relay;

import static io.geminibalance.testing.GatewayHarness.CLIENT_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.geminibalance.testing.GatewayHarness;
import io.geminibalance.testing.Recorded;
import io.geminibalance.testing.Replies;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * EMPTY_RESPONSE_RETRY on answers sent chunked (no Content-Length): the gateway reads only up to
 * its bound to look for an empty answer. A larger answer (an inline image) reaches the client
 * intact on the native and OpenAI surfaces, and on the native surface it streams with
 * back-pressure instead of being held whole; a chunked empty answer is still retried; a chunked
 * answer that goes silent for TIME_OUT ends as a stalled body does.
 */
class ChunkedAnswerCheckTest {
  static final String GENERATE = "/v1beta/models/gemini-2.5-flash:generateContent";
  static final String BEFORE = "{\"candidates\":[{\"content\":{\"role\":\"model\",\"parts\":[{\"text\":\"Here it is\"},"
      + "{\"inlineData\":{\"mimeType\":\"image/png\",\"data\":\"";
  static final String AFTER = "\"}}]},\"finishReason\":\"STOP\",\"index\":0}],\"usageMetadata\":"
      + "{\"promptTokenCount\":3,\"candidatesTokenCount\":5,\"totalTokenCount\":8},\"modelVersion\":\"m\"}";
  static final long IMAGE_BYTES = 6L * 1024 * 1024;

  @RegisterExtension
  static final GatewayHarness h = GatewayHarness.start(Map.of("MAX_RETRIES", "3", "TIME_OUT", "2",
      "EMPTY_RESPONSE_RETRY", "true"));

  static void answerChunked(long fillerBytes, AtomicLong written, long stallAfter) {
    h.fake.on(r -> r.pathEndsWith(":generateContent"),
        Replies.chunkedJson(BEFORE, fillerBytes, AFTER, written, stallAfter), 1);
  }

  @Test
  void aLargeChunkedAnswerReachesANativeClientIntact() {
    AtomicLong written = new AtomicLong();
    answerChunked(IMAGE_BYTES, written, -1);
    HttpResponse<String> r = h.post(GENERATE, "{}", "x-goog-api-key", CLIENT_TOKEN);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).isEqualTo(BEFORE + "A".repeat((int) IMAGE_BYTES) + AFTER);
    assertThat(h.fake.requests(":generateContent")).hasSize(1);
  }

  @Test
  void aLargeChunkedAnswerReachesAnOpenAiClientIntact() {
    AtomicLong written = new AtomicLong();
    answerChunked(IMAGE_BYTES, written, -1);
    HttpResponse<String> r = h.post("/v1/chat/completions", "{\"model\":\"gemini-2.5-flash\",\"messages\":"
        + "[{\"role\":\"user\",\"content\":\"draw\"}]}", "authorization", "Bearer " + CLIENT_TOKEN);
    assertThat(r.statusCode()).as(r.body().length() > 500 ? r.body().substring(0, 500) : r.body()).isEqualTo(200);
    JsonObject completion = new JsonObject(r.body());
    String content = completion.getJsonArray("choices").getJsonObject(0).getJsonObject("message")
        .getString("content");
    assertThat(content).startsWith("Here it is").contains("data:image/png;base64,")
        .contains("A".repeat((int) IMAGE_BYTES));
    assertThat(completion.getJsonObject("usage").getInteger("total_tokens")).isEqualTo(8);
    assertThat(h.fake.requests(":generateContent")).hasSize(1);
  }

  /**
   * While the client reads nothing, the fake can write only what the sockets and the gateway's
   * write queue take: far less than the answer, and the heap the JVM retains stays far below it.
   * Then the client reads on and gets every byte.
   */
  @Test
  void aLargeChunkedAnswerIsStreamedInBoundedMemory() throws Exception {
    streamsInBoundedMemory(h);
  }

  /** The same with the gateway's HTTP/2 upstream client: the pause at the bound holds there too. */
  @Test
  void aLargeChunkedAnswerIsStreamedInBoundedMemoryOverHttp2() throws Exception {
    try (GatewayHarness h2 = GatewayHarness.start(Map.of("UPSTREAM_H2C", "true", "EMPTY_RESPONSE_RETRY", "true"))) {
      streamsInBoundedMemory(h2);
    }
  }

  static void streamsInBoundedMemory(GatewayHarness h) throws Exception {
    long size = 96L * 1024 * 1024;
    long retainedMax = 32L * 1024 * 1024;
    AtomicLong written = new AtomicLong();
    h.fake.on(r -> r.pathEndsWith(":generateContent"), Replies.chunkedJson(BEFORE, size, AFTER, written, -1), 1);
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    long baseline = LargeUploadMemoryTest.retainedHeap(memory);
    HttpRequest request = h.request(GENERATE, "x-goog-api-key", CLIENT_TOKEN).timeout(Duration.ofMinutes(2))
        .POST(HttpRequest.BodyPublishers.ofString("{}")).build();
    HttpResponse<InputStream> r = h.http.send(request, HttpResponse.BodyHandlers.ofInputStream());
    assertThat(r.statusCode()).isEqualTo(200);
    try (InputStream in = r.body()) {
      byte[] first = in.readNBytes(BEFORE.length());
      assertThat(new String(first, java.nio.charset.StandardCharsets.UTF_8)).isEqualTo(BEFORE);
      // Let the fake push whatever the gateway would take while the client reads nothing (bounded wait).
      long seen = -1;
      for (int i = 0; i < 20 && written.get() != seen; i++) {
        seen = written.get();
        Thread.sleep(300);
      }
      long retained = LargeUploadMemoryTest.retainedHeap(memory) - baseline;
      long writtenWhilePaused = written.get();
      System.out.printf("client paused: fake wrote %d MiB of %d, retained %d MiB%n", writtenWhilePaused >> 20,
          size >> 20, retained >> 20);
      assertThat(writtenWhilePaused).as("bytes the fake got rid of while the client read nothing")
          .isLessThan(size / 2);
      assertThat(retained).as("heap retained while the client read nothing").isLessThan(retainedMax);

      long filler = 0;
      byte[] buffer = new byte[64 * 1024];
      StringBuilder tail = new StringBuilder();
      int n;
      while ((n = in.read(buffer)) > 0) {
        for (int i = 0; i < n; i++) {
          if (filler < size) {
            assertThat(buffer[i]).isEqualTo((byte) 'A');
            filler++;
          } else {
            tail.append((char) buffer[i]);
          }
        }
      }
      assertThat(filler).isEqualTo(size);
      assertThat(tail.toString()).isEqualTo(AFTER);
    }
  }

  @Test
  void aChunkedEmptyAnswerIsStillRetriedOnAnotherKey() {
    String empty = EmptyAnswerRetryTest.NO_PARTS;
    h.fake.on(r -> r.pathEndsWith(":generateContent"), Replies.rawPieces("application/json",
        List.of(empty.substring(0, 40), empty.substring(40)), 5), 1);
    HttpResponse<String> r = h.post(GENERATE, "{}", "x-goog-api-key", CLIENT_TOKEN);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).isEqualTo(Replies.TEXT_RESPONSE);
    List<Recorded> calls = h.fake.requests(":generateContent");
    assertThat(calls).hasSize(2);
    assertThat(calls.get(0).key()).isNotEqualTo(calls.get(1).key());
  }

  @Test
  void aChunkedAnswerSilentForTimeOutWithinTheBoundEndsAs504() {
    AtomicLong written = new AtomicLong();
    answerChunked(IMAGE_BYTES, written, 1024);
    HttpResponse<String> r = h.post(GENERATE, "{}", "x-goog-api-key", CLIENT_TOKEN);
    assertThat(r.statusCode()).isEqualTo(504);
    assertThat(r.body()).contains("stalled");
    assertThat(h.fake.requests(":generateContent")).hasSize(1);
  }

  @Test
  void aChunkedAnswerSilentForTimeOutPastTheBoundBreaksOffAfterWhatWasSent() throws Exception {
    AtomicLong written = new AtomicLong();
    answerChunked(IMAGE_BYTES, written, 1024 * 1024);
    HttpRequest request = h.request(GENERATE, "x-goog-api-key", CLIENT_TOKEN).timeout(Duration.ofSeconds(30))
        .POST(HttpRequest.BodyPublishers.ofString("{}")).build();
    HttpResponse<InputStream> r = h.http.send(request, HttpResponse.BodyHandlers.ofInputStream());
    assertThat(r.statusCode()).isEqualTo(200);
    try (InputStream in = r.body()) {
      byte[] first = in.readNBytes(BEFORE.length() + 1024 * 1024);
      assertThat(new String(first, java.nio.charset.StandardCharsets.UTF_8))
          .isEqualTo(BEFORE + "A".repeat(1024 * 1024));
      assertThatThrownBy(in::readAllBytes).as("the body breaks off: it is not ended as if whole")
          .isInstanceOf(IOException.class);
    }
    Recorded call = h.fake.requests(":generateContent").get(0);
    for (int i = 0; i < 50 && !call.closedByCaller(); i++) {
      Thread.sleep(100);
    }
    assertThat(call.closedByCaller()).as("the upstream request was given up").isTrue();
  }
}
