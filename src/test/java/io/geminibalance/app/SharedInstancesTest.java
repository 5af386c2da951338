package io.geminibalance.app;

import static io.geminibalance.testing.GatewayHarness.ADMIN_TOKEN;
import static io.geminibalance.testing.GatewayHarness.CLIENT_TOKEN;
import static io.geminibalance.testing.GatewayHarness.KEY_A;
import static io.geminibalance.testing.GatewayPair.env;
import static io.geminibalance.testing.GatewayPair.prefix;
import static org.assertj.core.api.Assertions.assertThat;

import io.geminibalance.keypool.ApiKey;
import io.geminibalance.storage.support.ServerTestDatabase;
import io.geminibalance.testing.GatewayHarness;
import io.geminibalance.testing.GatewayPair;
import io.geminibalance.testing.PrivateRedis;
import io.geminibalance.testing.Replies;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * Two gateways on one PostgreSQL database and one Redis, as two instances behind a load balancer:
 * what one learns or is told, the other knows (settings, key state, admin-login failures), and
 * with Redis stopped both go on alone without failing a request.
 */
class SharedInstancesTest {
  private static final String ADMIN = "Bearer " + ADMIN_TOKEN;
  private static final String GENERATE = "/v1beta/models/gemini-2.5-flash:generateContent";
  /** A key-specific reason Google may add: counts toward MAX_FAILURES without disabling at once. */
  private static final Supplier<io.geminibalance.testing.Reply> UNKNOWN_KEY_REASON = () -> Replies.googleError(400,
      "INVALID_ARGUMENT", "The key is refused.",
      "{\"@type\":\"type.googleapis.com/google.rpc.ErrorInfo\",\"reason\":\"API_KEY_NEWLY_INVENTED\","
          + "\"domain\":\"googleapis.com\"}");

  /** Two instances on {@code db} and the shared Redis, both already in shared mode. */
  private static GatewayPair sharedPair(ServerTestDatabase db) throws InterruptedException {
    GatewayPair pair = GatewayPair.start(env(db, "redis://127.0.0.1:6379", prefix()));
    try {
      awaitShared(pair.a(), 2);
      awaitShared(pair.b(), 2);
      return pair;
    } catch (RuntimeException | Error | InterruptedException e) {
      pair.close();
      throw e;
    }
  }

  @Test
  void aSettingsChangeOnOneInstanceReachesTheOtherWithinASecond() throws Exception {
    try (ServerTestDatabase db = ServerTestDatabase.postgres(); GatewayPair pair = sharedPair(db)) {
      GatewayHarness a = pair.a();
      GatewayHarness b = pair.b();
      assertThat(defaultRpm(b)).as("DEFAULT_RPM 0: unlimited").isEqualTo(-1);

      long started = System.nanoTime();
      assertThat(a.putConfig("{\"DEFAULT_RPM\":\"7\"}").statusCode()).isEqualTo(200);
      long saved = System.nanoTime();
      await(() -> defaultRpm(b) == 21, "B applies DEFAULT_RPM 7 (3 keys x 7)");
      System.out.printf("settings: PUT on A answered in %d ms, applied on B %d ms after that%n",
          (saved - started) / 1_000_000, (System.nanoTime() - saved) / 1_000_000);
      assertThat(defaultRpm(a)).isEqualTo(21);

      // The keys page's add on A: B serves with the new key too.
      HttpResponse<String> added = a.post("/api/keys", "{\"text\":\"AIzaSySharedKey0123456789abcdefghijklmn\"}",
          "authorization", ADMIN, "content-type", "application/json");
      assertThat(added.statusCode()).isEqualTo(200);
      assertThat(new JsonObject(added.body()).getInteger("added")).as(added.body()).isEqualTo(1);
      await(() -> keysTotal(b) == 4, "B has the key added on A");
      assertThat(defaultRpm(b)).isEqualTo(28);
    }
  }

