package io.geminibalance.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.genai.Client;
import com.google.genai.errors.ApiException;
import com.google.genai.errors.ClientException;
import com.google.genai.types.BatchJob;
import com.google.genai.types.BatchJobSource;
import com.google.genai.types.CachedContent;
import com.google.genai.types.Content;
import com.google.genai.types.CreateBatchJobConfig;
import com.google.genai.types.CreateCachedContentConfig;
import com.google.genai.types.CreateEmbeddingsBatchJobConfig;
import com.google.genai.types.EmbedContentBatch;
import com.google.genai.types.EmbeddingsBatchJobSource;
import com.google.genai.types.GenerateContentConfig;
import com.google.genai.types.GenerateContentResponse;
import com.google.genai.types.GenerateImagesConfig;
import com.google.genai.types.GenerateVideosOperation;
import com.google.genai.types.GenerateVideosSource;
import com.google.genai.types.HttpOptions;
import com.google.genai.types.HttpRetryOptions;
import com.google.genai.types.InlinedRequest;
import com.google.genai.types.JobState;
import com.google.genai.types.ListBatchJobsConfig;
import com.google.genai.types.ListCachedContentsConfig;
import com.google.genai.types.Part;
import com.google.genai.types.UpdateCachedContentConfig;
import com.google.genai.types.Video;
import io.geminibalance.testing.FakeGemini;
import io.geminibalance.testing.GatewayHarness;
import io.geminibalance.testing.Recorded;
import io.geminibalance.testing.Replies;
import io.geminibalance.testing.Reply;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Google's Gen AI Java SDK, pointed at the gateway, on the stateful parts of the API: context
 * caches, batches, Imagen and Veo. The fake upstream answers in the shapes Google answers (the
 * SDK parses them), keeps the resources it made, and records which pool key each call came with:
 * every call about a resource must come with the key that created it, and another client must
 * neither see nor reach it.
 */
