package io.geminibalance.relay;

import static org.assertj.core.api.Assertions.assertThat;

import io.geminibalance.auth.TokenLimits;
import io.geminibalance.testing.GatewayHarness;
import io.geminibalance.testing.ManagedTokens;
import io.geminibalance.testing.PrometheusText;
import io.geminibalance.testing.RawHttp;
import io.geminibalance.testing.Replies;
import io.geminibalance.testing.Reply;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.InputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The usage in the request log adds up to exactly what Google reported: a fake upstream answers
 * each call with a random {@code usageMetadata} (prompt, candidates, thoughts, cached, tool-use
 * prompt, image and audio details; a stream's chunks carry the counts so far) and a mixed,
 * concurrent run over every generation surface must leave request-log sums equal to the sums of
 * the answers' final usage, and the token counters the same. A stream the client leaves is logged
 * abandoned with the usage seen until then; a stream cut upstream is logged with the usage it had
 * reported; failed attempts carry none.
 */
class UsageSumsTest {
  private static final String MODEL = "gemini-2.5-flash";
  private static final String METRICS_TOKEN = "tok-metrics-0003";
  private static final String AUTH = GatewayHarness.CLIENT_TOKEN;
  private static final int REQUESTS = 2_400;
  private static final int PARALLEL = 8;

  /** prompt (tool-use prompt included), cached, output, thinking, image, audio: the request-log's sums. */
  private static final int PROMPT = 0;
  private static final int CACHED = 1;
  private static final int OUTPUT = 2;
  private static final int THINKING = 3;
  private static final int IMAGE = 4;
  private static final int AUDIO = 5;

  /** One answer's final counts, and the usageMetadata of chunk {@code i} of {@code n} (counts so far). */
  private record Usage(int prompt, int tool, int cached, int candidates, int thoughts, int promptImage,
      int promptAudio, int answerImage) {
    static Usage random(Random random) {
      int prompt = 10 + random.nextInt(20_000);
      int candidates = 20 + random.nextInt(4_000);
      return new Usage(prompt, random.nextInt(4) == 0 ? random.nextInt(500) : 0, random.nextInt(prompt),
          candidates, random.nextBoolean() ? random.nextInt(3_000) : 0, random.nextInt(prompt / 3 + 1),
          random.nextInt(prompt / 3 + 1), random.nextInt(candidates / 2 + 1));
    }

    /** The counts after chunk {@code i} (1-based) of {@code n}: the prompt at once, the answer growing. */
    String json(int i, int n) {
      int c = (int) ((long) candidates * i / n);
      int t = (int) ((long) thoughts * i / n);
      int ci = Math.min(c, (int) ((long) answerImage * i / n));
      StringBuilder out = new StringBuilder("{\"promptTokenCount\":").append(prompt)
          .append(",\"candidatesTokenCount\":").append(c)
          .append(",\"totalTokenCount\":").append(prompt + tool + c + t)
          .append(",\"promptTokensDetails\":[{\"modality\":\"TEXT\",\"tokenCount\":")
          .append(prompt - promptImage - promptAudio).append("},{\"modality\":\"IMAGE\",\"tokenCount\":")
          .append(promptImage).append("},{\"modality\":\"AUDIO\",\"tokenCount\":").append(promptAudio).append("}]")
          .append(",\"candidatesTokensDetails\":[{\"modality\":\"TEXT\",\"tokenCount\":").append(c - ci)
          .append("},{\"modality\":\"IMAGE\",\"tokenCount\":").append(ci).append("}]");
      if (cached > 0) {
        out.append(",\"cachedContentTokenCount\":").append(cached);
      }
      if (tool > 0) {
        out.append(",\"toolUsePromptTokenCount\":").append(tool);
      }
      if (t > 0) {
        out.append(",\"thoughtsTokenCount\":").append(t);
      }
      return out.append('}').toString();
    }

    void addTo(AtomicLongArray sums) {
      sums.addAndGet(PROMPT, prompt + tool);
      sums.addAndGet(CACHED, cached);
      sums.addAndGet(OUTPUT, candidates);
      sums.addAndGet(THINKING, thoughts);
      sums.addAndGet(IMAGE, promptImage + answerImage);
      sums.addAndGet(AUDIO, promptAudio);
    }
  }

  private static String chunk(String text, boolean last, String usage) {
    return "{\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"" + text + "\"}],\"role\":\"model\"},"
        + (last ? "\"finishReason\":\"STOP\"," : "") + "\"index\":0}],\"usageMetadata\":" + usage
        + ",\"modelVersion\":\"" + MODEL + "\",\"responseId\":\"r\"}";
  }

  /** The fake's answers: random usage per call, its final counts added to {@code sums} as it answers. */
  private static Reply randomUsage(AtomicLongArray sums) {
    return (r, res, raw) -> {
      Random random = ThreadLocalRandom.current();
      Usage usage = Usage.random(random);
      usage.addTo(sums);
      boolean stream = r.path().endsWith(":streamGenerateContent");
      int n = stream ? 1 + random.nextInt(4) : 1;
      List<String> chunks = new ArrayList<>();
      for (int i = 1; i <= n; i++) {
        chunks.add(chunk("part" + i + " ", i == n, usage.json(i, n)));
      }
      if (stream && r.query() != null && r.query().contains("alt=sse")) {
        Replies.sse(chunks, 0).send(r, res, raw);
      } else if (stream) {
        // The JSON array stream, spread over lines and written in pieces as Google does.
        res.setStatusCode(200).putHeader("content-type", "application/json; charset=UTF-8").setChunked(true);
        res.write("[");
        for (int i = 0; i < n; i++) {
          res.write((i == 0 ? "" : ",\r\n") + chunks.get(i).replace(",\"", ",\n  \""));
        }
        res.end("]");
      } else if (random.nextInt(8) == 0) {
        // Chunked and larger than the empty-answer check reads: relayed from its head on.
        String filler = "x".repeat(70_000 + random.nextInt(20_000));
        String body = chunk(filler, true, usage.json(1, 1));
        res.setStatusCode(200).putHeader("content-type", "application/json; charset=UTF-8").setChunked(true);
        int third = body.length() / 3;
        res.write(body.substring(0, third));
        res.write(body.substring(third, 2 * third));
        res.end(body.substring(2 * third));
      } else {
        Replies.json(200, chunks.get(0)).send(r, res, raw);
      }
    };
  }

  /** The requests of the mixed run, one per surface and shape. */
  private static final List<Function<GatewayHarness, HttpRequest>> CALLS = List.of(
      h -> post(h, "/v1beta/models/" + MODEL + ":generateContent", "{\"contents\":[{\"parts\":[{\"text\":\"hi\"}]}]}",
          "x-goog-api-key", AUTH),
      h -> post(h, "/v1beta/models/" + MODEL + ":streamGenerateContent?alt=sse",
          "{\"contents\":[{\"parts\":[{\"text\":\"hi\"}]}]}", "x-goog-api-key", AUTH),
      h -> post(h, "/v1beta/models/" + MODEL + ":streamGenerateContent",
          "{\"contents\":[{\"parts\":[{\"text\":\"hi\"}]}]}", "x-goog-api-key", AUTH),
      h -> post(h, "/v1/chat/completions", chat(false), "authorization", "Bearer " + AUTH),
      h -> post(h, "/v1/chat/completions", chat(true), "authorization", "Bearer " + AUTH),
      h -> post(h, "/v1/messages", messages(false), "x-api-key", AUTH),
      h -> post(h, "/v1/messages", messages(true), "x-api-key", AUTH),
      h -> post(h, "/v1/responses", responses(false), "authorization", "Bearer " + AUTH),
      h -> post(h, "/v1/responses", responses(true), "authorization", "Bearer " + AUTH));

  private static String chat(boolean stream) {
    return "{\"model\":\"" + MODEL + "\",\"stream\":" + stream + ",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
  }

  private static String messages(boolean stream) {
    return "{\"model\":\"" + MODEL + "\",\"max_tokens\":50,\"stream\":" + stream
        + ",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
  }

  private static String responses(boolean stream) {
    return "{\"model\":\"" + MODEL + "\",\"store\":false,\"stream\":" + stream + ",\"input\":\"hi\"}";
  }

  private static HttpRequest post(GatewayHarness h, String path, String body, String... auth) {
    return h.request(path, auth[0], auth[1], "content-type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build();
  }

  @Test
  void requestLogSumsEqualWhatGoogleReported() throws Exception {
    String db = GatewayHarness.tempDatabase();
    try (GatewayHarness h = GatewayHarness.start(Map.of("METRICS_TOKEN", METRICS_TOKEN), db)) {
      AtomicLongArray reported = new AtomicLongArray(6);
      h.fake.on(r -> r.path().contains(":generateContent") || r.path().contains(":streamGenerateContent"),
          randomUsage(reported));
      ExecutorService pool = Executors.newFixedThreadPool(PARALLEL);
      try {
        List<Future<Integer>> statuses = new ArrayList<>();
        for (int i = 0; i < REQUESTS; i++) {
          HttpRequest request = CALLS.get(i % CALLS.size()).apply(h);
          statuses.add(pool.submit(() -> {
            HttpResponse<String> response = h.http.send(request, HttpResponse.BodyHandlers.ofString());
            // A broken or unreadable answer ends in an error event under the 200.
            String body = response.body();
            return body.contains("interrupted") || body.contains("malformed") || body.contains("not JSON")
                ? -response.statusCode() : response.statusCode();
          }));
        }
        for (Future<Integer> status : statuses) {
          assertThat(status.get()).isEqualTo(200);
        }
      } finally {
        pool.shutdownNow();
      }
      long[] logged = settledSums(db, REQUESTS);
      assertThat(logged[6]).as("rows").isEqualTo(REQUESTS);
      assertThat(logged[7]).as("rows without usage").isZero();
      assertThat(logged[8]).as("abandoned rows").isZero();
      for (int kind = PROMPT; kind <= AUDIO; kind++) {
        assertThat(logged[kind]).as("sum of kind %d", kind).isEqualTo(reported.get(kind));
      }

      PrometheusText metrics = PrometheusText.parse(h.get("/metrics", "authorization", "Bearer " + METRICS_TOKEN).body());
      String[] kinds = {"prompt", "cached", "output", "thinking"};
      for (int kind = PROMPT; kind <= THINKING; kind++) {
        assertThat(metrics.value("gb_tokens_total", Map.of("model", MODEL, "kind", kinds[kind])))
            .as(kinds[kind]).isEqualTo((double) reported.get(kind));
      }

      // The roll-ups were written with the rows settledSums waited for: the admin's view adds up too.
      HttpResponse<String> usage = h.get("/api/usage?period=24h", "authorization",
          "Bearer " + GatewayHarness.ADMIN_TOKEN);
      assertThat(usage.statusCode()).as(usage.body()).isEqualTo(200);
      JsonObject answer = new JsonObject(usage.body());
      // Besides the calls (all with the one client token), the gateway's own call without a token.
      JsonObject client = null;
      long requests = 0;
      for (Object token : answer.getJsonArray("by_token")) {
        JsonObject row = (JsonObject) token;
        requests += row.getLong("requests");
        if (!row.getString("token").isEmpty()) {
          assertThat(client).as("one client token").isNull();
          client = row;
        }
      }
      assertThat(client).as("the client token's row").isNotNull();
      assertThat(client.getLong("requests")).isEqualTo(REQUESTS);
      assertThat(answer.getJsonObject("totals").getLong("requests")).isEqualTo(requests);
      String[] fields = {"prompt_tokens", "cached_tokens", "output_tokens", "thinking_tokens", "image_tokens",
          "audio_tokens"};
      for (JsonObject sums : List.of(answer.getJsonObject("totals"), client)) {
        assertThat(sums.getLong("abandoned")).isZero();
        for (int kind = PROMPT; kind <= AUDIO; kind++) {
          assertThat(sums.getLong(fields[kind])).as("%s in %s", fields[kind], sums).isEqualTo(reported.get(kind));
        }
      }
    }
  }

  /**
   * A client that leaves a stream after its first usage: the row is abandoned and carries the
   * counts of an event it was relayed (never the final ones, which were never sent), on the native
   * and the translated surface alike.
   */
  @Test
  void aStreamTheClientLeavesIsLoggedAbandonedWithTheUsageSeenSoFar() throws Exception {
    String db = GatewayHarness.tempDatabase();
    try (GatewayHarness h = GatewayHarness.start(Map.of(), db)) {
      Usage usage = new Usage(500, 0, 100, 4_000, 1_000, 0, 0, 0);
      int n = 40;
      List<String> chunks = new ArrayList<>();
      List<Long> completions = new ArrayList<>();
      for (int i = 1; i <= n; i++) {
        chunks.add(chunk("part" + i, i == n, usage.json(i, n)));
        completions.add((long) usage.candidates() * i / n + (long) usage.thoughts() * i / n);
      }
      h.fake.on(r -> r.path().endsWith(":streamGenerateContent"), Replies.sse(chunks, 100));
      readFirstBytesAndLeave(h, post(h, "/v1beta/models/" + MODEL + ":streamGenerateContent?alt=sse",
          "{\"contents\":[]}", "x-goog-api-key", AUTH), "usageMetadata");
      readFirstBytesAndLeave(h, post(h, "/v1/chat/completions", chat(true), "authorization", "Bearer " + AUTH),
          "part1");

      List<long[]> rows = settledRows(db, 2);
      assertThat(rows).hasSize(2);
      for (long[] row : rows) {
        assertThat(row[3]).as("abandoned").isEqualTo(1);
        assertThat(row[0]).as("success").isEqualTo(1);
        assertThat(row[1]).as("prompt").isEqualTo(500);
        assertThat(row[2]).as("completion").isIn(completions.subList(0, n - 1));
      }
    }
  }

  /**
   * A stream cut upstream after two events is logged (not abandoned) with the usage of the second;
   * attempts Google refused carry no usage.
   */
  @Test
  void aCutStreamKeepsItsLastUsageAndFailedAttemptsHaveNone() throws Exception {
    String db = GatewayHarness.tempDatabase();
    try (GatewayHarness h = GatewayHarness.start(Map.of(), db)) {
      Usage usage = new Usage(70, 0, 0, 30, 0, 0, 0, 0);
      h.fake.on(r -> r.path().endsWith(":streamGenerateContent"), Replies.sseCut(List.of(
          chunk("a", false, usage.json(1, 3)), chunk("b", false, usage.json(2, 3)),
          chunk("c", true, usage.json(3, 3))), 0, 2), 1);
      HttpResponse<String> cut = h.send(post(h, "/v1beta/models/" + MODEL + ":streamGenerateContent?alt=sse",
          "{\"contents\":[]}", "x-goog-api-key", AUTH));
      assertThat(cut.body()).contains("upstream stream interrupted");
      List<long[]> rows = settledRows(db, 1);
      assertThat(rows).hasSize(1);
      assertThat(rows.get(0)).containsExactly(1, 70, 20, 0);

      // The same cut on a stream relayed as raw bytes (no alt=sse): the client's response is reset,
      // and the attempt is still not the client's abandonment.
      h.fake.on(r -> r.path().endsWith(":streamGenerateContent"), Replies.sseCut(List.of(
          chunk("a", false, usage.json(1, 3)), chunk("b", false, usage.json(2, 3)),
          chunk("c", true, usage.json(3, 3))), 0, 2), 1);
      try {
        h.http.send(post(h, "/v1beta/models/" + MODEL + ":streamGenerateContent", "{\"contents\":[]}",
            "x-goog-api-key", AUTH), HttpResponse.BodyHandlers.ofString());
      } catch (java.io.IOException reset) {
        // expected: the body cannot carry an error, so the connection is reset
      }
      rows = settledRows(db, 2);
      assertThat(rows).hasSize(2);
      assertThat(rows.get(1)).containsExactly(1, 70, 20, 0);

      h.fake.on(r -> r.path().endsWith(":generateContent"),
          Replies.googleError(500, "INTERNAL", "try again"));
      assertThat(h.send(post(h, "/v1beta/models/" + MODEL + ":generateContent", "{\"contents\":[]}",
          "x-goog-api-key", AUTH)).statusCode()).isEqualTo(500);
      assertThat(h.send(post(h, "/v1/chat/completions", chat(false), "authorization", "Bearer " + AUTH))
          .statusCode()).isEqualTo(500);
      settledRows(db, 4);
      Thread.sleep(500); // the retries' rows, one per key tried
      List<long[]> failed = settledRows(db, 0).stream().filter(row -> row[0] == 0).toList();
      assertThat(failed).hasSizeGreaterThanOrEqualTo(2).allSatisfy(row -> {
        assertThat(row[1]).as("prompt").isEqualTo(-1);
        assertThat(row[2]).as("completion").isEqualTo(-1);
        assertThat(row[3]).as("abandoned").isZero();
      });
    }
  }

  /**
   * Google's OpenAI-compatible layer (/openai/v1, forwarded unchanged) reports OpenAI's usage: its
   * counts go to the log as Google's (reasoning apart from the answer, cached within the prompt),
   * whole and streamed. Fake streams (one generateContent behind a stream) log their answer's usage
   * on the native and the OpenAI surface.
   */
  @Test
  void compatForwardAndFakeStreamsAreLoggedWithTheirUsage() throws Exception {
    String db = GatewayHarness.tempDatabase();
    try (GatewayHarness h = GatewayHarness.start(Map.of("FAKE_STREAM_ENABLED", "true",
        "FAKE_STREAM_EMPTY_DATA_INTERVAL_SECONDS", "1"), db)) {
      String usage = "\"usage\":{\"completion_tokens\":20,\"prompt_tokens\":100,\"total_tokens\":150,"
          + "\"completion_tokens_details\":{\"reasoning_tokens\":30},\"prompt_tokens_details\":{\"cached_tokens\":40}}";
      h.fake.on(r -> r.path().equals("/v1beta/openai/chat/completions") && !r.bodyText().contains("\"stream\":true"),
          Replies.json(200, "{\"choices\":[{\"message\":{\"role\":\"assistant\",\"content\":\"x\"}}],"
              + "\"model\":\"" + MODEL + "\"," + usage + "}"));
      h.fake.on(r -> r.path().equals("/v1beta/openai/chat/completions"), Replies.sse(List.of(
          "{\"choices\":[{\"delta\":{\"content\":\"x\"}}],\"model\":\"" + MODEL + "\"}",
          "{\"choices\":[],\"model\":\"" + MODEL + "\"," + usage + "}", "[DONE]"), 0));
      String compat = "{\"model\":\"" + MODEL + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]";
      assertThat(h.send(post(h, "/openai/v1/chat/completions", compat + "}", "authorization", "Bearer " + AUTH))
          .statusCode()).isEqualTo(200);
      assertThat(h.send(post(h, "/openai/v1/chat/completions", compat + ",\"stream\":true}", "authorization",
          "Bearer " + AUTH)).body()).contains("[DONE]");
      long[] sums = settledSums(db, 2);
      assertThat(sums).startsWith(2 * 100L, 2 * 40L, 2 * 20L, 2 * 30L, 0L, 0L, 2L, 0L, 0L);

      Usage answer = new Usage(11, 2, 3, 13, 17, 0, 0, 0);
      h.fake.on(r -> r.path().endsWith(":generateContent"), Replies.json(200, chunk("whole", true, answer.json(1, 1))));
      assertThat(h.send(post(h, "/v1beta/models/" + MODEL + ":streamGenerateContent?alt=sse", "{\"contents\":[]}",
          "x-goog-api-key", AUTH)).body()).contains("whole");
      assertThat(h.send(post(h, "/v1/chat/completions", chat(true), "authorization", "Bearer " + AUTH)).body())
          .contains("[DONE]");
      long[] withFake = settledSums(db, 4);
      assertThat(withFake).startsWith(2 * 100L + 2 * 13, 2 * 40L + 2 * 3, 2 * 20L + 2 * 13, 2 * 30L + 2 * 17);
      assertThat(withFake[6]).isEqualTo(4);
    }
  }

  /**
   * A client that leaves while the gateway reads a unary answer to check it is not empty: the
   * answer is still read (for its usage), and when it then goes silent for TIME_OUT the attempt is
   * logged successful and abandoned, without usage (it never came), not as an answer that broke.
   */
  @Test
  void aUnaryAnswerTheClientLeavesWhileItIsCheckedIsLoggedAbandoned() throws Exception {
    String db = GatewayHarness.tempDatabase();
    try (GatewayHarness h = GatewayHarness.start(Map.of("TIME_OUT", "2"), db)) {
      java.util.concurrent.atomic.AtomicLong written = new java.util.concurrent.atomic.AtomicLong();
      h.fake.on(r -> r.path().endsWith(":generateContent"), Replies.chunkedJson(
          "{\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"", 20_000, "\"}]}}]}", written, 8_192));
      var pending = h.http.sendAsync(post(h, "/v1beta/models/" + MODEL + ":generateContent", "{\"contents\":[]}",
          "x-goog-api-key", AUTH), HttpResponse.BodyHandlers.ofString());
      for (int i = 0; i < 200 && written.get() == 0; i++) {
        Thread.sleep(20);
      }
      assertThat(written.get()).isPositive();
      Thread.sleep(300); // the gateway has the headers and the first bytes, and waits for the rest
      pending.cancel(true);
      List<long[]> rows = settledRows(db, 1);
      assertThat(rows).hasSize(1);
      assertThat(rows.get(0)).containsExactly(1, -1, -1, 1);
    }
  }

  /**
   * A client that reads the start of a large unary answer and leaves: Google bills the whole
   * answer, so the gateway reads it to its end (discarding it) for the usage at its end. The row is
   * abandoned with that usage, and the managed token is charged for it: over its tokens per minute,
   * its next request is refused. The gateway's write queue had filled, so the upstream read had
   * paused for a client that would never drain again.
   */
  @Test
  void aUnaryAnswerTheClientLeavesIsReadToItsEndForItsUsage() throws Exception {
    String db = GatewayHarness.tempDatabase();
    try (GatewayHarness h = GatewayHarness.start(Map.of(), db)) {
      ManagedTokens.awayFromMinuteEnd();
      String value = "sk-gb-AbandonedUnaryAnswerToken0001";
      ManagedTokens.use(h, "t-left", "left", value, List.of(), Set.of(),
          new TokenLimits(null, null, 1_000L, null, null));
      Usage usage = new Usage(900, 0, 0, 200, 0, 0, 0, 0);
      java.util.concurrent.atomic.AtomicLong written = new java.util.concurrent.atomic.AtomicLong();
      long filler = 48L * 1024 * 1024;
      h.fake.on(r -> r.path().endsWith(":generateContent"), Replies.chunkedJson(
          "{\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"", filler,
          "\"}],\"role\":\"model\"},\"finishReason\":\"STOP\",\"index\":0}],\"usageMetadata\":"
              + usage.json(1, 1) + "}", written, -1));
      String request = "{\"contents\":[]}";
      readStartAndLeave(h, value, request, 256 * 1024);
      List<long[]> rows = settledRows(db, 1);
      assertThat(rows).hasSize(1);
      assertThat(rows.get(0)).as("success, prompt, completion, abandoned").containsExactly(1, 900, 200, 1);
      assertThat(written.get()).as("the fake wrote its whole answer").isGreaterThan(filler);

      HttpResponse<String> next = h.send(post(h, "/v1beta/models/" + MODEL + ":generateContent", request,
          "x-goog-api-key", value));
      assertThat(next.statusCode()).isEqualTo(429);
      assertThat(next.body()).contains("over its limit of 1000 tokens per minute");
    }
  }

  /**
   * A unary answer the client leaves is read on for its usage: until it ends, the gateway still
   * works for that client, so its token's concurrency slot stays taken. Else a token allowed one
   * request at a time could leave any number of answers being read behind it, each holding an
   * upstream stream. The slot comes back when the answer ends.
   */
  @Test
  void aTokensConcurrencySlotIsHeldUntilTheAnswerItLeftHasBeenRead() throws Exception {
    String db = GatewayHarness.tempDatabase();
    try (GatewayHarness h = GatewayHarness.start(Map.of(), db)) {
      String value = "sk-gb-ConcurrencyHeldByLeftAnswer0001";
      ManagedTokens.use(h, "t-one", "one", value, List.of(), Set.of(), new TokenLimits(null, null, null, null, 1));
      Usage usage = new Usage(900, 0, 0, 200, 0, 0, 0, 0);
      long filler = 48L * 1024 * 1024;
      java.util.concurrent.atomic.AtomicLong written = new java.util.concurrent.atomic.AtomicLong();
      java.util.concurrent.CompletableFuture<Void> finish = new java.util.concurrent.CompletableFuture<>();
      java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();
      // The first answer held until the test says so; later answers are small and whole.
      Reply first = heldAnswer(filler, usage, written, finish);
      h.fake.on(r -> r.path().endsWith(":generateContent"),
          (r, res, raw) -> (calls.getAndIncrement() == 0 ? first : Replies.healthyDefault(r)).send(r, res, raw));
      String request = "{\"contents\":[]}";
      readStartAndLeave(h, value, request, 64 * 1024);
      awaitFillerRead(written, filler);

      HttpResponse<String> second = h.send(post(h, "/v1beta/models/" + MODEL + ":generateContent", request,
          "x-goog-api-key", value));
      assertThat(second.statusCode()).as("the left answer is still being read").isEqualTo(429);

      finish.complete(null);
      List<long[]> rows = settledRows(db, 1);
      assertThat(rows.get(0)).as("success, prompt, completion, abandoned").containsExactly(1, 900, 200, 1);
      assertThat(statusOnceItIs200(h, request, value)).as("the slot is back once the left answer has been read")
          .isEqualTo(200);
    }
  }

  /**
   * A left answer still being read when the gateway is stopped holds no client connection, yet the
   * shutdown waits for it within its grace (its row then has its usage), and cuts it once the
   * grace is over, before the log writers are flushed (its row is kept, abandoned).
   */
  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void aLeftAnswerStillReadAtShutdownIsWaitedForThenCut(boolean endsWithinTheGrace) throws Exception {
    String db = GatewayHarness.tempDatabase();
    try (GatewayHarness h = GatewayHarness.start(Map.of(), db)) {
      Usage usage = new Usage(900, 0, 0, 200, 0, 0, 0, 0);
      long filler = 48L * 1024 * 1024;
      java.util.concurrent.atomic.AtomicLong written = new java.util.concurrent.atomic.AtomicLong();
      java.util.concurrent.CompletableFuture<Void> finish = new java.util.concurrent.CompletableFuture<>();
      h.fake.on(r -> r.path().endsWith(":generateContent"), heldAnswer(filler, usage, written, finish));
      String request = "{\"contents\":[]}";
      readStartAndLeave(h, AUTH, request, 64 * 1024);
      awaitFillerRead(written, filler);
      assertThat(h.gateway.drainState().leftAnswers()).as("the left answer is being read").isEqualTo(1);

      io.vertx.core.Future<Void> stopped = h.gateway.shutdown(
          java.time.Duration.ofSeconds(endsWithinTheGrace ? 30 : 1));
      if (endsWithinTheGrace) {
        finish.complete(null);
      }
      stopped.await(60, java.util.concurrent.TimeUnit.SECONDS);

      assertThat(h.gateway.drainState().leftAnswers()).isZero();
      List<long[]> rows = settledRows(db, 1);
      assertThat(rows).hasSize(1);
      assertThat(rows.get(0)[3]).as("abandoned").isEqualTo(1);
      assertThat(rows.get(0)[1]).as("prompt tokens (-1: not known)").isEqualTo(endsWithinTheGrace ? 900 : -1);
    }
  }

  /**
   * Answers left behind hold an upstream call each but no client connection, so the gateway keeps
   * at most MAX_CLIENT_CONNECTIONS of them being read: past that, an answer whose client leaves is
   * cut at once (its row abandoned, usage not known); the ones being read keep their usage.
   */
  @Test
  void noMoreLeftAnswersAreReadOnThanClientConnectionsAreAllowed() throws Exception {
    String db = GatewayHarness.tempDatabase();
    try (GatewayHarness h = GatewayHarness.start(Map.of("MAX_CLIENT_CONNECTIONS", "2"), db)) {
      Usage usage = new Usage(900, 0, 0, 200, 0, 0, 0, 0);
      long filler = 4L * 1024 * 1024;
      java.util.concurrent.atomic.AtomicLong[] written = {new java.util.concurrent.atomic.AtomicLong(),
          new java.util.concurrent.atomic.AtomicLong(), new java.util.concurrent.atomic.AtomicLong()};
      java.util.concurrent.CompletableFuture<Void> finish = new java.util.concurrent.CompletableFuture<>();
      java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();
      h.fake.on(r -> r.path().endsWith(":generateContent"),
          (r, res, raw) -> heldAnswer(filler, usage, written[calls.getAndIncrement()], finish).send(r, res, raw));
      String request = "{\"contents\":[]}";
      for (int i = 0; i < 2; i++) {
        readStartAndLeave(h, AUTH, request, 64 * 1024);
        awaitFillerRead(written[i], filler);
      }
      assertThat(h.gateway.drainState().leftAnswers()).isEqualTo(2);
      readStartAndLeave(h, AUTH, request, 64 * 1024);
      List<long[]> cut = settledRows(db, 1);
      assertThat(cut.get(0)).as("success, prompt, completion, abandoned").containsExactly(1, -1, -1, 1);
      assertThat(h.gateway.drainState().leftAnswers()).as("still the first two").isEqualTo(2);

      finish.complete(null);
      List<long[]> rows = settledRows(db, 3);
      assertThat(rows).filteredOn(row -> row[1] == 900 && row[2] == 200 && row[3] == 1).hasSize(2);
    }
  }

  /**
   * A left answer that then goes silent is reset after TIME_OUT: its token's slot comes back then
   * too, never held for good.
   */
  @Test
  void aLeftAnswerThatGoesSilentGivesItsSlotBackAtTheTimeout() throws Exception {
    String db = GatewayHarness.tempDatabase();
    try (GatewayHarness h = GatewayHarness.start(Map.of("TIME_OUT", "2"), db)) {
      String value = "sk-gb-ConcurrencyBackAfterSilence0001";
      ManagedTokens.use(h, "t-one", "one", value, List.of(), Set.of(), new TokenLimits(null, null, null, null, 1));
      java.util.concurrent.atomic.AtomicLong written = new java.util.concurrent.atomic.AtomicLong();
      java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();
      long filler = 48L * 1024 * 1024;
      Reply silent = Replies.chunkedJson("{\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"", filler,
          "\"}]}}]}", written, filler);
      h.fake.on(r -> r.path().endsWith(":generateContent"),
          (r, res, raw) -> (calls.getAndIncrement() == 0 ? silent : Replies.healthyDefault(r)).send(r, res, raw));
      String request = "{\"contents\":[]}";
      readStartAndLeave(h, value, request, 64 * 1024);
      List<long[]> rows = settledRows(db, 1);
      assertThat(rows.get(0)).as("success, prompt, completion, abandoned").containsExactly(1, -1, -1, 1);
      assertThat(statusOnceItIs200(h, request, value)).as("the slot is back once the silent answer was given up")
          .isEqualTo(200);
    }
  }

  /**
   * A managed token revoked while a native unary answer's body is under way: the client's connection
   * is closed, as for any plain body cut, but Google bills the answer whole, so the gateway reads it
   * on as when its client leaves it. The row has the answer's usage (logged, not abandoned: the
   * client did not leave) and an error-log row (401) says it was cut, the revoked token is charged
   * for it, its slot and the shutdown's wait are held until the read ends, and no key is blamed. An
   * answer that never ends is given up at TIME_OUT, its row kept (without usage), the slot given back;
   * that one over h2c, where the cut resets the answer's stream only.
   */
  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void aUnaryAnswerCutByARevokeIsReadToItsEndForItsUsage(boolean answerEnds) throws Exception {
    String db = GatewayHarness.tempDatabase();
    try (GatewayHarness h = GatewayHarness.start(answerEnds ? Map.of() : Map.of("TIME_OUT", "2"), db)) {
      HttpResponse<String> created = h.send(admin(h, "/api/tokens")
          .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"cut-read-on\",\"limits\":{\"max_concurrent\":1,"
              + "\"tpd\":1000000}}")).build());
      assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
      JsonObject token = new JsonObject(created.body());
      String id = token.getString("id");
      Usage usage = new Usage(900, 0, 0, 200, 0, 0, 0, 0);
      long filler = 48L * 1024 * 1024;
      java.util.concurrent.atomic.AtomicLong written = new java.util.concurrent.atomic.AtomicLong();
      java.util.concurrent.CompletableFuture<Void> finish = new java.util.concurrent.CompletableFuture<>();
      h.fake.on(r -> r.path().endsWith(":generateContent"), heldAnswer(filler, usage, written, finish));
      String requestId = "cut-read-on-" + answerEnds;
      if (answerEnds) {
        try (RawHttp client = readStart(h, token.getString("value"), "{\"contents\":[]}", 64 * 1024, requestId)) {
          revoke(h, id);
          assertThat(client.closedWithin(20_000)).as("the client's connection is closed").isTrue();
        }
      } else {
        // Over h2c the cut resets the answer's stream, and that reset (not a closed connection) is the close.
        io.vertx.core.http.HttpClient client = h.vertx.createHttpClient(new io.vertx.core.http.HttpClientOptions()
            .setProtocolVersion(io.vertx.core.http.HttpVersion.HTTP_2).setHttp2ClearTextUpgrade(false));
        java.util.concurrent.CompletableFuture<Throwable> reset = new java.util.concurrent.CompletableFuture<>();
        io.vertx.core.http.HttpClientResponse answer = client.request(new io.vertx.core.http.RequestOptions()
                .setMethod(io.vertx.core.http.HttpMethod.POST).setAbsoluteURI(h.url("/v1beta/models/" + MODEL
                    + ":generateContent")).putHeader("x-goog-api-key", token.getString("value"))
                .putHeader("x-request-id", requestId))
            .compose(request -> request.send("{\"contents\":[]}"))
            .andThen(ar -> {
              if (ar.succeeded()) {
                // Never read: the stream's window fills, and so does the gateway's write queue.
                ar.result().pause().exceptionHandler(reset::complete);
              }
            }).await(10, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(answer.statusCode()).isEqualTo(200);
        revoke(h, id);
        assertThat(reset.get(20, java.util.concurrent.TimeUnit.SECONDS))
            .isInstanceOf(io.vertx.core.http.StreamResetException.class);
      }
      awaitFillerRead(written, filler);
      io.geminibalance.auth.LocalTokenLimiter limiter = (io.geminibalance.auth.LocalTokenLimiter) h.gateway.tokenLimiter();
      if (answerEnds) {
        assertThat(limiter.inProgress(id)).as("the token's slot, while the answer is read").isEqualTo(1);
        assertThat(h.gateway.drainState().leftAnswers()).as("the answer read, for the shutdown").isEqualTo(1);
        finish.complete(null);
      }
      List<long[]> rows = settledRows(db, 1);
      assertThat(rows).hasSize(1);
      assertThat(rows.get(0)).as("success, prompt, completion, abandoned")
          .containsExactly(answerEnds ? new long[] {1, 900, 200, 0} : new long[] {1, -1, -1, 0});
      List<io.geminibalance.storage.ErrorLogRow> errors = List.of();
      for (int i = 0; i < 200 && errors.isEmpty(); i++) {
        Thread.sleep(i == 0 ? 0 : 50);
        errors = h.gateway.persistence().storage().errorLogs().findByRequestId(requestId).join();
      }
      assertThat(errors).singleElement().satisfies(e -> {
        assertThat(e.statusCode()).isEqualTo(401);
        assertThat(e.message()).contains("token 'cut-read-on' has been revoked");
      });
      for (int i = 0; i < 200 && (limiter.inProgress(id) > 0 || h.gateway.drainState().leftAnswers() > 0); i++) {
        Thread.sleep(50);
      }
      assertThat(limiter.inProgress(id)).as("the slot, once the read ended").isZero();
      assertThat(h.gateway.drainState().leftAnswers()).isZero();
      assertThat(limiter.tokensToday(id)).as("tokens charged").isEqualTo(answerEnds ? 1_100 : 0);
      long now = System.currentTimeMillis();
      assertThat(h.gateway.pool().snapshot().keys()).allSatisfy(key -> {
        assertThat(key.disabled()).as("disabled: %s", key.key()).isFalse();
        assertThat(key.failures()).as("failures: %s", key.key()).isZero();
        assertThat(key.coolingUntilMillis()).as("cooling: %s", key.key()).isLessThanOrEqualTo(now);
      });
    }
  }

  private static void revoke(GatewayHarness h, String id) {
    HttpResponse<String> revoked = h.send(admin(h, "/api/tokens/" + id + "/revoke")
        .POST(HttpRequest.BodyPublishers.noBody()).build());
    assertThat(revoked.statusCode()).as(revoked.body()).isEqualTo(200);
  }

  private static HttpRequest.Builder admin(GatewayHarness h, String path) {
    return h.request(path, "authorization", "Bearer " + GatewayHarness.ADMIN_TOKEN, "content-type",
        "application/json");
  }

  /**
   * Sends {@code request} to generateContent as a raw HTTP/1.1 client, reads the answer's first
   * {@code bytes} (its status line: 200) and leaves, closing the connection.
   */
  private static void readStartAndLeave(GatewayHarness h, String credential, String request, int bytes)
      throws Exception {
    readStart(h, credential, request, bytes, null).close();
  }

  /**
   * As {@link #readStartAndLeave}, as request {@code requestId} (null: the gateway's own), the
   * connection left open and no longer read: the gateway's write queue to it fills.
   */
  private static RawHttp readStart(GatewayHarness h, String credential, String request, int bytes,
      String requestId) throws Exception {
    RawHttp client = RawHttp.open(h.gateway.port());
    try {
      client.send("POST /v1beta/models/" + MODEL + ":generateContent HTTP/1.1\r\nHost: 127.0.0.1\r\n"
          + "x-goog-api-key: " + credential + "\r\ncontent-type: application/json\r\ncontent-length: "
          + request.length() + "\r\n" + (requestId == null ? "" : "x-request-id: " + requestId + "\r\n")
          + "\r\n" + request);
      byte[] start = client.in.readNBytes(bytes);
      assertThat(new String(start, 0, 12, StandardCharsets.US_ASCII)).isEqualTo("HTTP/1.1 200");
      return client;
    } catch (Exception | AssertionError e) {
      client.close();
      throw e;
    }
  }

  /**
   * An answer's start, all of its {@code filler} as fast as the gateway reads it, then its end with
   * {@code usage} only once {@code finish} completes.
   */
  private static Reply heldAnswer(long filler, Usage usage, java.util.concurrent.atomic.AtomicLong written,
      java.util.concurrent.CompletableFuture<Void> finish) {
    String after = "\"}],\"role\":\"model\"},\"finishReason\":\"STOP\",\"index\":0}],\"usageMetadata\":"
        + usage.json(1, 1) + "}";
    return (r, res, raw) -> {
      io.vertx.core.Context context = io.vertx.core.Vertx.currentContext();
      res.setStatusCode(200).putHeader("content-type", "application/json; charset=UTF-8").setChunked(true);
      res.write("{\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"");
      pumpThen(res, io.vertx.core.buffer.Buffer.buffer("A".repeat(8192)), new long[] {0}, filler, written,
          () -> finish.thenRun(() -> context.runOnContext(v -> res.end(after))));
    };
  }

  /**
   * The whole filler is read only once the gateway has taken the client's leaving in: the client
   * read a little of it and the gateway's write queue to it had filled.
   */
  private static void awaitFillerRead(java.util.concurrent.atomic.AtomicLong written, long filler)
      throws InterruptedException {
    for (int i = 0; i < 300 && written.get() < filler; i++) {
      Thread.sleep(100);
    }
    assertThat(written.get()).as("filler read after the client left").isEqualTo(filler);
  }

  /** Sends {@code request} with {@code value} until it is answered 200 (at most 30 s); its last status. */
  private static int statusOnceItIs200(GatewayHarness h, String request, String value) throws Exception {
    int status = 0;
    for (int i = 0; i < 300 && status != 200; i++) {
      Thread.sleep(i == 0 ? 0 : 100);
      status = h.send(post(h, "/v1beta/models/" + MODEL + ":generateContent", request, "x-goog-api-key", value))
          .statusCode();
    }
    return status;
  }

  /** Writes {@code total} bytes of {@code piece} as the reader takes them, then runs {@code then}. */
  private static void pumpThen(io.vertx.core.http.HttpServerResponse res, io.vertx.core.buffer.Buffer piece,
      long[] sent, long total, java.util.concurrent.atomic.AtomicLong written, Runnable then) {
    while (!res.closed() && sent[0] < total) {
      int n = (int) Math.min(piece.length(), total - sent[0]);
      res.write(n == piece.length() ? piece : piece.getBuffer(0, n));
      sent[0] += n;
      if (res.writeQueueFull()) {
        res.drainHandler(v -> {
          written.set(sent[0]);
          pumpThen(res, piece, sent, total, written, then);
        });
        return;
      }
    }
    written.set(sent[0]);
    then.run();
  }

  /** Reads the response until {@code marker} has arrived, then closes the connection. */
  private static void readFirstBytesAndLeave(GatewayHarness h, HttpRequest request, String marker) throws Exception {
    HttpResponse<InputStream> response = h.http.send(request, HttpResponse.BodyHandlers.ofInputStream());
    assertThat(response.statusCode()).isEqualTo(200);
    try (InputStream body = response.body()) {
      StringBuilder seen = new StringBuilder();
      byte[] buffer = new byte[256];
      while (!seen.toString().contains(marker)) {
        int read = body.read(buffer);
        assertThat(read).as("stream ended before " + marker).isPositive();
        seen.append(new String(buffer, 0, read, StandardCharsets.UTF_8));
      }
    }
  }

  /**
   * An empty answer retried on another key is logged failed with the usage Google reported for it
   * (Google counted its prompt), the retry's answer with its own.
   */
  @Test
  void anEmptyAnswerRetriedKeepsItsUsage() throws Exception {
    String db = GatewayHarness.tempDatabase();
    try (GatewayHarness h = GatewayHarness.start(Map.of("MAX_RETRIES", "3"), db)) {
      String empty = "{\"candidates\":[{\"content\":{\"role\":\"model\"},\"finishReason\":\"STOP\","
          + "\"index\":0}],\"usageMetadata\":{\"promptTokenCount\":37,\"thoughtsTokenCount\":11,"
          + "\"totalTokenCount\":48},\"modelVersion\":\"m\"}";
      h.fake.on(r -> r.path().endsWith(":generateContent"), Replies.json(200, empty), 1);
      h.fake.on(r -> r.path().endsWith(":generateContent"), Replies.json(200, chunk("ok", true,
          new Usage(5, 0, 0, 2, 0, 0, 0, 0).json(1, 1))));
      assertThat(h.send(post(h, "/v1beta/models/" + MODEL + ":generateContent", "{\"contents\":[]}",
          "x-goog-api-key", AUTH)).statusCode()).isEqualTo(200);
      List<long[]> rows = settledRows(db, 2);
      assertThat(rows).hasSize(2);
      assertThat(rows.get(0)).as("the empty answer").containsExactly(0, 37, 11, 0);
      assertThat(rows.get(1)).as("the retry's answer").containsExactly(1, 5, 2, 0);
    }
  }

  private static Connection open(String db) throws Exception {
    return DriverManager.getConnection("jdbc:sqlite:" + db);
  }

  /**
   * The request log's sums once {@code expected} rows are in: prompt, cached, output (completion
   * less thinking), thinking, image, audio, then the number of rows, of rows without a prompt
   * count, and of abandoned rows.
   */
  private static long[] settledSums(String db, int expected) throws Exception {
    String sql = "SELECT SUM(gb_prompt_tokens), SUM(gb_cached_tokens), SUM(gb_completion_tokens)"
        + " - SUM(COALESCE(gb_thinking_tokens, 0)), SUM(gb_thinking_tokens), SUM(gb_image_tokens),"
        + " SUM(gb_audio_tokens), COUNT(*), SUM(CASE WHEN gb_prompt_tokens IS NULL THEN 1 ELSE 0 END),"
        + " SUM(CASE WHEN gb_abandoned THEN 1 ELSE 0 END) FROM t_request_log WHERE model_name = ?";
    long[] sums = new long[9];
    for (int wait = 0; wait < 300; wait++) {
      try (Connection connection = open(db); PreparedStatement select = connection.prepareStatement(sql)) {
        select.setString(1, MODEL);
        try (ResultSet rs = select.executeQuery()) {
          rs.next();
          for (int i = 0; i < 9; i++) {
            sums[i] = rs.getLong(i + 1);
          }
        }
      }
      if (sums[6] >= expected) {
        return sums;
      }
      Thread.sleep(100);
    }
    return sums;
  }

  /** Each row once {@code expected} are in: success, prompt, completion (-1: null), abandoned. */
  private static List<long[]> settledRows(String db, int expected) throws Exception {
    String sql = "SELECT is_success, gb_prompt_tokens, gb_completion_tokens, gb_abandoned FROM t_request_log"
        + " WHERE model_name = ? ORDER BY id";
    List<long[]> rows = new ArrayList<>();
    for (int wait = 0; wait == 0 || (wait < 300 && rows.size() < expected); wait++) {
      Thread.sleep(wait == 0 ? 0 : 100);
      rows = new ArrayList<>();
      try (Connection connection = open(db); PreparedStatement select = connection.prepareStatement(sql)) {
        select.setString(1, MODEL);
        try (ResultSet rs = select.executeQuery()) {
          while (rs.next()) {
            long[] row = new long[4];
            for (int i = 0; i < 4; i++) {
              long value = rs.getLong(i + 1);
              row[i] = rs.wasNull() ? -1 : value;
            }
            rows.add(row);
          }
        }
      }
    }
    return rows;
  }
}