  @Test
  void aClientTokenMadeChangedRotatedOrRevokedOnOneInstanceIsKnownSoOnTheOther() throws Exception {
    try (ServerTestDatabase db = ServerTestDatabase.postgres(); GatewayPair pair = sharedPair(db)) {
      GatewayHarness a = pair.a();
      GatewayHarness b = pair.b();
      JsonObject created = tokenMadeOnAKnownOnB(a, b, "{\"name\":\"shared\",\"limits\":{\"rpm\":5}}");
      String id = created.getString("id");
      String hash = b.gateway.persistence().storage().tokenFingerprints().hash(created.getString("value"));

      HttpResponse<String> patched = b.send(b.request("/api/tokens/" + id, "authorization", ADMIN,
          "content-type", "application/json").method("PATCH",
              java.net.http.HttpRequest.BodyPublishers.ofString("{\"limits\":{\"rpm\":9}}")).build());
      assertThat(patched.statusCode()).isEqualTo(200);
      await(() -> a.gateway.clientTokens().byId(id).limits().requestsPerMinute() == 9L, "A has B's new limit");

      HttpResponse<String> rotated = a.post("/api/tokens/" + id + "/rotate", "", "authorization", ADMIN);
      String next = b.gateway.persistence().storage().tokenFingerprints()
          .hash(new JsonObject(rotated.body()).getString("value"));
      await(() -> b.gateway.clientTokens().byHash(hash) == null && b.gateway.clientTokens().byHash(next) != null,
          "B drops the old value and knows the new one");

      assertThat(a.post("/api/tokens/" + id + "/revoke", "", "authorization", ADMIN).statusCode()).isEqualTo(200);
      await(() -> b.gateway.clientTokens().byId(id).revokedAt() != null, "B knows the token is revoked");
    }
  }

  /** A revoke on one instance cuts the token's stream running on the other (its registry reloads). */
  @Test
  void aTokenRevokedOnOneInstanceCutsItsStreamOnTheOther() throws Exception {
    try (ServerTestDatabase db = ServerTestDatabase.postgres(); GatewayPair pair = sharedPair(db)) {
      GatewayHarness a = pair.a();
      GatewayHarness b = pair.b();
      JsonObject created = tokenMadeOnAKnownOnB(a, b, "{\"name\":\"shared-cut\"}");
      String value = created.getString("value");
      String id = created.getString("id");
      b.fake.on(r -> r.path().endsWith(":streamGenerateContent"),
          Replies.sse(java.util.List.of(Replies.chunk("a"), Replies.finalChunk("b")), 60_000));
      HttpResponse<java.io.InputStream> stream = b.http.send(b.request(
          "/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse", "x-goog-api-key", value,
          "content-type", "application/json").POST(java.net.http.HttpRequest.BodyPublishers.ofString(
              "{\"contents\":[{\"parts\":[{\"text\":\"hi\"}]}]}")).build(),
          HttpResponse.BodyHandlers.ofInputStream());
      assertThat(stream.statusCode()).isEqualTo(200);
      try (java.io.BufferedReader lines = new java.io.BufferedReader(
          new java.io.InputStreamReader(stream.body(), java.nio.charset.StandardCharsets.UTF_8))) {
        java.util.concurrent.CompletableFuture<java.util.List<String>> read =
            java.util.concurrent.CompletableFuture.supplyAsync(() -> lines.lines().toList());
        await(() -> b.gateway.runningRequests().running(id) == 1, "B serves the stream");
        assertThat(a.post("/api/tokens/" + id + "/revoke", "", "authorization", ADMIN).statusCode())
            .isEqualTo(200);
        java.util.List<String> all = read.get(20, java.util.concurrent.TimeUnit.SECONDS);
        String last = all.stream().filter(l -> l.startsWith("data:")).reduce((x, y) -> y).orElseThrow();
        JsonObject error = new JsonObject(last.substring("data:".length()).strip()).getJsonObject("error");
        assertThat(error.getInteger("code")).isEqualTo(401);
        assertThat(error.getString("message")).isEqualTo("token 'shared-cut' has been revoked");
      }
      await(() -> b.gateway.runningRequests().running(id) == 0, "B forgets the cut stream");
    }
  }

