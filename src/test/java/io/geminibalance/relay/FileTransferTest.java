package io.geminibalance.relay;

import static org.assertj.core.api.Assertions.assertThat;

import io.geminibalance.keypool.ApiKey;
import io.geminibalance.requestlog.KeyIdentity;
import io.geminibalance.protocol.gemini.ResourceKind;
import io.geminibalance.storage.ResourceRecord;
import io.geminibalance.storage.ResourceStore;
import io.geminibalance.storage.UploadSession;
import io.geminibalance.testing.FakeUploads;
import io.geminibalance.testing.GatewayHarness;
import io.geminibalance.testing.GeneratedBytes;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Resumable uploads and downloads through the gateway, against Google's upload protocol as
 * {@link FakeUploads} plays it: the upload URL the client gets is the gateway's, every step goes
 * with the key that started the upload, another client cannot use it, and bad input is a clear 4xx
 * in Google's shape that reaches nothing upstream.
 */
class FileTransferTest {
  static final String OTHER_TOKEN = "tok-client-9999";
  static final Set<String> POOL = Set.of(GatewayHarness.KEY_A, GatewayHarness.KEY_B, GatewayHarness.KEY_C);

  @RegisterExtension
  static final GatewayHarness h = GatewayHarness.start(Map.of(
      "ALLOWED_TOKENS", "[\"" + GatewayHarness.CLIENT_TOKEN + "\",\"" + OTHER_TOKEN + "\"]",
      "MAX_UPLOAD_MB", "1"));
  static final FakeUploads uploads = FakeUploads.on(h.fake);

  @BeforeEach
  void clear() {
    uploads.clear();
  }

  static HttpResponse<String> start(String token, long size, String... extra) {
    String[] headers = concat(new String[] {"x-goog-api-key", token, "x-goog-upload-protocol", "resumable",
        "x-goog-upload-command", "start", "x-goog-upload-header-content-length", Long.toString(size),
        "x-goog-upload-header-content-type", "text/plain", "content-type", "application/json"}, extra);
    return h.post("/upload/v1beta/files", "{\"file\":{\"displayName\":\"notes\"}}", headers);
  }

  static HttpResponse<String> chunk(String uploadUrl, String token, String command, long offset, byte[] bytes) {
    // As curl and other clients do for a large body: the gateway answers 100 once its checks pass.
    HttpRequest.Builder request = h.request(pathOf(uploadUrl), "x-goog-api-key", token,
        "x-goog-upload-command", command, "x-goog-upload-offset", Long.toString(offset)).expectContinue(true);
    return h.send(request.POST(HttpRequest.BodyPublishers.ofByteArray(bytes)).build());
  }

  static String pathOf(String url) {
    return url.substring(url.indexOf("/upload/"));
  }

  static String[] concat(String[] a, String[] b) {
    String[] all = new String[a.length + b.length];
    System.arraycopy(a, 0, all, 0, a.length);
    System.arraycopy(b, 0, all, a.length, b.length);
    return all;
  }

