package io.geminibalance.relay;

import static io.geminibalance.testing.GatewayHarness.CLIENT_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.geminibalance.testing.GatewayHarness;
import io.geminibalance.testing.ImageHost;
import io.geminibalance.testing.Replies;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Image URLs in OpenAI messages are downloaded within caps per request (count, bytes) and per
 * gateway (downloads and bytes at once): before, every distinct URL was fetched at once, each up
 * to 20 MiB, and 12 URLs of 18 MiB grew the process by 1.3 GB.
 */
class ImageDownloadLimitsTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MIB = 1024 * 1024;

  GatewayHarness h;
  ImageHost images;

  @AfterEach
  void stop() {
    if (h != null) {
      h.close();
    }
    if (images != null) {
      images.close();
    }
  }

  private void start(Map<String, String> settings) {
    Map<String, String> env = new HashMap<>(settings);
    env.put("IMAGE_FETCH_ALLOW_PRIVATE", "true");
    h = GatewayHarness.start(env);
    images = ImageHost.start();
  }

  private CompletableFuture<HttpResponse<String>> chat(String... paths) {
    String parts = Arrays.stream(paths)
        .map(p -> "{\"type\":\"image_url\",\"image_url\":{\"url\":\"" + images.url(p) + "\"}}")
        .collect(Collectors.joining(","));
    String body = "{\"model\":\"gemini-2.5-flash\",\"messages\":[{\"role\":\"user\",\"content\":["
        + "{\"type\":\"text\",\"text\":\"what is this?\"}," + parts + "]}]}";
    return h.http.sendAsync(h.request("/v1/chat/completions", "authorization", "Bearer " + CLIENT_TOKEN,
        "content-type", "application/json").POST(java.net.http.HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> await(CompletableFuture<HttpResponse<String>> response) throws Exception {
    return response.get(60, TimeUnit.SECONDS);
  }

  private static JsonNode error(HttpResponse<String> response) throws Exception {
    return JSON.readTree(response.body()).path("error");
  }

  private static byte[] bytes(int size) {
    byte[] bytes = new byte[size];
    System.arraycopy(ImageHost.PNG, 0, bytes, 0, ImageHost.PNG.length); // sniffs as a PNG
    return bytes;
  }

  @Test
  void aNormalImageStillGoesUpstreamInlineWithOrWithoutContentLength() throws Exception {
    start(Map.of());
    byte[] big = bytes(3 * MIB + 5);
    images.serve("/a.png", ImageHost.PNG, "image/png", false, 0)
        .serve("/chunked", big, null, true, 0);

    HttpResponse<String> r = await(chat("/a.png", "/chunked"));

    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    JsonNode parts = JSON.readTree(h.fake.requests(":generateContent").get(0).bodyText()).at("/contents/0/parts");
    assertThat(parts.get(1).at("/inlineData/mimeType").asText()).isEqualTo("image/png");
    assertThat(Base64.getDecoder().decode(parts.get(1).at("/inlineData/data").asText())).isEqualTo(ImageHost.PNG);
    assertThat(parts.get(2).at("/inlineData/mimeType").asText()).as("sniffed").isEqualTo("image/png");
    assertThat(Base64.getDecoder().decode(parts.get(2).at("/inlineData/data").asText())).isEqualTo(big);
  }

  @Test
  void moreUrlsThanMaxImageDownloadsIs400AndNothingIsFetched() throws Exception {
    start(Map.of("MAX_IMAGE_DOWNLOADS", "2"));
    images.serve("/1", ImageHost.PNG, "image/png", false, 0).serve("/2", ImageHost.PNG, "image/png", false, 0)
        .serve("/3", ImageHost.PNG, "image/png", false, 0);

    HttpResponse<String> r = await(chat("/1", "/2", "/3", "/1"));

    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(error(r).path("message").asText()).contains("MAX_IMAGE_DOWNLOADS").contains("3");
    assertThat(error(r).path("param").asText()).isEqualTo("messages");
    assertThat(error(r).path("type").asText()).isEqualTo("invalid_request_error");
    assertThat(images.totalHits()).isZero();
    assertThat(h.fake.requests()).isEmpty();
    assertThat(await(chat("/1", "/2", "/1")).statusCode()).as("a repeated URL is one download").isEqualTo(200);
  }

  @Test
  void anImageDeclaredLargerThanMaxImageDownloadMbIs400() throws Exception {
    start(Map.of("MAX_IMAGE_DOWNLOAD_MB", "1"));
    images.serve("/big", bytes(2 * MIB), "image/png", false, 0);

    HttpResponse<String> r = await(chat("/big"));

    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(error(r).path("message").asText()).contains("MAX_IMAGE_DOWNLOAD_MB");
    assertThat(error(r).path("param").asText()).isEqualTo("messages");
    assertThat(h.fake.requests()).isEmpty();
  }

  @Test
  void aChunkedImageIsStoppedWhenItPassesMaxImageDownloadMb() throws Exception {
    start(Map.of("MAX_IMAGE_DOWNLOAD_MB", "1"));
    images.serve("/stream", bytes(8 * MIB), "image/png", true, 0);

    HttpResponse<String> r = await(chat("/stream"));

    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(error(r).path("message").asText()).contains("MAX_IMAGE_DOWNLOAD_MB");
    assertThat(h.fake.requests()).isEmpty();
  }

  @Test
  void theCapIsForAllImagesOfARequestTogether() throws Exception {
    start(Map.of("MAX_IMAGE_DOWNLOAD_MB", "1"));
    images.serve("/a", bytes(600 * 1024), "image/png", false, 0)
        .serve("/b", bytes(600 * 1024), "image/png", true, 0);

    HttpResponse<String> r = await(chat("/a", "/b"));

    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(error(r).path("message").asText()).contains("MAX_IMAGE_DOWNLOAD_MB");
    assertThat(await(chat("/a")).statusCode()).isEqualTo(200);
  }

  /**
   * Holds every download at the image host until {@code expected} are in progress, gives a
   * further one time to arrive (it would if a cap were missing), then lets them all finish.
   */
  private void assertAtMostInProgress(int expected, List<CompletableFuture<HttpResponse<String>>> requests)
      throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (images.inProgress() < expected && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    Thread.sleep(500);
    assertThat(images.inProgress()).isEqualTo(expected);
    images.open();
    for (CompletableFuture<HttpResponse<String>> request : requests) {
      assertThat(await(request).statusCode()).isEqualTo(200);
    }
    assertThat(images.maxInProgress()).isEqualTo(expected);
  }

  @Test
  void downloadsAtOnceNeverExceedTheGatewayCapAcrossParallelRequests() throws Exception {
    start(Map.of("GATEWAY_IMAGE_DOWNLOADS", "3"));
    for (int i = 0; i < 16; i++) {
      images.serve("/img" + i, ImageHost.PNG, "image/png", false, 0);
    }
    images.hold();

    List<CompletableFuture<HttpResponse<String>>> requests = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      requests.add(chat("/img" + (2 * i), "/img" + (2 * i + 1)));
    }
    assertAtMostInProgress(3, requests);

    assertThat(images.totalHits()).isEqualTo(16);
    assertThat(h.fake.requests(":generateContent")).hasSize(8);
  }

  @Test
  void oneRequestDownloadsAFewAtATime() throws Exception {
    start(Map.of());
    String[] paths = IntStream.range(0, 10).mapToObj(i -> "/p" + i).toArray(String[]::new);
    for (String path : paths) {
      images.serve(path, ImageHost.PNG, "image/png", false, 0);
    }
    images.hold();

    assertAtMostInProgress(ImageLimits.PER_REQUEST_CONCURRENCY, List.of(chat(paths)));

    assertThat(images.totalHits()).isEqualTo(10);
  }

  @Test
  void whenTheGatewayHoldsAllItMayAnotherRequestGets503WithRetryAfterUntilGoogleHasTheFirst() throws Exception {
    start(Map.of("MAX_IMAGE_DOWNLOAD_MB", "1", "GATEWAY_IMAGE_DOWNLOAD_MB", "1"));
    images.serve("/first", bytes(700 * 1024), "image/png", false, 0)
        .serve("/second", bytes(500 * 1024), "image/png", false, 0);
    h.fake.on(r -> r.pathEndsWith(":generateContent"), Replies.delayed(3000, Replies.json(200, Replies.TEXT_RESPONSE)), 1);

    CompletableFuture<HttpResponse<String>> first = chat("/first");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (h.fake.requests(":generateContent").isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(20); // until the first request's body is with Google
    }
    HttpResponse<String> second = await(chat("/second"));

    assertThat(second.statusCode()).isEqualTo(503);
    assertThat(second.headers().firstValue("retry-after")).hasValue("5");
    assertThat(error(second).path("message").asText()).contains("GATEWAY_IMAGE_DOWNLOAD_MB");
    assertThat(await(first).statusCode()).isEqualTo(200);
    assertThat(await(chat("/second")).statusCode()).as("released once Google answered").isEqualTo(200);
  }

  @Test
  void aGatewayBudgetBelowTheRequestCapIsRefusedAtStart() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> GatewayHarness.start(
            Map.of("MAX_IMAGE_DOWNLOAD_MB", "32", "GATEWAY_IMAGE_DOWNLOAD_MB", "16")))
        .hasMessageContaining("GATEWAY_IMAGE_DOWNLOAD_MB");
  }
}