  @Test
  void failuresOnBothInstancesAddUpAndDisablesAndRestoresReachBoth() throws Exception {
    try (ServerTestDatabase db = ServerTestDatabase.postgres()) {
      String prefix = prefix();
      String[] oneKey = {"API_KEYS", "[\"" + KEY_A + "\"]", "MAX_FAILURES", "4"};
      try (GatewayHarness a = GatewayHarness.start(env(db, "redis://127.0.0.1:6379", prefix, oneKey));
          GatewayHarness b = GatewayHarness.start(env(db, "redis://127.0.0.1:6379", prefix, oneKey))) {
        awaitShared(a, 2);
        awaitShared(b, 2);
        a.fake.on(r -> true, UNKNOWN_KEY_REASON.get());
        b.fake.on(r -> true, UNKNOWN_KEY_REASON.get());

        generate(a);
        generate(b);
        generate(a);
        await(() -> failCount(a) == 3 && failCount(b) == 3, "both count the 3 failures in a row");
        assertThat(disabled(a)).as("3 < MAX_FAILURES 4").isZero();
        assertThat(disabled(b)).isZero();

        generate(b);
        await(() -> disabled(a) == 1 && disabled(b) == 1, "the 4th failure (on B) disables the key on both");
        assertThat(keyRow(a).getString("disabled_reason")).contains("4 failures in a row");

        // An admin's reset on A puts it back on B too.
        HttpResponse<String> reset = a.post("/api/keys/reset", "{\"all\":true}", "authorization", ADMIN,
            "content-type", "application/json");
        assertThat(reset.statusCode()).isEqualTo(200);
        await(() -> disabled(b) == 0 && failCount(b) == 0, "B restores the key A's admin reset");

        // A dead key (API_KEY_INVALID) seen by B is disabled at once, on A as well.
        b.fake.reset();
        b.fake.on(r -> true, Replies.invalidKey());
        generate(b);
        await(() -> disabled(a) == 1, "A disables the key B found dead");
        assertThat(keyRow(a).getString("disabled_reason")).contains("API_KEY_INVALID");
        assertThat(redisValues(prefix)).as("fingerprints only in Redis").doesNotContain(KEY_A);
      }
    }
  }

  @Test
  void adminLoginFailuresSpreadOverTwoInstancesReachTheLimitTogether() throws Exception {
    try (ServerTestDatabase db = ServerTestDatabase.postgres()) {
      String prefix = prefix();
      String[] limit = {"ADMIN_AUTH_FAILURES_PER_MINUTE", "4"};
      try (GatewayHarness a = GatewayHarness.start(env(db, "redis://127.0.0.1:6379", prefix, limit));
          GatewayHarness b = GatewayHarness.start(env(db, "redis://127.0.0.1:6379", prefix, limit))) {
        awaitShared(a, 2);
        awaitShared(b, 2);
        for (GatewayHarness h : new GatewayHarness[] {a, b, a, b}) {
          assertThat(h.get("/api/config", "authorization", "Bearer wrong-token").statusCode()).isEqualTo(401);
        }
        // Two failures on each, four together: both refuse the address now, the right token included.
        HttpResponse<String> onA = a.get("/api/config", "authorization", ADMIN);
        assertThat(onA.statusCode()).isEqualTo(429);
        assertThat(onA.headers().firstValue("retry-after")).isPresent();
        assertThat(b.get("/api/config", "authorization", ADMIN).statusCode()).isEqualTo(429);
        assertThat(b.get("/v1beta/models", "x-goog-api-key", ADMIN_TOKEN).statusCode())
            .as("the data plane refuses the admin token as well").isEqualTo(429);
        assertThat(b.get("/v1beta/models", "x-goog-api-key", CLIENT_TOKEN).statusCode())
            .as("client tokens still work").isEqualTo(200);
        assertThat(a.post("/api/session", "{\"token\":\"" + ADMIN_TOKEN + "\"}", "content-type", "application/json")
            .statusCode()).as("and so does the login page").isEqualTo(429);
      }
    }
  }

