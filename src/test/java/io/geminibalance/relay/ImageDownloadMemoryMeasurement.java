package io.geminibalance.relay;

import io.geminibalance.testing.GatewayHarness;
import io.geminibalance.testing.ImageHost;
import io.geminibalance.testing.Replies;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * A measurement, not a check (a {@code main}, not a test): the memory one OpenAI request with 12
 * image URLs of 18 MiB each costs the gateway, as peak heap in use (sampled every millisecond)
 * and peak RSS growth (Linux {@code VmHWM}, reset first through {@code /proc/self/clear_refs}).
 * The upstream is a sink that reads the body and drops it, so only the gateway's copies count.
 * Run on the test class path with a heap large enough for the old code, e.g.
 * {@code java -Xmx3g -cp target/classes:target/test-classes:<dependencies>
 * io.geminibalance.relay.ImageDownloadMemoryMeasurement [KEY=VALUE settings]}; the settings let
 * the request through the new caps (MAX_IMAGE_DOWNLOADS=12 MAX_IMAGE_DOWNLOAD_MB=256
 * GATEWAY_IMAGE_DOWNLOAD_MB=256) or leave the defaults to see it refused.
 */
public final class ImageDownloadMemoryMeasurement {
  private static final int IMAGES = 12;
  private static final int IMAGE_BYTES = 18 * 1024 * 1024;

  private ImageDownloadMemoryMeasurement() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> settings = new HashMap<>();
    for (String arg : args) {
      settings.put(arg.substring(0, arg.indexOf('=')), arg.substring(arg.indexOf('=') + 1));
    }
    settings.put("IMAGE_FETCH_ALLOW_PRIVATE", "true");
    byte[] image = new byte[IMAGE_BYTES];
    System.arraycopy(ImageHost.PNG, 0, image, 0, ImageHost.PNG.length);
    Vertx vertx = Vertx.vertx();
    try (ImageHost images = ImageHost.start()) {
      HttpServer sink = vertx.createHttpServer().requestHandler(req -> {
        AtomicLong received = new AtomicLong();
        req.handler(chunk -> received.addAndGet(chunk.length()));
        req.endHandler(v -> req.response().putHeader("content-type", "application/json")
            .end(Replies.TEXT_RESPONSE));
      });
      sink.listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
      settings.put("BASE_URL", "http://127.0.0.1:" + sink.actualPort() + "/v1beta");
      for (int i = 0; i < IMAGES; i++) {
        images.serve("/img" + i, image, "image/png", false, 0);
      }
      try (GatewayHarness h = GatewayHarness.start(settings)) {
        String parts = IntStream.range(0, IMAGES)
            .mapToObj(i -> "{\"type\":\"image_url\",\"image_url\":{\"url\":\"" + images.url("/img" + i) + "\"}}")
            .collect(Collectors.joining(","));
        String body = "{\"model\":\"gemini-2.5-flash\",\"messages\":[{\"role\":\"user\",\"content\":[" + parts + "]}]}";
        HttpRequest request = h.request("/v1/chat/completions", "authorization",
            "Bearer " + GatewayHarness.CLIENT_TOKEN, "content-type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body)).build();

        System.gc();
        long baseUsed = used();
        long baseRss = rssKib("VmRSS");
        Files.writeString(Path.of("/proc/self/clear_refs"), "5");
        AtomicLong peakUsed = new AtomicLong();
        AtomicBoolean sampling = new AtomicBoolean(true);
        Thread sampler = Thread.ofPlatform().daemon().start(() -> {
          while (sampling.get()) {
            peakUsed.accumulateAndGet(used(), Math::max);
            try {
              Thread.sleep(1);
            } catch (InterruptedException e) {
              return;
            }
          }
        });
        long started = System.nanoTime();
        HttpResponse<String> response = h.send(request);
        sampling.set(false);
        sampler.join();
        System.out.printf("status %d in %d ms; image bytes %d MiB; heap in use before %d MiB, peak %d MiB "
                + "(+%d MiB); RSS before %d MiB, peak %d MiB (+%d MiB)%n",
            response.statusCode(), (System.nanoTime() - started) / 1_000_000,
            (long) IMAGES * IMAGE_BYTES >> 20, baseUsed >> 20, peakUsed.get() >> 20,
            (peakUsed.get() - baseUsed) >> 20, baseRss >> 10, rssKib("VmHWM") >> 10,
            (rssKib("VmHWM") - baseRss) >> 10);
        if (response.statusCode() != 200) {
          System.out.println(response.body());
        }
      }
    }
    System.exit(0);
  }

  private static long used() {
    Runtime runtime = Runtime.getRuntime();
    return runtime.totalMemory() - runtime.freeMemory();
  }

  private static long rssKib(String field) throws Exception {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith(field + ":")) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    return -1;
  }
}