class GoogleGenAiResourcesSdkTest {
  private static final String OTHER_TOKEN = "tok-client-other-0003";
  private static final String MODEL = "gemini-2.5-flash";
  private static final String EMBEDDING = "gemini-embedding-001";
  private static final String IMAGEN = "imagen-4.0-generate-001";
  private static final String VEO = "veo-3.0-generate-001";
  private static final byte[] PNG = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 1, 2, 3};
  private static final byte[] MP4 = "\0\0\0\u0018ftypmp42 fake video".getBytes(StandardCharsets.ISO_8859_1);

  @RegisterExtension
  static final GatewayHarness h = GatewayHarness.start(Map.of("ALLOWED_TOKENS",
      "[\"" + GatewayHarness.CLIENT_TOKEN + "\",\"" + OTHER_TOKEN + "\"]"));

  private static final Client mine = sdk(h, GatewayHarness.CLIENT_TOKEN);
  private static final Client other = sdk(h, OTHER_TOKEN);
  private final FakeGoogle google = new FakeGoogle();

  @TempDir
  Path dir;

  static Client sdk(GatewayHarness gateway, String token) {
    return Client.builder().apiKey(token).vertexAI(false)
        .httpOptions(HttpOptions.builder().baseUrl(gateway.url("")).build()).build();
  }

  @BeforeEach
  void script() {
    google.install(h.fake);
  }

  @Test
  void aCacheIsCreatedUsedReadChangedListedAndDeletedWithTheKeyThatCreatedIt() {
    CachedContent cache = mine.caches.create(MODEL, CreateCachedContentConfig.builder()
        .contents(Content.fromParts(Part.fromText("a long document to cache")))
        .displayName("doc").ttl(Duration.ofMinutes(10)).build());
    String name = cache.name().orElseThrow();
    assertThat(name).startsWith("cachedContents/");
    assertThat(cache.model()).hasValue("models/" + MODEL);
    String key = only(h.fake.requests("/cachedContents")).key();

    GenerateContentResponse answer = mine.models.generateContent(MODEL, "What does it say?",
        GenerateContentConfig.builder().cachedContent(name).build());
    assertThat(answer.text()).isEqualTo("Hello from fake");
    assertThat(only(h.fake.requests(":generateContent")).bodyText()).contains("\"cachedContent\":\"" + name + "\"");

    assertThat(mine.caches.get(name, null).displayName()).hasValue("doc");
    Instant before = cache.expireTime().orElseThrow();
    CachedContent updated = mine.caches.update(name, UpdateCachedContentConfig.builder()
        .ttl(Duration.ofHours(2)).build());
    assertThat(updated.expireTime().orElseThrow()).isAfter(before);
    Recorded patch = only(h.fake.requests().stream().filter(r -> r.method().name().equals("PATCH")).toList());
    assertThat(patch.path()).isEqualTo("/v1beta/" + name);
    assertThat(patch.bodyText()).contains("7200s");

    // Lists come from the gateway's records, with what Google last said about the cache.
    List<CachedContent> listed = new ArrayList<>();
    mine.caches.list(ListCachedContentsConfig.builder().pageSize(10).build()).forEach(listed::add);
    // (The class shares one gateway: other tests' caches of the same client may be listed too.)
    CachedContent mineListed = listed.stream().filter(c -> c.name().equals(Optional.of(name))).findFirst().orElseThrow();
    assertThat(mineListed.expireTime()).isEqualTo(updated.expireTime());
    assertThat(mineListed.displayName()).hasValue("doc");

    mine.caches.delete(name, null);
    assertThat(google.caches).doesNotContainKey(name);
    assertThat(h.fake.requests()).extracting(Recorded::key).containsOnly(key);
    assertThat(h.fake.requests().stream().map(r -> r.method().name() + " " + r.path()).toList()).containsExactly(
        "POST /v1beta/cachedContents", "POST /v1beta/models/" + MODEL + ":generateContent",
        "GET /v1beta/" + name, "PATCH /v1beta/" + name, "DELETE /v1beta/" + name);
    List<CachedContent> afterwards = new ArrayList<>();
    mine.caches.list(null).forEach(afterwards::add);
    assertThat(afterwards).extracting(c -> c.name().orElse("")).doesNotContain(name);
  }

  @Test
  void aCreationGoogleRefusesReachesTheSdkAndLeavesNoRecord() {
    h.fake.reset();
    h.fake.on(r -> r.path().endsWith("/cachedContents"), Replies.googleError(400, "INVALID_ARGUMENT",
        "Cached content is too small. total_token_count=5, min_total_token_count=1024"));
    google.install(h.fake);
    List<String> before = new ArrayList<>();
    mine.caches.list(null).forEach(c -> before.add(c.name().orElse("")));

    assertThatThrownBy(() -> mine.caches.create(MODEL, CreateCachedContentConfig.builder()
        .contents(Content.fromParts(Part.fromText("short"))).build()))
        .isInstanceOf(ClientException.class)
        .satisfies(e -> assertThat(((ApiException) e).code()).isEqualTo(400))
        .hasMessageContaining("too small");
    List<String> after = new ArrayList<>();
    mine.caches.list(null).forEach(c -> after.add(c.name().orElse("")));
    assertThat(after).isEqualTo(before);
    // Google refused it: no key is blamed for the client's mistake.
    String pool = h.get("/api/pool", "authorization", "Bearer " + GatewayHarness.ADMIN_TOKEN).body();
    assertThat(pool).doesNotContain("DISABLED").doesNotContain("COOLING");
  }

  @Test
  void theSdksPagerFollowsTheGatewaysPageTokens() {
    List<String> made = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      made.add(mine.caches.create(MODEL, CreateCachedContentConfig.builder()
          .contents(Content.fromParts(Part.fromText("page " + i))).build()).name().orElseThrow());
    }
    int before = h.fake.requests().size();
    List<String> listed = new ArrayList<>();
    mine.caches.list(ListCachedContentsConfig.builder().pageSize(1).build())
        .forEach(c -> listed.add(c.name().orElse("")));
    // Newest first, one per page, every page from the records.
    assertThat(listed).containsSubsequence(made.reversed()).doesNotHaveDuplicates();
    assertThat(h.fake.requests()).hasSize(before);
  }

  @Test
  void aBatchIsCreatedReadListedCancelledAndDeletedWithTheKeyThatCreatedIt() {
    BatchJob created = mine.batches.create(MODEL, BatchJobSource.builder().inlinedRequests(
            InlinedRequest.builder().contents(Content.fromParts(Part.fromText("one"))).build(),
            InlinedRequest.builder().contents(Content.fromParts(Part.fromText("two"))).build()).build(),
        CreateBatchJobConfig.builder().displayName("nightly").build());
    String name = created.name().orElseThrow();
    assertThat(name).startsWith("batches/");
    assertThat(created.state().map(JobState::knownEnum)).hasValue(JobState.Known.JOB_STATE_PENDING);
    Recorded creation = only(h.fake.requests(":batchGenerateContent"));
    assertThat(creation.path()).isEqualTo("/v1beta/models/" + MODEL + ":batchGenerateContent");
    assertThat(creation.bodyText()).contains("nightly").contains("one").contains("two");
    String key = creation.key();

    BatchJob got = mine.batches.get(name, null);
    assertThat(got.displayName()).hasValue("nightly");
    assertThat(got.model()).hasValue("models/" + MODEL);

    List<BatchJob> listed = new ArrayList<>();
    mine.batches.list(ListBatchJobsConfig.builder().pageSize(10).build()).forEach(listed::add);
    BatchJob mineListed = listed.stream().filter(b -> b.name().equals(Optional.of(name))).findFirst().orElseThrow();
    assertThat(mineListed.displayName()).hasValue("nightly");
    assertThat(mineListed.model()).hasValue("models/" + MODEL);

    mine.batches.cancel(name, null);
    assertThat(mine.batches.get(name, null).state().map(JobState::knownEnum))
        .hasValue(JobState.Known.JOB_STATE_CANCELLED);
    mine.batches.delete(name, null);
    assertThat(google.batches).doesNotContainKey(name);

    assertThat(h.fake.requests().stream().map(r -> r.method().name() + " " + r.path()).toList()).containsExactly(
        "POST /v1beta/models/" + MODEL + ":batchGenerateContent", "GET /v1beta/" + name,
        "POST /v1beta/" + name + ":cancel", "GET /v1beta/" + name, "DELETE /v1beta/" + name);
    assertThat(h.fake.requests()).extracting(Recorded::key).containsOnly(key);
    assertThatThrownBy(() -> mine.batches.get(name, null)).isInstanceOf(ClientException.class)
        .satisfies(e -> assertThat(((ApiException) e).code()).isEqualTo(404));
    List<BatchJob> afterwards = new ArrayList<>();
    mine.batches.list(null).forEach(afterwards::add);
    assertThat(afterwards).extracting(b -> b.name().orElse("")).doesNotContain(name);
  }

  @Test
  void anEmbeddingsBatchIsReadWithTheKeyThatCreatedIt() {
    BatchJob created = mine.batches.createEmbeddings(EMBEDDING, EmbeddingsBatchJobSource.builder()
        .inlinedRequests(EmbedContentBatch.builder().contents(Content.fromParts(Part.fromText("first")),
            Content.fromParts(Part.fromText("second"))).build()).build(),
        CreateEmbeddingsBatchJobConfig.builder().displayName("vectors").build());
    String name = created.name().orElseThrow();
    Recorded creation = only(h.fake.requests());
    assertThat(creation.path()).isEqualTo("/v1beta/models/" + EMBEDDING + ":asyncBatchEmbedContent");
    assertThat(creation.bodyText()).contains("first").contains("second");

    assertThat(mine.batches.get(name, null).displayName()).hasValue("vectors");
    mine.batches.cancel(name, null);
    assertThat(h.fake.requests()).extracting(Recorded::key).containsOnly(creation.key()).hasSize(3);
    notFound(() -> other.batches.get(name, null), name);
    assertThat(h.fake.requests()).hasSize(3);
  }

  /**
   * SDK 1.70.0 builds Imagen requests for Vertex AI only: in Gemini Developer API mode {@code
   * models.generateImages} throws before sending anything. The gateway's {@code :predict} is
   * therefore shown with the request the Gemini API documents, and the answer must come back as
   * Google sent it (the SDK's own Vertex converter reads the same {@code predictions} shape).
   */
  @Test
  void imagenPredictAnswersComeBackUnchanged() {
    assertThatThrownBy(() -> mine.models.generateImages(IMAGEN, "a lighthouse at dusk",
        GenerateImagesConfig.builder().numberOfImages(1).build()))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThat(h.fake.requests()).isEmpty();

    HttpResponse<String> answer = predict(h, GatewayHarness.CLIENT_TOKEN);
    assertThat(answer.statusCode()).isEqualTo(200);
    JsonNode prediction = FakeGoogle.read(answer.body()).path("predictions").path(0);
    assertThat(Base64.getDecoder().decode(prediction.path("bytesBase64Encoded").asText())).isEqualTo(PNG);
    assertThat(prediction.path("mimeType").asText()).isEqualTo("image/png");
    Recorded predict = only(h.fake.requests());
    assertThat(predict.path()).isEqualTo("/v1beta/models/" + IMAGEN + ":predict");
    assertThat(predict.bodyText()).contains("a lighthouse at dusk").contains("\"sampleCount\":1");
    assertThat(predict.key()).startsWith("key-");
  }

  private static HttpResponse<String> predict(GatewayHarness gateway, String token) {
    return gateway.post("/v1beta/models/" + IMAGEN + ":predict",
        "{\"instances\":[{\"prompt\":\"a lighthouse at dusk\"}],\"parameters\":{\"sampleCount\":1}}",
        "x-goog-api-key", token, "content-type", "application/json");
  }

  @Test
  void aVeoOperationIsPolledAndItsVideoDownloadedWithTheCreatingKeyOnly() throws IOException {
    GenerateVideosOperation operation = mine.models.generateVideos(VEO,
        GenerateVideosSource.builder().prompt("waves on a beach").build(), null);
    String name = operation.name().orElseThrow();
    assertThat(name).startsWith("models/" + VEO + "/operations/");
    String key = only(h.fake.requests(":predictLongRunning")).key();

    for (int polls = 0; polls < 10 && !operation.done().orElse(false); polls++) {
      operation = mine.operations.getVideosOperation(operation, null);
    }
    assertThat(operation.done()).hasValue(true);
    assertThat(h.fake.requests("/" + name.substring(name.lastIndexOf('/') + 1))).hasSize(FakeGoogle.POLLS_UNTIL_DONE);
    Video video = operation.response().orElseThrow().generatedVideos().orElseThrow().get(0).video().orElseThrow();
    String uri = video.uri().orElseThrow();
    String file = uri.substring(uri.indexOf("files/"), uri.indexOf(':', uri.indexOf("files/")));

    Path saved = dir.resolve("video.mp4");
    mine.files.download(video, saved.toString(), null);
    assertThat(Files.readAllBytes(saved)).isEqualTo(MP4);
    Recorded download = only(h.fake.requests(":download"));
    // Fetched by the file transfer relay from Google's media endpoint (/download/{version}/...).
    assertThat(download.path()).isEqualTo("/download/v1beta/" + file + ":download");
    assertThat(download.query()).isEqualTo("alt=media");
    assertThat(h.fake.requests()).extracting(Recorded::key).containsOnly(key);

    int before = h.fake.requests().size();
    GenerateVideosOperation theirs = operation;
    assertThatThrownBy(() -> other.operations.getVideosOperation(theirs, null)).isInstanceOf(ClientException.class)
        .satisfies(e -> assertThat(((ApiException) e).code()).isEqualTo(404));
    assertThatThrownBy(() -> other.files.get(file, null)).isInstanceOf(ClientException.class)
        .satisfies(e -> assertThat(((ApiException) e).code()).isEqualTo(404));
    assertThatThrownBy(() -> other.files.download(video, dir.resolve("stolen.mp4").toString(), null))
        .isInstanceOf(ClientException.class)
        .satisfies(e -> assertThat(((ApiException) e).code()).isEqualTo(404));
    assertThat(h.fake.requests()).hasSize(before);
    // The SDK opens the target file before it reads the answer: it may exist, but empty.
    Path stolen = dir.resolve("stolen.mp4");
    assertThat(Files.exists(stolen) ? Files.size(stolen) : 0L).isZero();
  }

  @Test
  void anotherClientCannotListReadUseChangeOrDeleteTheFirstOnesCacheAndBatch() {
    String cache = mine.caches.create(MODEL, CreateCachedContentConfig.builder()
        .contents(Content.fromParts(Part.fromText("private notes"))).ttl(Duration.ofMinutes(10)).build())
        .name().orElseThrow();
    String batch = mine.batches.create(MODEL, BatchJobSource.builder().inlinedRequests(
        InlinedRequest.builder().contents(Content.fromParts(Part.fromText("q"))).build()).build(), null)
        .name().orElseThrow();
    int before = h.fake.requests().size();

    List<CachedContent> caches = new ArrayList<>();
    other.caches.list(null).forEach(caches::add);
    assertThat(caches).isEmpty();
    List<BatchJob> batches = new ArrayList<>();
    other.batches.list(null).forEach(batches::add);
    assertThat(batches).isEmpty();

    notFound(() -> other.caches.get(cache, null), cache);
    notFound(() -> other.models.generateContent(MODEL, "q", GenerateContentConfig.builder().cachedContent(cache).build()),
        cache);
    notFound(() -> other.caches.update(cache, UpdateCachedContentConfig.builder().ttl(Duration.ofHours(1)).build()),
        cache);
    notFound(() -> other.caches.delete(cache, null), cache);
    notFound(() -> other.batches.get(batch, null), batch);
    // The SDK's cancel does not read the answer (it reports no error at all); the gateway's 404 is
    // seen on the wire.
    other.batches.cancel(batch, null);
    HttpResponse<String> cancel = h.post("/v1beta/" + batch + ":cancel", "{}", "x-goog-api-key", OTHER_TOKEN,
        "content-type", "application/json");
    assertThat(cancel.statusCode()).isEqualTo(404);
    assertThat(cancel.body()).contains("\"status\":\"NOT_FOUND\"").contains(batch);
    notFound(() -> other.batches.delete(batch, null), batch);
    assertThat(h.fake.requests()).as("none of it reached Google").hasSize(before);

    // The owner still has both, untouched.
    assertThat(mine.caches.get(cache, null).name()).hasValue(cache);
    assertThat(mine.batches.get(batch, null).name()).hasValue(batch);
    assertThat(google.caches).containsKey(cache);
    assertThat(google.batches).containsKey(batch);
  }

  @Test
  void batchesImagenAndVeoCountAgainstTheirModelsQuota() {
    // Imagen and Veo models are in Google's model list (the fake's has only Gemini models): their
    // limits here give them quota lanes of their own, as the list would.
    try (GatewayHarness one = GatewayHarness.start(Map.of("API_KEYS", "[\"key-only-0001\"]", "DEFAULT_RPM", "1",
        "QUEUE_TIMEOUT_SECONDS", "5", "MODEL_RATE_LIMITS", "{\"" + IMAGEN + "\": [1, 100], \"" + VEO + "\": [1, 100]}"))) {
      new FakeGoogle().install(one.fake);
      // One attempt: the SDK would otherwise retry a 429 with back-off until the minute is over.
      Client client = Client.builder().apiKey(GatewayHarness.CLIENT_TOKEN).vertexAI(false)
          .httpOptions(HttpOptions.builder().baseUrl(one.url(""))
              .retryOptions(HttpRetryOptions.builder().attempts(1).build()).build()).build();
      String batch = client.batches.create(MODEL, BatchJobSource.builder().inlinedRequests(
          InlinedRequest.builder().contents(Content.fromParts(Part.fromText("q"))).build()).build(), null)
          .name().orElseThrow();
      assertThat(predict(one, GatewayHarness.CLIENT_TOKEN).statusCode()).isEqualTo(200);
      client.models.generateVideos(VEO, GenerateVideosSource.builder().prompt("a dog").build(), null);
      assertThat(one.fake.requests()).hasSize(3);

      // Each model's one request this minute is spent: the gateway answers 429 itself (no key
      // frees within QUEUE_TIMEOUT_SECONDS) and nothing more reaches Google.
      tooMany(() -> client.models.generateContent(MODEL, "q", null));
      assertThat(predict(one, GatewayHarness.CLIENT_TOKEN).statusCode()).isEqualTo(429);
      tooMany(() -> client.models.generateVideos(VEO, GenerateVideosSource.builder().prompt("a dog").build(), null));
      assertThat(one.fake.requests()).hasSize(3);
      // Reading the batch uses no model's quota.
      assertThat(client.batches.get(batch, null).name()).hasValue(batch);

      String pool = one.get("/api/pool", "authorization", "Bearer " + GatewayHarness.ADMIN_TOKEN).body();
      for (String model : List.of(MODEL, IMAGEN, VEO)) {
        assertThat(pool).contains("\"model\":\"" + model + "\",\"state\":\"COOLING\",\"usedThisMinute\":1");
      }
    }
  }

  private static void notFound(Supplier<?> call, String resource) {
    assertThatThrownBy(call::get).isInstanceOf(ClientException.class)
        .satisfies(e -> assertThat(((ApiException) e).code()).isEqualTo(404))
        .hasMessageContaining(resource);
  }

  private static void tooMany(Supplier<?> call) {
    assertThatThrownBy(call::get).isInstanceOf(ClientException.class)
        .satisfies(e -> assertThat(((ApiException) e).code()).isEqualTo(429));
  }

  private static Recorded only(List<Recorded> requests) {
    assertThat(requests).hasSize(1);
    return requests.get(0);
  }

  /**
   * The Gemini API's stateful parts as the fake upstream plays them: caches, batches and Veo
   * operations kept in maps, answered in Google's JSON shapes (the Gemini API's, not Vertex AI's).
   */
  static final class FakeGoogle {
    static final int POLLS_UNTIL_DONE = 2;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final AtomicInteger IDS = new AtomicInteger();
    final Map<String, ObjectNode> caches = new ConcurrentHashMap<>();
    final Map<String, ObjectNode> batches = new ConcurrentHashMap<>();
    final Map<String, AtomicInteger> operations = new ConcurrentHashMap<>();

    void install(FakeGemini fake) {
      fake.on(r -> is(r, "POST", "/v1beta/cachedContents"), (r, res, raw) -> createCache(r).send(r, res, raw));
      fake.on(r -> r.path().startsWith("/v1beta/cachedContents/"), (r, res, raw) -> cache(r).send(r, res, raw));
      fake.on(r -> r.path().endsWith(":batchGenerateContent") || r.path().endsWith(":asyncBatchEmbedContent"),
          (r, res, raw) -> createBatch(r).send(r, res, raw));
      fake.on(r -> r.path().startsWith("/v1beta/batches/"), (r, res, raw) -> batch(r).send(r, res, raw));
      fake.on(r -> r.path().endsWith(":predict"), Replies.json(200, "{\"predictions\":[{\"mimeType\":\"image/png\","
          + "\"bytesBase64Encoded\":\"" + Base64.getEncoder().encodeToString(PNG) + "\"}]}"));
      fake.on(r -> r.path().endsWith(":predictLongRunning"), (r, res, raw) -> createOperation(r).send(r, res, raw));
      fake.on(r -> r.path().contains("/operations/"), (r, res, raw) -> operation(r).send(r, res, raw));
      fake.on(r -> r.path().endsWith(":download"), (r, res, raw) -> res.setStatusCode(200)
          .putHeader("content-type", "video/mp4").end(Buffer.buffer(MP4)));
    }

    private static boolean is(Recorded r, String method, String path) {
      return r.method().name().equals(method) && r.path().equals(path);
    }

    private static String id(String prefix) {
      return prefix + Integer.toString(1000 + IDS.incrementAndGet(), 36) + "xq7";
    }

    private static JsonNode body(Recorded r) {
      return read(r.bodyText());
    }

    static JsonNode read(String json) {
      try {
        return JSON.readTree(json);
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    }

    private static Instant expiry(JsonNode request) {
      String ttl = request.path("ttl").asText("3600s");
      return Instant.now().plusSeconds(Long.parseLong(ttl.substring(0, ttl.indexOf('s')).split("\\.")[0]));
    }

    private Reply createCache(Recorded r) {
      JsonNode request = body(r);
      String name = "cachedContents/" + id("c");
      String now = Instant.now().toString();
      ObjectNode cache = JSON.createObjectNode().put("name", name).put("model", request.path("model").asText())
          .put("createTime", now).put("updateTime", now).put("expireTime", expiry(request).toString());
      if (request.has("displayName")) {
        cache.put("displayName", request.path("displayName").asText());
      }
      cache.putObject("usageMetadata").put("totalTokenCount", 4096);
      caches.put(name, cache);
      return Replies.json(200, cache.toString());
    }

    private Reply cache(Recorded r) {
      String name = r.path().substring("/v1beta/".length());
      ObjectNode cache = caches.get(name);
      if (cache == null) {
        return notFound(name);
      }
      return switch (r.method().name()) {
        case "GET" -> Replies.json(200, cache.toString());
        case "PATCH" -> {
          cache.put("expireTime", expiry(body(r)).toString()).put("updateTime", Instant.now().toString());
          yield Replies.json(200, cache.toString());
        }
        case "DELETE" -> {
          caches.remove(name);
          yield Replies.json(200, "{}");
        }
        default -> notFound(name);
      };
    }

    private Reply createBatch(Recorded r) {
      JsonNode request = body(r).path("batch");
      String path = r.path();
      String model = path.substring(path.indexOf("models/"), path.lastIndexOf(':'));
      String name = "batches/" + id("b");
      String now = Instant.now().toString();
      int count = request.path("inputConfig").path("requests").path("requests").size();
      ObjectNode operation = JSON.createObjectNode().put("name", name);
      ObjectNode metadata = operation.putObject("metadata")
          .put("@type", "type.googleapis.com/google.ai.generativelanguage.v1main."
              + (path.endsWith(":asyncBatchEmbedContent") ? "EmbedContentBatch" : "GenerateContentBatch"))
          .put("model", model).put("displayName", request.path("displayName").asText(name))
          .put("createTime", now).put("updateTime", now).put("state", "BATCH_STATE_PENDING").put("name", name);
      metadata.putObject("batchStats").put("requestCount", Integer.toString(count))
          .put("pendingRequestCount", Integer.toString(count));
      batches.put(name, operation);
      return Replies.json(200, operation.toString());
    }

    private Reply batch(Recorded r) {
      String path = r.path().substring("/v1beta/".length());
      boolean cancel = path.endsWith(":cancel");
      String name = cancel ? path.substring(0, path.length() - ":cancel".length()) : path;
      ObjectNode operation = batches.get(name);
      if (operation == null) {
        return notFound(name);
      }
      if (cancel && r.method().name().equals("POST")) {
        ((ObjectNode) operation.path("metadata")).put("state", "BATCH_STATE_CANCELLED")
            .put("updateTime", Instant.now().toString());
        return Replies.json(200, "{}");
      }
      return switch (r.method().name()) {
        case "GET" -> Replies.json(200, operation.toString());
        case "DELETE" -> {
          batches.remove(name);
          yield Replies.json(200, "{}");
        }
        default -> notFound(name);
      };
    }

    private Reply createOperation(Recorded r) {
      String path = r.path();
      String name = path.substring(path.indexOf("models/"), path.lastIndexOf(':')) + "/operations/" + id("op");
      operations.put(name, new AtomicInteger());
      return Replies.json(200, "{\"name\":\"" + name + "\"}");
    }

    private Reply operation(Recorded r) {
      String name = r.path().substring("/v1beta/".length());
      AtomicInteger polls = operations.get(name);
      if (polls == null || !r.method().name().equals("GET")) {
        return notFound(name);
      }
      if (polls.incrementAndGet() < POLLS_UNTIL_DONE) {
        return Replies.json(200, "{\"name\":\"" + name + "\"}");
      }
      String file = "files/" + id("v");
      return Replies.json(200, "{\"name\":\"" + name + "\",\"done\":true,\"response\":{\"@type\":"
          + "\"type.googleapis.com/google.ai.generativelanguage.v1beta.PredictLongRunningResponse\","
          + "\"generateVideoResponse\":{\"generatedSamples\":[{\"video\":{\"uri\":"
          + "\"https://generativelanguage.googleapis.com/v1beta/" + file + ":download?alt=media\"}}]}}}");
    }

    private static Reply notFound(String name) {
      return Replies.googleError(404, "NOT_FOUND", "Requested entity was not found: " + name);
    }
  }
}