  static void assertGoogleError(HttpResponse<String> response, int status, String messagePart) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    JsonObject error = new JsonObject(response.body()).getJsonObject("error");
    assertThat(error.getInteger("code")).isEqualTo(status);
    assertThat(error.getString("status")).isNotBlank();
    assertThat(error.getString("message")).contains(messagePart);
  }

  static String uploadFile(String token, byte[] content) {
    HttpResponse<String> started = start(token, content.length);
    String url = started.headers().firstValue("x-goog-upload-url").orElseThrow();
    int half = content.length / 2;
    assertThat(chunk(url, token, "upload", 0, java.util.Arrays.copyOfRange(content, 0, half)).statusCode())
        .isEqualTo(200);
    HttpResponse<String> done = chunk(url, token, "upload, finalize", half,
        java.util.Arrays.copyOfRange(content, half, content.length));
    assertThat(done.statusCode()).as(done.body()).isEqualTo(200);
    return new JsonObject(done.body()).getJsonObject("file").getString("name");
  }

  @Test
  void anUploadGoesStartToFinishWithOneKeyThroughTheGatewaysOwnUrl() {
    // Forwarding headers from an address not in TRUSTED_PROXIES do not choose the URL's origin.
    HttpResponse<String> started = start(GatewayHarness.CLIENT_TOKEN, 14, "x-forwarded-host", "evil.example",
        "x-forwarded-proto", "https");

    assertThat(started.statusCode()).as(started.body()).isEqualTo(200);
    String url = started.headers().firstValue("x-goog-upload-url").orElseThrow();
    assertThat(url).matches(java.util.regex.Pattern.quote(h.url("/upload/v1beta/files?upload_id="))
        + "[A-Za-z0-9_-]{43}&upload_protocol=resumable");
    assertThat(started.headers().firstValue("x-goog-upload-status")).hasValue("active");
    assertThat(started.headers().firstValue("x-goog-upload-chunk-granularity")).hasValue("8388608");
    assertThat(started.headers().map()).doesNotContainKey("x-goog-upload-control-url")
        .doesNotContainKey("x-guploader-uploadid");
    assertNoPoolKeyIn(started.headers().map().toString() + started.body());
    assertThat(url).doesNotContain(GatewayHarness.CLIENT_TOKEN);

    HttpResponse<String> first = chunk(url, GatewayHarness.CLIENT_TOKEN, "upload", 0,
        "hello, ".getBytes(StandardCharsets.UTF_8));
    assertThat(first.statusCode()).isEqualTo(200);
    assertThat(first.headers().firstValue("x-goog-upload-status")).hasValue("active");
    assertThat(first.headers().firstValue("x-goog-upload-size-received")).hasValue("7");
    HttpResponse<String> query = h.send(h.request(pathOf(url), "x-goog-api-key", GatewayHarness.CLIENT_TOKEN,
        "x-goog-upload-command", "query").POST(HttpRequest.BodyPublishers.noBody()).build());
    assertThat(query.headers().firstValue("x-goog-upload-size-received")).hasValue("7");
    HttpResponse<String> done = chunk(url, GatewayHarness.CLIENT_TOKEN, "upload, finalize", 7,
        "uploads".getBytes(StandardCharsets.UTF_8));

    assertThat(done.statusCode()).as(done.body()).isEqualTo(200);
    assertThat(done.headers().firstValue("x-goog-upload-status")).hasValue("final");
    JsonObject file = new JsonObject(done.body()).getJsonObject("file");
    assertThat(file.getString("name")).startsWith("files/");
    assertThat(file.getString("sizeBytes")).isEqualTo("14");
    List<FakeUploads.Step> steps = uploads.steps();
    assertThat(steps).extracting(FakeUploads.Step::command)
        .containsExactly("start", "upload", "query", "upload, finalize");
    assertThat(steps).extracting(FakeUploads.Step::key).containsOnly(steps.get(0).key());
    assertThat(POOL).contains(steps.get(0).key());
    assertThat(steps.get(0).path()).isEqualTo("/upload/v1beta/files");
    assertThat(uploads.files().get(file.getString("name")).bytes().toString()).isEqualTo("hello, uploads");

    // The upload is over: its URL is gone.
    assertGoogleError(chunk(url, GatewayHarness.CLIENT_TOKEN, "upload", 14, new byte[] {1}), 404, "No such upload");
  }

  @Test
  void aFileIsDownloadedWithTheKeyThatUploadedIt() {
    byte[] content = "bytes of a generated file".getBytes(StandardCharsets.UTF_8);
    String name = uploadFile(GatewayHarness.CLIENT_TOKEN, content);
    String uploadKey = uploads.steps().get(0).key();

    for (int i = 0; i < 4; i++) {
      HttpResponse<byte[]> download = downloadAs(GatewayHarness.CLIENT_TOKEN, name);
      assertThat(download.statusCode()).isEqualTo(200);
      assertThat(download.body()).isEqualTo(content);
      assertThat(download.headers().firstValue("content-type")).hasValue("application/octet-stream");
      assertThat(download.headers().map()).doesNotContainKey("x-goog-upload-control-url");
    }
    List<FakeUploads.Step> downloads = uploads.steps().stream().filter(s -> s.path().startsWith("/download/"))
        .toList();
    assertThat(downloads).hasSize(4).extracting(FakeUploads.Step::key).containsOnly(uploadKey);
    assertThat(downloads).extracting(FakeUploads.Step::query).containsOnly("alt=media");
  }

  static HttpResponse<byte[]> downloadAs(String token, String name) {
    try {
      return h.http.send(h.request("/download/v1beta/" + name + ":download?alt=media", "x-goog-api-key", token)
          .GET().build(), HttpResponse.BodyHandlers.ofByteArray());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void theFinishedFileIsRecordedWithItsKeyAndOwner() {
    String name = uploadFile(GatewayHarness.CLIENT_TOKEN, "recorded".getBytes(StandardCharsets.UTF_8));

    ResourceRecord record = resources().find(name).join().orElseThrow();
    KeyIdentity key = KeyIdentity.of(new ApiKey(uploads.steps().get(0).key()));
    assertThat(record.kind()).isEqualTo(ResourceKind.FILE);
    assertThat(record.pool()).isEqualTo(ResourceRecord.GEMINI_POOL);
    assertThat(record.keyFingerprint()).isEqualTo(key.fingerprint());
    assertThat(record.keyLast4()).isEqualTo(key.last4());
    assertThat(record.state()).isEqualTo("ACTIVE");
    assertThat(record.expiresMillis()).isGreaterThan(System.currentTimeMillis());
    assertThat(new JsonObject(record.metadata()).getString("name")).isEqualTo(name);
    assertThat(record.owner()).isNotBlank().doesNotContain(GatewayHarness.CLIENT_TOKEN);
  }

  @Test
  void anUploadIntoAFileSearchStoreGoesWithTheStoresKeyAndRecordsItsOperation() {
    String owner = ownerOf(GatewayHarness.CLIENT_TOKEN);
    String storeKey = GatewayHarness.KEY_B;
    resources().save(new ResourceRecord("fileSearchStores/s1", ResourceKind.FILE_SEARCH_STORE,
        ResourceRecord.GEMINI_POOL, new ApiKey(storeKey).fingerprint(), "2222", owner, System.currentTimeMillis(), 0,
        null, null)).join();
    uploads.clear();
    String[] headers = {"x-goog-upload-protocol", "resumable", "x-goog-upload-command", "start",
        "x-goog-upload-header-content-length", "5", "content-type", "application/json"};

    assertGoogleError(h.post("/upload/v1beta/fileSearchStores/s1:uploadToFileSearchStore", "{}",
        concat(new String[] {"x-goog-api-key", OTHER_TOKEN}, headers)), 404, "fileSearchStores/s1");
    assertThat(uploads.steps()).as("another client's store: nothing reaches Google").isEmpty();
    HttpResponse<String> started = h.post("/upload/v1beta/fileSearchStores/s1:uploadToFileSearchStore",
        "{\"displayName\":\"doc\"}", concat(new String[] {"x-goog-api-key", GatewayHarness.CLIENT_TOKEN}, headers));
    assertThat(started.statusCode()).as(started.body()).isEqualTo(200);
    String url = started.headers().firstValue("x-goog-upload-url").orElseThrow();
    assertThat(url).startsWith(h.url("/upload/v1beta/files?upload_id="));
    HttpResponse<String> done = chunk(url, GatewayHarness.CLIENT_TOKEN, "upload, finalize", 0,
        "hello".getBytes(StandardCharsets.UTF_8));

    assertThat(done.statusCode()).as(done.body()).isEqualTo(200);
    String operation = new JsonObject(done.body()).getString("name");
    assertThat(operation).startsWith("fileSearchStores/s1/upload/operations/");
    assertThat(uploads.steps()).extracting(FakeUploads.Step::key).containsOnly(storeKey);
    assertThat(uploads.steps().get(0).path()).isEqualTo("/upload/v1beta/fileSearchStores/s1:uploadToFileSearchStore");
    ResourceRecord recorded = resources().find(operation).join().orElseThrow();
    assertThat(recorded.kind()).isEqualTo(ResourceKind.OPERATION);
    assertThat(recorded.keyFingerprint()).isEqualTo(new ApiKey(storeKey).fingerprint());
    assertThat(recorded.owner()).isEqualTo(owner);
  }

  static ResourceStore resources() {
    return h.gateway.persistence().storage().resources();
  }

  /** The client id the gateway gave a token, learnt from a file it uploaded. */
  static String ownerOf(String token) {
    String name = uploadFile(token, "x".getBytes(StandardCharsets.UTF_8));
    return resources().find(name).join().orElseThrow().owner();
  }

  @Test
  void anotherClientCanNeitherContinueAnUploadNorDownloadTheFile() {
    HttpResponse<String> started = start(GatewayHarness.CLIENT_TOKEN, 4);
    String url = started.headers().firstValue("x-goog-upload-url").orElseThrow();
    int before = uploads.steps().size();

    assertGoogleError(chunk(url, OTHER_TOKEN, "upload, finalize", 0, new byte[] {1, 2, 3, 4}), 404,
        "No such upload");
    HttpResponse<String> query = h.send(h.request(pathOf(url), "x-goog-api-key", OTHER_TOKEN,
        "x-goog-upload-command", "query").POST(HttpRequest.BodyPublishers.noBody()).build());
    assertGoogleError(query, 404, "No such upload");
    assertThat(uploads.steps()).as("nothing reached Google").hasSize(before);

    HttpResponse<String> done = chunk(url, GatewayHarness.CLIENT_TOKEN, "upload, finalize", 0, new byte[] {1, 2, 3, 4});
    assertThat(done.statusCode()).as("the owner still can").isEqualTo(200);
    String name = new JsonObject(done.body()).getJsonObject("file").getString("name");
    int after = uploads.steps().size();
    HttpResponse<byte[]> stolen = downloadAs(OTHER_TOKEN, name);
    assertThat(stolen.statusCode()).isEqualTo(404);
    assertThat(new String(stolen.body(), StandardCharsets.UTF_8)).contains("\"status\"").contains(name);
    assertThat(uploads.steps()).as("nothing reached Google").hasSize(after);
    assertThat(downloadAs(GatewayHarness.CLIENT_TOKEN, name).statusCode()).isEqualTo(200);
  }

  @Test
  void badStartsAreRefusedInGooglesShapeAndReachNothing() {
    String token = GatewayHarness.CLIENT_TOKEN;
    assertGoogleError(h.post("/upload/v1beta/files", "{}", "x-goog-upload-protocol", "resumable",
        "x-goog-upload-command", "start"), 401, "API key");
    assertGoogleError(h.post("/upload/v1beta/files", "{}", "x-goog-api-key", token,
        "x-goog-upload-command", "start"), 400, "resumable");
    assertGoogleError(h.post("/upload/v1beta/files", "{}", "x-goog-api-key", token,
        "x-goog-upload-protocol", "multipart"), 400, "resumable");
    assertGoogleError(h.post("/upload/v1beta/files", "{}", "x-goog-api-key", token,
        "x-goog-upload-protocol", "resumable", "x-goog-upload-command", "upload"), 400, "start");
    assertGoogleError(h.post("/upload/v1beta/files", "{}", "x-goog-api-key", token,
        "x-goog-upload-protocol", "resumable", "x-goog-upload-command", "start",
        "x-goog-upload-header-content-length", "12kb"), 400, "X-Goog-Upload-Header-Content-Length");
    assertGoogleError(h.post("/upload/v1beta/files", "{}", "x-goog-api-key", token,
        "x-goog-upload-protocol", "resumable", "x-goog-upload-command", "start",
        "x-goog-upload-header-content-length", "-1"), 400, "whole number");
    assertGoogleError(start(token, 1024 * 1024 + 1), 413, "MAX_UPLOAD_MB (1 MiB)");
    assertGoogleError(h.send(h.request("/upload/v1beta/files", "x-goog-api-key", token).GET().build()), 405, "POST");
    assertGoogleError(h.post("/upload/v1beta/fileSearchStores/nope:uploadToFileSearchStore", "{}",
        "x-goog-api-key", token, "x-goog-upload-protocol", "resumable", "x-goog-upload-command", "start"), 404,
        "fileSearchStores/nope");
    assertGoogleError(h.post("/upload/v1beta/fileSearchStores/nope:somethingElse", "{}",
        "x-goog-api-key", token, "x-goog-upload-protocol", "resumable", "x-goog-upload-command", "start"), 404, "");
    assertThat(uploads.steps()).isEmpty();
    assertThat(h.fake.requests()).isEmpty();
  }

  @Test
  void badChunksAreRefusedInGooglesShapeAndReachNothing() {
    String token = GatewayHarness.CLIENT_TOKEN;
    String url = start(token, 10).headers().firstValue("x-goog-upload-url").orElseThrow();
    int before = uploads.steps().size();
    String path = pathOf(url);

    assertGoogleError(h.send(h.request(path, "x-goog-upload-command", "upload", "x-goog-upload-offset", "0")
        .POST(HttpRequest.BodyPublishers.ofString("abc")).build()), 401, "API key");
    assertGoogleError(chunk(url, token, "upload, start", 0, new byte[] {1}), 400, "X-Goog-Upload-Command");
    assertGoogleError(chunk(url, token, "download", 0, new byte[] {1}), 400, "X-Goog-Upload-Command");
    assertGoogleError(chunk(url, token, "upload, finalize, upload", 0, new byte[] {1}), 400, "too many");
    assertGoogleError(h.send(h.request(path, "x-goog-api-key", token).POST(HttpRequest.BodyPublishers.ofString("a"))
        .build()), 400, "Missing X-Goog-Upload-Command");
    assertGoogleError(h.send(h.request(path, "x-goog-api-key", token, "x-goog-upload-command", "upload")
        .POST(HttpRequest.BodyPublishers.ofString("abc")).build()), 400, "Missing X-Goog-Upload-Offset");
    assertGoogleError(h.send(h.request(path, "x-goog-api-key", token, "x-goog-upload-command", "upload",
        "x-goog-upload-offset", "zero").POST(HttpRequest.BodyPublishers.ofString("abc")).build()), 400,
        "X-Goog-Upload-Offset 'zero'");
    assertGoogleError(chunk(url, token, "upload", 11, new byte[] {1}), 400, "past the end");
    assertGoogleError(chunk(url, token, "upload", 4, new byte[7]), 413, "declared at its start (10 bytes)");
    assertGoogleError(chunk(url, token, "finalize", 0, new byte[3]), 400, "carries no bytes");
    assertGoogleError(chunk(url.replaceAll("upload_id=[^&]+", "upload_id=" + "A".repeat(43)), token, "upload", 0,
        new byte[] {1}), 404, "No such upload");
    assertGoogleError(chunk(url.replaceAll("upload_id=[^&]+", "upload_id=short"), token, "upload", 0,
        new byte[] {1}), 404, "No such upload");
    assertGoogleError(h.send(h.request(path, "x-goog-api-key", token, "x-goog-upload-command", "upload",
        "x-goog-upload-offset", "0").GET().build()), 405, "POST or PUT");
    assertThat(uploads.steps()).as("nothing reached Google").hasSize(before);
    assertThat(uploads.files()).isEmpty();
  }

  @Test
  void aChunkedBodyPastTheLimitIsCutAt413AndNothingIsRecorded() {
    String token = GatewayHarness.CLIENT_TOKEN;
    // No declared size: MAX_UPLOAD_MB (1 MiB) is the limit, and the body declares no length either.
    HttpResponse<String> started = h.post("/upload/v1beta/files", "{}", "x-goog-api-key", token,
        "x-goog-upload-protocol", "resumable", "x-goog-upload-command", "start");
    String url = started.headers().firstValue("x-goog-upload-url").orElseThrow();
    HttpRequest request = h.request(pathOf(url), "x-goog-api-key", token, "x-goog-upload-command",
        "upload, finalize", "x-goog-upload-offset", "0")
        .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new GeneratedBytes(2 * 1024 * 1024))).build();
    HttpResponse<String> over;
    try {
      over = h.http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (java.io.IOException e) {
      // The gateway may close the connection before the client has finished sending: also a refusal.
      over = null;
    } catch (InterruptedException e) {
      throw new IllegalStateException(e);
    }
    if (over != null) {
      assertGoogleError(over, 413, "MAX_UPLOAD_MB");
    }
    assertThat(uploads.files()).as("no file made").isEmpty();
    assertThat(uploads.steps()).extracting(FakeUploads.Step::command).containsExactly("start");
    assertThat(h.gateway.pool().snapshot().keys()).as("the client's mistake").allSatisfy(k ->
        assertThat(k.failures()).isZero());
  }

  @Test
  void aClientThatBreaksOffMidChunkBlamesNoKeyAndCanResume() {
    String token = GatewayHarness.CLIENT_TOKEN;
    long size = 512 * 1024;
    String url = start(token, size).headers().firstValue("x-goog-upload-url").orElseThrow();
    for (int i = 0; i < 5; i++) {
      HttpRequest broken = h.request(pathOf(url), "x-goog-api-key", token, "x-goog-upload-command",
          "upload, finalize", "x-goog-upload-offset", "0")
          .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.InputStream() {
            private final GeneratedBytes bytes = new GeneratedBytes(size);

            @Override
            public int read() throws java.io.IOException {
              byte[] one = new byte[1];
              return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
            }

            @Override
            public int read(byte[] buffer, int offset, int length) throws java.io.IOException {
              if (bytes.position() >= size / 2) {
                throw new java.io.IOException("the client gives up");
              }
              return bytes.read(buffer, offset, length);
            }
          })).build();
      try {
        h.http.send(broken, HttpResponse.BodyHandlers.ofString());
      } catch (java.io.IOException expected) {
        // The client's own failure: what it sees does not matter here.
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
    }

    assertThat(h.gateway.pool().snapshot().keys()).allSatisfy(k -> assertThat(k.failures()).isZero());
    assertThat(h.gateway.pool().snapshot().disabled()).isZero();
    assertThat(uploads.files()).as("no truncated file was finalized").isEmpty();
    HttpRequest whole = h.request(pathOf(url), "x-goog-api-key", token, "x-goog-upload-command", "upload, finalize",
        "x-goog-upload-offset", "0").POST(HttpRequest.BodyPublishers.ofInputStream(() -> new GeneratedBytes(size)))
        .build();
    HttpResponse<String> done = h.send(whole);
    assertThat(done.statusCode()).as(done.body()).isEqualTo(200);
    assertThat(new JsonObject(done.body()).getJsonObject("file").getString("sha256Hash"))
        .isEqualTo(GeneratedBytes.sha256(size));
  }

  @Test
  void aWrongOffsetIsGooglesToJudgeAndNothingIsRecorded() {
    String token = GatewayHarness.CLIENT_TOKEN;
    String url = start(token, 10).headers().firstValue("x-goog-upload-url").orElseThrow();
    assertThat(chunk(url, token, "upload", 0, new byte[4]).statusCode()).isEqualTo(200);

    HttpResponse<String> wrong = chunk(url, token, "upload, finalize", 2, new byte[8]);

    assertGoogleError(wrong, 400, "offset 2 does not match 4");
    assertThat(uploads.files()).isEmpty();
    assertThat(h.gateway.pool().snapshot().keys()).allSatisfy(k -> assertThat(k.failures()).isZero());
    HttpResponse<String> right = chunk(url, token, "upload, finalize", 4, new byte[6]);
    assertThat(right.statusCode()).as("the upload goes on").isEqualTo(200);
  }

  @Test
  void anExpiredSessionIsUnknown() {
    String id = FileTransferRelay.newUploadId();
    long now = System.currentTimeMillis();
    String owner = ownerOf(GatewayHarness.CLIENT_TOKEN);
    h.gateway.persistence().storage().uploadSessions().create(new UploadSession(FileTransferRelay.hash(id),
        "/upload/v1beta/files?upload_id=gone", new ApiKey(GatewayHarness.KEY_A).fingerprint(), "1111", owner, 10,
        UploadSession.Kind.FILE, null, now - 8 * 86_400_000L, now - 1000)).join();
    int before = uploads.steps().size();

    assertGoogleError(chunk(h.url("/upload/v1beta/files?upload_id=" + id + "&upload_protocol=resumable"),
        GatewayHarness.CLIENT_TOKEN, "upload", 0, new byte[1]), 404, "No such upload");
    assertThat(uploads.steps()).hasSize(before);
  }

  @Test
  void expiredSessionsAreDeletedWhenAnUploadStarts() throws Exception {
    try (GatewayHarness fresh = GatewayHarness.start()) {
      FakeUploads.on(fresh.fake);
      long now = System.currentTimeMillis();
      var sessions = fresh.gateway.persistence().storage().uploadSessions();
      String expired = FileTransferRelay.hash(FileTransferRelay.newUploadId());
      String live = FileTransferRelay.hash(FileTransferRelay.newUploadId());
      for (String[] row : new String[][] {{expired, "-1000"}, {live, "60000"}}) {
        sessions.create(new UploadSession(row[0], "/upload/v1beta/files?upload_id=x", "fp", "1111", "c_someone", 1,
            UploadSession.Kind.FILE, null, now - 1000, now + Long.parseLong(row[1]))).join();
      }

      assertThat(fresh.post("/upload/v1beta/files", "{}", "x-goog-api-key", GatewayHarness.CLIENT_TOKEN,
          "x-goog-upload-protocol", "resumable", "x-goog-upload-command", "start").statusCode()).isEqualTo(200);

      for (int i = 0; i < 100 && sessions.find(expired).join().isPresent(); i++) {
        Thread.sleep(50);
      }
      assertThat(sessions.find(expired).join()).isEmpty();
      assertThat(sessions.find(live).join()).isPresent();
    }
  }

  @Test
  void aClientCannotKeepMoreThanItsCapOfUploadsOpen() {
    try (GatewayHarness fresh = GatewayHarness.start(Map.of(
        "ALLOWED_TOKENS", "[\"" + GatewayHarness.CLIENT_TOKEN + "\",\"" + OTHER_TOKEN + "\"]"))) {
      FakeUploads.on(fresh.fake);
      String[] startHeaders = {"x-goog-upload-protocol", "resumable", "x-goog-upload-command", "start"};
      for (int i = 0; i < FileTransferRelay.MAX_OPEN_UPLOADS; i++) {
        assertThat(fresh.post("/upload/v1beta/files", "{}", concat(new String[] {"x-goog-api-key",
            GatewayHarness.CLIENT_TOKEN}, startHeaders)).statusCode()).isEqualTo(200);
      }
      int before = fresh.fake.requests().size();
      HttpResponse<String> over = fresh.post("/upload/v1beta/files", "{}", concat(new String[] {"x-goog-api-key",
          GatewayHarness.CLIENT_TOKEN}, startHeaders));
      assertGoogleError(over, 429, "uploads open");
      assertThat(over.headers().firstValue("retry-after")).isPresent();
      assertThat(fresh.fake.requests()).hasSize(before);
      assertThat(fresh.post("/upload/v1beta/files", "{}", concat(new String[] {"x-goog-api-key", OTHER_TOKEN},
          startHeaders)).statusCode()).isEqualTo(200);
    }
  }

  static void assertNoPoolKeyIn(String text) {
    for (String key : POOL) {
      assertThat(text).doesNotContain(key);
    }
  }
}
