package io.geminibalance.relay.imagehost;

import static org.assertj.core.api.Assertions.assertThat;

import io.geminibalance.testing.FakeImageHost;
import io.geminibalance.testing.FakeImageHost.Answer;
import io.geminibalance.testing.FakeImageHost.Upload;
import io.geminibalance.testing.ImageHost;
import io.geminibalance.testing.LogEvents;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientAgent;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Each provider against a fake host on a loopback socket: request shape, answer, failures. */
class HttpImageHostTest {
  private static final byte[] PNG = ImageHost.PNG;
  private static final String NAME = "2026/12/06/0123456789abcdef.png";
  private static final InstantSource CLOCK = InstantSource.fixed(Instant.parse("2026-12-06T10:00:00Z"));
  private static final HttpImageHost.Limits FAST = new HttpImageHost.Limits(1_000, 1024, 1024 * 1024);

  private static Vertx vertx;
  private static HttpClientAgent client;
  private FakeImageHost fake;

  @BeforeAll
  static void startClient() {
    vertx = Vertx.vertx();
    client = vertx.createHttpClient();
  }

  @AfterAll
  static void stopClient() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  @BeforeEach
  void startHost() {
    if (fake != null) {
      fake.close();
    }
    fake = FakeImageHost.start();
  }

  private static String upload(HostProvider provider) throws Exception {
    return upload(provider, FAST);
  }

