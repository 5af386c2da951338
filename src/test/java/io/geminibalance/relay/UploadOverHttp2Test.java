package io.geminibalance.relay;

import static org.assertj.core.api.Assertions.assertThat;

import io.geminibalance.testing.FakeUploads;
import io.geminibalance.testing.GatewayHarness;
import io.geminibalance.testing.GeneratedBytes;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Google's API speaks HTTP/2: a streamed upload goes through the gateway's HTTP/2 upstream client
 * (here cleartext, UPSTREAM_H2C) with flow control instead of TCP alone, intact and with one key.
 */
class UploadOverHttp2Test {
  @RegisterExtension
  static final GatewayHarness h = GatewayHarness.start(Map.of("UPSTREAM_H2C", "true", "MAX_UPLOAD_MB", "64"));
  static final FakeUploads uploads = FakeUploads.on(h.fake);

  @Test
  void aStreamedUploadGoesOverHttp2Intact() {
    long size = 24L * 1024 * 1024;
    long half = 8L * 1024 * 1024;
    HttpResponse<String> started = h.post("/upload/v1beta/files", "{}", "x-goog-api-key", GatewayHarness.CLIENT_TOKEN,
        "x-goog-upload-protocol", "resumable", "x-goog-upload-command", "start",
        "x-goog-upload-header-content-length", Long.toString(size));
    String path = started.headers().firstValue("x-goog-upload-url").orElseThrow().replaceFirst("^http://[^/]+", "");
    GeneratedBytes body = new GeneratedBytes(size);
    HttpResponse<String> first = h.send(h.request(path, "x-goog-api-key", GatewayHarness.CLIENT_TOKEN,
        "x-goog-upload-command", "upload", "x-goog-upload-offset", "0")
        .POST(HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofInputStream(
            () -> new java.io.InputStream() {
              @Override
              public int read() {
                return body.position() < half ? body.read() : -1;
              }

              @Override
              public int read(byte[] b, int off, int len) {
                long left = half - body.position();
                return left <= 0 ? -1 : body.read(b, off, (int) Math.min(len, left));
              }
            }), half)).build());
    assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
    HttpResponse<String> done = h.send(h.request(path, "x-goog-api-key", GatewayHarness.CLIENT_TOKEN,
        "x-goog-upload-command", "upload, finalize", "x-goog-upload-offset", Long.toString(half))
        .POST(HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofInputStream(() -> body),
            size - half)).build());

    assertThat(done.statusCode()).as(done.body()).isEqualTo(200);
    JsonObject file = new JsonObject(done.body()).getJsonObject("file");
    assertThat(file.getString("sizeBytes")).isEqualTo(Long.toString(size));
    assertThat(file.getString("sha256Hash")).isEqualTo(GeneratedBytes.sha256(size));
    assertThat(uploads.steps()).extracting(FakeUploads.Step::key).containsOnly(uploads.steps().get(0).key());
    assertThat(uploads.versions()).as("the upstream calls went over HTTP/2").containsOnly(HttpVersion.HTTP_2);
  }
}
