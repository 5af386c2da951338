package io.geminibalance.cluster;

import static io.geminibalance.testing.GatewayHarness.CLIENT_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

import io.geminibalance.storage.StorageConfig;
import io.geminibalance.storage.support.ServerTestDatabase;
import io.geminibalance.testing.FakeGemini;
import io.geminibalance.testing.GatewayHarness;
import io.geminibalance.testing.PrivateRedis;
import io.geminibalance.testing.UpstreamQuota;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Three gateways in one JVM as one pool: one PostgreSQL database, one Redis (the machine's, under a
 * prefix of this test's own), one fake Google enforcing per key x model minute quotas. Clients
 * spread over the three at twice the pool's capacity.
 */
class SharedPoolTest {
  static final String GENERATE = "/v1beta/models/gemini-2.5-flash:generateContent";
  static final int KEYS = 6;
  static final int RPM = 10;
  static final int CAPACITY_PER_MINUTE = KEYS * RPM;

  private final Vertx vertx = Vertx.vertx();
  private final FakeGemini google = FakeGemini.start(vertx);
  private final List<GatewayHarness> gateways = new ArrayList<>();

  @AfterEach
  void close() {
    gateways.forEach(GatewayHarness::close);
    google.close();
    vertx.close().await();
  }

  private void startGateways(int count, String redisUrl, StorageConfig database) {
    String keys = IntStream.range(0, KEYS).mapToObj(i -> "\"key-shared-%04d\"".formatted(i))
        .collect(Collectors.joining(",", "[", "]"));
    Map<String, String> env = new HashMap<>();
    env.put("API_KEYS", keys);
    env.put("BASE_URL", google.baseUrl());
    env.put("DEFAULT_RPM", Integer.toString(RPM));
    env.put("DEFAULT_RPD", "0");
    env.put("QUEUE_TIMEOUT_SECONDS", "0");
    env.put("REDIS_URL", redisUrl);
    env.put("REDIS_KEY_PREFIX", "gbtest:" + UUID.randomUUID() + ":");
    env.put("DATABASE_URL", urlWithUser(database));
    // One after the other: the first one migrates the database.
    for (int i = 0; i < count; i++) {
      gateways.add(GatewayHarness.start(env));
    }
  }

  /**
   * Twice the capacity for 60 s: one request every {@code 60 s / (2 x capacity)}, to the gateways
   * in turn. Every request of the run falls in one minute, so the pool can serve exactly its
   * capacity per minute.
   */
  private List<HttpResponse<String>> load(Duration duration, Map<Integer, Runnable> atSecond) throws Exception {
    int requests = (int) (2L * CAPACITY_PER_MINUTE * duration.toMillis() / 60_000);
    long intervalNanos = duration.toNanos() / requests;
    long start = System.nanoTime();
    List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
    for (int i = 0; i < requests; i++) {
      long due = start + i * intervalNanos;
      long sleep = due - System.nanoTime();
      if (sleep > 0) {
        TimeUnit.NANOSECONDS.sleep(sleep);
      }
      int second = (int) ((due - start) / 1_000_000_000L);
      Runnable event = atSecond.remove(second);
      if (event != null) {
        event.run();
      }
      GatewayHarness gateway = gateways.get(i % gateways.size());
      HttpRequest request = gateway.request(GENERATE, "x-goog-api-key", CLIENT_TOKEN)
          .POST(HttpRequest.BodyPublishers.ofString("{}")).build();
      answers.add(gateway.http.sendAsync(request, HttpResponse.BodyHandlers.ofString()));
    }
    List<HttpResponse<String>> responses = new ArrayList<>();
    for (CompletableFuture<HttpResponse<String>> answer : answers) {
      responses.add(answer.get(60, TimeUnit.SECONDS));
    }
    return responses;
  }

  @Test
  void threeInstancesServeOnePoolsCapacityWithoutOneUpstream429() throws Exception {
    try (ServerTestDatabase db = ServerTestDatabase.postgres()) {
      UpstreamQuota quota = new UpstreamQuota(RPM, 60_000).install(google);
      startGateways(3, "redis://127.0.0.1:6379", db.config());
      List<HttpResponse<String>> responses = load(Duration.ofSeconds(60), new HashMap<>());
      long served = count(responses, 200);
      System.out.printf("shared pool, 3 instances, 60 s at 2x: served %d / capacity %d, upstream 429s %d,"
          + " gateway 429s %d, other %d%n", served, CAPACITY_PER_MINUTE, quota.rejectedTotal(), count(responses, 429),
          responses.size() - served - count(responses, 429));
      assertThat(quota.rejectedTotal()).as("upstream 429s").isZero();
      assertThat(served).isGreaterThanOrEqualTo((long) Math.ceil(0.99 * CAPACITY_PER_MINUTE))
          .isLessThanOrEqualTo(CAPACITY_PER_MINUTE);
      assertThat(quota.served()).isEqualTo((int) served);
      assertThat(responses).allSatisfy(r -> assertThat(r.statusCode()).isIn(200, 429));
      for (GatewayHarness gateway : gateways) {
        JsonObject cluster = new JsonObject(gateway.get("/api/pool", "authorization",
            "Bearer " + GatewayHarness.ADMIN_TOKEN).body()).getJsonObject("cluster");
        assertThat(cluster.getString("mode")).isEqualTo("shared");
        assertThat(cluster.getInteger("instances")).isEqualTo(3);
      }
    }
  }

  /**
   * Redis is killed 20 s into the run and started again, empty, 90 s later: the three go on alone
   * with 1/3 of each limit (after waiting out the last shared minute), count their sends of the
   * outage in the new Redis, and share again.
   */
  @Test
  void redisStoppedMidRunCostsNoClientErrorAndNoUpstream429AndTheSendsAreCountedAfter() throws Exception {
    try (ServerTestDatabase db = ServerTestDatabase.postgres(); PrivateRedis redis = PrivateRedis.start()) {
      UpstreamQuota quota = new UpstreamQuota(RPM, 60_000).install(google);
      startGateways(3, redis.url(), db.config());
      List<String> modesAway = new ArrayList<>();
      List<String> modesBack = new ArrayList<>();
      int[] servedBefore = new int[3];
      Map<Integer, Runnable> events = new HashMap<>();
      events.put(20, redis::stop);
      events.put(70, () -> {
        modesAway.addAll(modes());
        servedBefore[0] = quota.served();
      });
      events.put(108, () -> servedBefore[1] = quota.served());
      events.put(110, redis::restart);
      List<HttpResponse<String>> responses = load(Duration.ofSeconds(150), events);
      modesBack.addAll(modes());
      long seeded = seededMembers(redis);
      System.out.printf("Redis stopped at 20 s, back empty at 110 s, 150 s at 2x: served %d, alone (70-108 s) %d,"
          + " upstream 429s %d, gateway 429s %d, other %d, modes away %s, back %s, re-seeded sends in Redis %d%n",
          count(responses, 200), servedBefore[1] - servedBefore[0], quota.rejectedTotal(), count(responses, 429),
          responses.size() - count(responses, 200) - count(responses, 429), modesAway, modesBack, seeded);
      assertThat(quota.rejectedTotal()).as("upstream 429s").isZero();
      assertThat(responses).allSatisfy(r -> assertThat(r.statusCode()).isIn(200, 429));
      assertThat(modesAway).containsOnly("local-1/3").hasSize(3);
      assertThat(servedBefore[1] - servedBefore[0]).as("served alone, 1/3 each").isPositive()
          .isLessThanOrEqualTo(CAPACITY_PER_MINUTE);
      assertThat(modesBack).containsOnly("shared");
      assertThat(seeded).as("the sends of the outage, counted in the new Redis").isPositive();
    }
  }

  @Test
  void withoutRedisTheInstanceIsTheWholePool() {
    try (GatewayHarness single = GatewayHarness.start()) {
      JsonObject cluster = new JsonObject(single.get("/api/pool", "authorization",
          "Bearer " + GatewayHarness.ADMIN_TOKEN).body()).getJsonObject("cluster");
      assertThat(cluster.getMap()).containsAllEntriesOf(Map.of("mode", "single", "instances", 1, "rank", 0));
      assertThat(cluster.getValue("redis")).isNull();
      assertThat(single.get("/api/pool").statusCode()).isEqualTo(401);
    }
  }

  private List<String> modes() {
    return gateways.stream().map(g -> new JsonObject(g.get("/api/pool", "authorization",
        "Bearer " + GatewayHarness.ADMIN_TOKEN).body()).getJsonObject("cluster").getString("mode")).toList();
  }

  /** Members of the minute windows that a re-seed wrote (their names say so). */
  private long seededMembers(PrivateRedis redis) throws Exception {
    RedisLink link = RedisLink.open(vertx, redis.url(), "", 2_000);
    try {
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (!link.up() && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      long seeded = 0;
      for (var key : link.send(Request.cmd(Command.KEYS).arg("*:m")).await(5, TimeUnit.SECONDS)) {
        for (var member : link.send(Request.cmd(Command.ZRANGE).arg(key.toString()).arg(0).arg(-1))
            .await(5, TimeUnit.SECONDS)) {
          seeded += member.toString().contains(":seed:") ? 1 : 0;
        }
      }
      return seeded;
    } finally {
      link.close();
    }
  }

  static long count(List<HttpResponse<String>> responses, int status) {
    return responses.stream().filter(r -> r.statusCode() == status).count();
  }

  static String urlWithUser(StorageConfig config) {
    String url = config.jdbcUrl();
    if (config.user() == null || url.contains("user=")) {
      return url;
    }
    return url + (url.contains("?") ? "&" : "?") + "user=" + config.user()
        + (config.password() == null || config.password().isEmpty() ? "" : "&password=" + config.password());
  }
}