  private static String upload(HostProvider provider, HttpImageHost.Limits limits) throws Exception {
    Future<String> url = new HttpImageHost(provider, client, limits, CLOCK).upload(PNG, "image/png", NAME);
    try {
      return url.await(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      return "failed: " + e.getMessage();
    }
  }

  private static void assertMultipartFile(Upload upload, String field) {
    assertThat(upload.header("content-type")).startsWith("multipart/form-data; boundary=");
    String body = upload.bodyText();
    assertThat(body).contains("Content-Disposition: form-data; name=\"" + field + "\"; filename=\"0123456789abcdef.png\"")
        .contains("Content-Type: image/png").contains(new String(PNG, StandardCharsets.ISO_8859_1));
  }

  @Test
  void smmsSendsTheTokenAndReadsDataUrlOrARepeatedImage() throws Exception {
    fake.answer(Answer.json(200, "{\"success\":true,\"data\":{\"url\":\"https://s.ee/a.png\"}}"),
        Answer.json(200, "{\"success\":false,\"code\":\"image_repeated\",\"images\":\"https://s.ee/old.png\"}"));
    SmmsProvider smms = new SmmsProvider(URI.create(fake.url("/api/v2/upload")), "sm-token-1");
    assertThat(upload(smms)).isEqualTo("https://s.ee/a.png");
    assertThat(upload(smms)).isEqualTo("https://s.ee/old.png");
    Upload first = fake.uploads().get(0);
    assertThat(first.method()).isEqualTo("POST");
    assertThat(first.path()).isEqualTo("/api/v2/upload");
    assertThat(first.header("authorization")).isEqualTo("Basic sm-token-1");
    assertMultipartFile(first, "smfile");
  }

  @Test
  void picgoUsesTheKeyHeaderOnPicgoNetAndTheQueryElsewhere() throws Exception {
    fake.answer(Answer.json(200, "{\"status_code\":200,\"image\":{\"url\":\"https://p.example/i.png\"}}"),
        Answer.json(200, "{\"success\":true,\"result\":[\"https://p.example/j.png\"]}"));
    PicgoProvider custom = new PicgoProvider(URI.create(fake.url("/api/1/upload")), "pk 1");
    assertThat(upload(custom)).isEqualTo("https://p.example/i.png");
    assertThat(upload(custom)).isEqualTo("https://p.example/j.png");
    Upload first = fake.uploads().get(0);
    assertThat(first.query()).isEqualTo("key=pk+1");
    assertThat(first.header("x-api-key")).isNull();
    assertMultipartFile(first, "source");
    HostRequest picgoNet = new PicgoProvider(URI.create(PicgoProvider.DEFAULT_URL), "pk")
        .request(PNG, "image/png", NAME, CLOCK.instant());
    assertThat(picgoNet.headers().get("x-api-key")).isEqualTo("pk");
    assertThat(picgoNet.uri().getRawQuery()).isNull();
  }

  @Test
  void cloudflareImgbedSendsFolderAndCodeAndResolvesARelativeSrc() throws Exception {
    fake.answer(Answer.json(200, "[{\"src\":\"/file/x.png\"}]"));
    CloudflareImgbedProvider bed = new CloudflareImgbedProvider(URI.create(fake.url("/upload")), "code&1", "gen/ai");
    assertThat(upload(bed)).isEqualTo(fake.url("/file/x.png"));
    Upload first = fake.uploads().get(0);
    assertThat(first.query()).isEqualTo("uploadFolder=gen%2Fai&authCode=code%261&uploadNameType=origin");
    assertMultipartFile(first, "file");
  }

  @Test
  void aliyunOssPutsTheObjectSignedAndPublicRead() throws Exception {
    fake.answer(Answer.json(200, ""));
    URI base = URI.create(fake.url(""));
    AliyunOssProvider oss = new AliyunOssProvider(base, URI.create("https://pics.oss-cn-hangzhou.aliyuncs.com"),
        "pics", "ak-id", "ak-secret");
    assertThat(upload(oss)).isEqualTo("https://pics.oss-cn-hangzhou.aliyuncs.com/" + NAME);
    Upload put = fake.uploads().get(0);
    assertThat(put.method()).isEqualTo("PUT");
    assertThat(put.path()).isEqualTo("/" + NAME);
    assertThat(put.body()).isEqualTo(PNG);
    assertThat(put.header("x-oss-object-acl")).isEqualTo("public-read");
    assertThat(put.header("date")).isEqualTo("Sun, 6 Dec 2026 10:00:00 GMT");
    String toSign = OssSignature.stringToSign("PUT", put.header("content-md5"), "image/png", put.header("date"),
        Map.of("x-oss-object-acl", "public-read"), "/pics/" + NAME);
    assertThat(put.header("authorization")).isEqualTo(OssSignature.authorization("ak-id", "ak-secret", toSign));
  }

  @Test
  void aFirstFailureIsRetriedOnce() throws Exception {
    fake.answer(Answer.json(502, "{\"message\":\"busy\"}"), Answer.json(200, "[{\"src\":\"https://b.example/ok.png\"}]"));
    assertThat(upload(new CloudflareImgbedProvider(URI.create(fake.url("/upload")), "c", null)))
        .isEqualTo("https://b.example/ok.png");
    assertThat(fake.uploads()).hasSize(2);
  }

  @Test
  void twoFailuresFailTheUploadWithOneWarningThatNamesNoSecret() throws Exception {
    fake.answer(Answer.json(401, "{\"error\":\"bad code\"}"));
    try (LogEvents logs = LogEvents.of(HttpImageHost.class)) {
      String result = upload(new CloudflareImgbedProvider(URI.create(fake.url("/upload")), "secret-code-77", null));
      assertThat(result).startsWith("failed: ").contains("HTTP 401");
      assertThat(fake.uploads()).hasSize(2);
      assertThat(logs.warnings()).singleElement().satisfies(line -> {
        assertThat(line).contains("cloudflare_imgbed").contains("HTTP 401").doesNotContain("secret-code-77");
      });
    }
  }

  @Test
  void aHostThatDoesNotAnswerInTimeFails() throws Exception {
    fake.answer(new Answer(200, "[{\"src\":\"/late.png\"}]".getBytes(StandardCharsets.UTF_8), 3_000));
    String result = upload(new CloudflareImgbedProvider(URI.create(fake.url("/upload")), "c", null),
        new HttpImageHost.Limits(300, 1024, 1024 * 1024));
    assertThat(result).startsWith("failed: ");
    assertThat(fake.uploads()).hasSize(2);
  }

  @Test
  void anOversizedAnswerIsRefused() throws Exception {
    fake.answer(Answer.json(200, "[{\"src\":\"/" + "x".repeat(4096) + ".png\"}]"));
    String result = upload(new CloudflareImgbedProvider(URI.create(fake.url("/upload")), "c", null));
    assertThat(result).startsWith("failed: ").contains("over 1024 bytes");
  }

  @Test
  void anImageOverTheLimitIsNotSent() throws Exception {
    String result = upload(new CloudflareImgbedProvider(URI.create(fake.url("/upload")), "c", null),
        new HttpImageHost.Limits(1_000, 1024, 10));
    assertThat(result).startsWith("failed: ");
    assertThat(fake.uploads()).isEmpty();
  }
}