  @Test
  void withRedisStoppedEachInstanceThrottlesLocallyAndNoRequestFails() throws Exception {
    try (ServerTestDatabase db = ServerTestDatabase.postgres(); PrivateRedis redis = PrivateRedis.start()) {
      String prefix = prefix();
      String[] settings = {"ADMIN_AUTH_FAILURES_PER_MINUTE", "3", "REDIS_TIMEOUT_MS", "100"};
      try (GatewayHarness a = GatewayHarness.start(env(db, redis.url(), prefix, settings));
          GatewayHarness b = GatewayHarness.start(env(db, redis.url(), prefix, settings))) {
        awaitShared(a, 2);
        assertThat(cluster(a).getString("instance")).isNotEqualTo(cluster(b).getString("instance"));
        redis.stop();
        // At once, before the instances noticed: the failures are still answered, counted locally.
        for (int i = 0; i < 3; i++) {
          assertThat(a.get("/api/config", "authorization", "Bearer wrong-token").statusCode()).isEqualTo(401);
        }
        assertThat(a.get("/api/config", "authorization", ADMIN).statusCode()).as("A's own count").isEqualTo(429);
        await(() -> cluster(b).getString("mode").startsWith("local-1/"), "B notices that Redis is away");
        JsonObject report = cluster(b);
        assertThat(report.getJsonObject("redis").getBoolean("up")).isFalse();
        assertThat(report.getJsonObject("redis").getString("address")).isEqualTo("127.0.0.1:" + redis.port());
        assertThat(b.get("/api/config", "authorization", ADMIN).statusCode())
            .as("B did not hear of A's failures while Redis is away").isEqualTo(200);
        assertThat(b.putConfig("{\"DEFAULT_RPM\":\"5\"}").statusCode()).as("saving works without Redis").isEqualTo(200);
        assertThat(b.get("/v1beta/models", "x-goog-api-key", CLIENT_TOKEN).statusCode()).isEqualTo(200);
        for (int i = 0; i < 3; i++) {
          assertThat(b.get("/v1beta/models", "x-goog-api-key", "wrong-token").statusCode()).isEqualTo(401);
        }
        assertThat(b.get("/v1beta/models", "x-goog-api-key", ADMIN_TOKEN).statusCode()).isEqualTo(429);

      }
    }
  }

  @Test
  void aKeyDisabledWhileRedisWasAwayIsDisabledOnTheOtherInstanceOnceItIsBack() throws Exception {
    try (ServerTestDatabase db = ServerTestDatabase.postgres(); PrivateRedis redis = PrivateRedis.start()) {
      String prefix = prefix();
      String[] settings = {"API_KEYS", "[\"" + KEY_A + "\"]", "REDIS_TIMEOUT_MS", "100"};
      try (GatewayHarness a = GatewayHarness.start(env(db, redis.url(), prefix, settings));
          GatewayHarness b = GatewayHarness.start(env(db, redis.url(), prefix, settings))) {
        awaitShared(a, 2);
        awaitShared(b, 2);
        redis.stop();
        await(() -> cluster(a).getString("mode").startsWith("local-1/"), "A notices that Redis is away");
        a.fake.on(r -> true, Replies.invalidKey());
        generate(a);
        assertThat(disabled(a)).isEqualTo(1);
        assertThat(disabled(b)).as("B cannot hear of it while Redis is away").isZero();

        redis.restart();
        long back = System.nanoTime();
        await(() -> disabled(b) == 1, "B takes the disable once Redis is back (empty)");
        System.out.printf("key state: B converged %d ms after Redis came back%n", (System.nanoTime() - back) / 1_000_000);
        assertThat(keyRow(b).getString("disabled_reason")).contains("API_KEY_INVALID");
      }
    }
  }

  @Test
  void withoutRedisTheModeIsSingle() {
    try (GatewayHarness h = GatewayHarness.start()) {
      JsonObject report = cluster(h);
      assertThat(report.getString("mode")).isEqualTo("single");
      assertThat(report.getValue("redis")).isNull();
      assertThat(report.getInteger("instances")).isEqualTo(1);
      assertThat(report.getInteger("rank")).isZero();
      assertThat(report.getString("instance")).isNotBlank();
      assertThat(new JsonObject(h.get("/api/pool", "authorization", ADMIN).body()).getJsonObject("cluster"))
          .isEqualTo(report);
      assertThat(h.get("/api/cluster").statusCode()).as("unauthenticated").isEqualTo(401);
      assertThat(h.get("/api/cluster", "authorization", "Bearer wrong").statusCode()).isEqualTo(401);
    }
  }

