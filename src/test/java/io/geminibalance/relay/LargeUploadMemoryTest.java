package io.geminibalance.relay;

import static org.assertj.core.api.Assertions.assertThat;

import io.geminibalance.testing.FakeUploads;
import io.geminibalance.testing.GatewayHarness;
import io.geminibalance.testing.GeneratedBytes;
import io.vertx.core.json.JsonObject;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A 200 MiB upload is streamed through, not held: while Google (the fake) stops reading part way,
 * back-pressure reaches the client, and what the whole JVM (gateway, fake and client together)
 * retains stays far below the upload's size; then the upload completes intact.
 */
class LargeUploadMemoryTest {
  private static final long SIZE = 200L * 1024 * 1024;
  private static final long PAUSE_AT = 16L * 1024 * 1024;
  /** Retained heap allowed while paused: socket and write queues, not the body. */
  private static final long RETAINED_MAX = 64L * 1024 * 1024;

  @RegisterExtension
  static final GatewayHarness h = GatewayHarness.start(Map.of("MAX_UPLOAD_MB", "1024"));


  @Test
  void aLargeUploadIsStreamedInBoundedMemory() throws Exception {
    streamsInBoundedMemory(h);
  }

  /** The same with the gateway's HTTP/2 upstream client (Google's API speaks HTTP/2): flow control holds it. */
  @Test
  void aLargeUploadIsStreamedInBoundedMemoryOverHttp2() throws Exception {
    try (GatewayHarness h2 = GatewayHarness.start(Map.of("MAX_UPLOAD_MB", "1024", "UPSTREAM_H2C", "true"))) {
      streamsInBoundedMemory(h2);
    }
  }

  static void streamsInBoundedMemory(GatewayHarness h) throws Exception {
    FakeUploads uploads = FakeUploads.on(h.fake);
    String token = GatewayHarness.CLIENT_TOKEN;
    HttpResponse<String> started = h.post("/upload/v1beta/files", "{\"file\":{\"displayName\":\"big\"}}",
        "x-goog-api-key", token, "x-goog-upload-protocol", "resumable", "x-goog-upload-command", "start",
        "x-goog-upload-header-content-length", Long.toString(SIZE), "x-goog-upload-header-content-type",
        "application/octet-stream");
    String url = started.headers().firstValue("x-goog-upload-url").orElseThrow();
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    long baseline = retainedHeap(memory);
    CompletableFuture<Long> paused = uploads.pauseReadingAfter(PAUSE_AT);
    GeneratedBytes body = new GeneratedBytes(SIZE);
    HttpRequest request = h.request(url.substring(url.indexOf("/upload/")), "x-goog-api-key", token,
        "x-goog-upload-command", "upload, finalize", "x-goog-upload-offset", "0")
        .timeout(java.time.Duration.ofMinutes(5))
        .POST(HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofInputStream(() -> body), SIZE))
        .build();
    CompletableFuture<HttpResponse<String>> answer = h.http.sendAsync(request, HttpResponse.BodyHandlers.ofString());

    long receivedWhenPaused = paused.get(60, TimeUnit.SECONDS);
    // Give the client time to push whatever the gateway would take while Google reads nothing.
    Thread.sleep(1500);
    long retained = retainedHeap(memory) - baseline;
    long sentWhilePaused = body.position() - receivedWhenPaused;
    uploads.resumeReading();
    HttpResponse<String> done = answer.get(5, TimeUnit.MINUTES);
    System.out.printf("paused at %d MiB; retained %d MiB, client sent %d MiB more while paused%n",
        receivedWhenPaused >> 20, retained >> 20, sentWhilePaused >> 20);

    assertThat(retained).as("heap retained while Google was not reading").isLessThan(RETAINED_MAX);
    assertThat(sentWhilePaused).as("bytes the client got rid of while Google was not reading")
        .isLessThan(SIZE - PAUSE_AT);
    assertThat(done.statusCode()).as(done.body()).isEqualTo(200);
    JsonObject file = new JsonObject(done.body()).getJsonObject("file");
    assertThat(file.getString("sizeBytes")).isEqualTo(Long.toString(SIZE));
    assertThat(file.getString("sha256Hash")).isEqualTo(GeneratedBytes.sha256(SIZE));
  }

  /** The heap still in use after a few collections: what is retained, not garbage. */
  static long retainedHeap(MemoryMXBean memory) {
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    return memory.getHeapMemoryUsage().getUsed();
  }
}