  private static void generate(GatewayHarness h) {
    HttpResponse<String> r = h.post(GENERATE, "{\"contents\":[{\"parts\":[{\"text\":\"hi\"}]}]}",
        "x-goog-api-key", CLIENT_TOKEN, "content-type", "application/json");
    assertThat(r.statusCode()).as("the key's failure is answered, not a gateway error").isNotEqualTo(500);
  }

  private static JsonObject cluster(GatewayHarness h) {
    HttpResponse<String> r = h.get("/api/cluster", "authorization", ADMIN);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return new JsonObject(r.body());
  }

  /** A token made through A's admin API ({@code body}), once B knows it too: A's answer. */
  private static JsonObject tokenMadeOnAKnownOnB(GatewayHarness a, GatewayHarness b, String body)
      throws InterruptedException {
    HttpResponse<String> created = a.post("/api/tokens", body, "authorization", ADMIN, "content-type",
        "application/json");
    assertThat(created.statusCode()).isEqualTo(201);
    JsonObject token = new JsonObject(created.body());
    String hash = b.gateway.persistence().storage().tokenFingerprints().hash(token.getString("value"));
    await(() -> b.gateway.clientTokens().byHash(hash) != null, "B knows the token made on A");
    return token;
  }

  private static void awaitShared(GatewayHarness h, int instances) throws InterruptedException {
    await(() -> {
      JsonObject c = cluster(h);
      return "shared".equals(c.getString("mode")) && c.getInteger("instances") == instances;
    }, "shared mode with " + instances + " instances");
  }

  private static long defaultRpm(GatewayHarness h) {
    return new JsonObject(h.get("/api/pool", "authorization", ADMIN).body()).getJsonObject("capacity")
        .getJsonObject("default").getLong("rpm");
  }

  private static int keysTotal(GatewayHarness h) {
    return new JsonObject(h.get("/health").body()).getJsonObject("keys").getInteger("total");
  }

  private static int disabled(GatewayHarness h) {
    return new JsonObject(h.get("/health").body()).getJsonObject("keys").getInteger("disabled");
  }

  private static JsonObject keyRow(GatewayHarness h) {
    JsonObject list = new JsonObject(h.get("/api/keys", "authorization", ADMIN).body());
    return list.getJsonArray("keys").stream().map(JsonObject.class::cast)
        .filter(k -> new ApiKey(KEY_A).fingerprint().equals(k.getString("id"))).findFirst().orElseThrow();
  }

  private static int failCount(GatewayHarness h) {
    return keyRow(h).getInteger("fail_count");
  }

  /** Every value the test's keys hold in Redis, as text. */
  private static String redisValues(String prefix) throws Exception {
    Process p = new ProcessBuilder("redis-cli", "-h", "127.0.0.1", "-p", "6379", "--scan", "--pattern", prefix + "*")
        .redirectErrorStream(true).start();
    String keys = new String(p.getInputStream().readAllBytes());
    p.waitFor();
    StringBuilder all = new StringBuilder(keys);
    for (String key : keys.split("\n")) {
      if (key.isBlank()) {
        continue;
      }
      Process dump = new ProcessBuilder("redis-cli", "-h", "127.0.0.1", "-p", "6379", "--no-raw", "hgetall", key)
          .redirectErrorStream(true).start();
      all.append(new String(dump.getInputStream().readAllBytes()));
      dump.waitFor();
    }
    return all.toString();
  }

  /** Polls {@code condition} every 20 ms for at most 15 s. */
  private static void await(Supplier<Boolean> condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + 15_000_000_000L;
    while (System.nanoTime() < deadline) {
      if (condition.get()) {
        return;
      }
      Thread.sleep(20);
    }
    assertThat(condition.get()).as(what).isTrue();
  }

}
