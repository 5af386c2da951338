package io.geminibalance.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.geminibalance.storage.BucketCount;
import io.geminibalance.storage.KeyMatch;
import io.geminibalance.storage.KeyUsage;
import io.geminibalance.storage.LatencyPercentiles;
import io.geminibalance.storage.ModelUsage;
import io.geminibalance.storage.StatsStore;
import io.geminibalance.storage.StorageTimeoutException;
import io.geminibalance.storage.TimeBucket;
import io.geminibalance.storage.UsageTotals;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code /api/stats/overview} over a store whose aggregates wait for the test: one overview runs at
 * a time, its aggregates one after the other, a second identical request shares it, another range
 * is told to retry, and a statement stopped at its time limit is a 503 too.
 */
class StatsOverviewGateTest {
  private Vertx vertx;
  private HttpServer server;
  private final HeldStats stats = new HeldStats();
  /** Requests the overview handler has taken (each has joined or started a computation). */
  private final AtomicInteger handled = new AtomicInteger();
  private final HttpClient jdk = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    StatsApi api = new StatsApi(stats, null, null, InstantSource.system(), ZoneOffset.UTC);
    Router router = Router.router(vertx);
    router.get("/api/stats/overview").handler(rc -> {
      api.overview(rc);
      handled.incrementAndGet();
    });
    server = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
  }

  @AfterEach
  void stop() throws Exception {
    stats.release.complete(null);
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  private CompletableFuture<HttpResponse<String>> get(String query) {
    return jdk.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.actualPort()
        + "/api/stats/overview" + query)).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void oneOverviewAtATimeItsAggregatesInSequenceTheSameRangeShared() throws Exception {
    var first = get("?range=24h");
    awaitHandled(1);
    assertThat(stats.calls.get()).isEqualTo(1);
    var same = get("?range=24h&keys_limit=5");
    awaitHandled(2);

    HttpResponse<String> other = get("?range=7d").get(10, TimeUnit.SECONDS);
    assertThat(other.statusCode()).isEqualTo(503);
    assertThat(other.headers().firstValue("retry-after")).hasValue("5");
    assertThat(new JsonObject(other.body()).getJsonObject("error").getString("message"))
        .isEqualTo("cannot aggregate the request log: busy with the overview of range 24h; retry in a few seconds");

    stats.release.complete(null);
    for (var response : List.of(first.get(10, TimeUnit.SECONDS), same.get(10, TimeUnit.SECONDS))) {
      assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
      assertThat(new JsonObject(response.body()).getString("range")).isEqualTo("24h");
    }
    assertThat(stats.calls.get()).as("the second 24h request computed nothing").isEqualTo(7);
    assertThat(stats.mostAtOnce.get()).isEqualTo(1);

    assertThat(get("?range=7d").get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
    assertThat(stats.calls.get()).isEqualTo(14);
  }

  private void awaitHandled(int requests) throws InterruptedException {
    for (int i = 0; i < 500 && handled.get() < requests; i++) {
      Thread.sleep(10);
    }
    assertThat(handled.get()).isEqualTo(requests);
  }

  @Test
  void anAggregateStoppedAtItsTimeLimitIsAnsweredRetryLater() throws Exception {
    stats.failure = new StorageTimeoutException("calls per key", Duration.ofSeconds(30), null);
    stats.release.complete(null);

    HttpResponse<String> r = get("?range=30d").get(10, TimeUnit.SECONDS);

    assertThat(r.statusCode()).isEqualTo(503);
    assertThat(r.headers().firstValue("retry-after")).hasValue("5");
    assertThat(new JsonObject(r.body()).getJsonObject("error").getString("message"))
        .startsWith("cannot aggregate the request log: calls per key: stopped after 30 s")
        .contains("try a shorter range");
    // The failure ended the computation: the next one runs.
    stats.failure = null;
    assertThat(get("?range=30d").get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
  }

  /** Every aggregate answers (empty) once {@link #release} completes, counting how many ran at once. */
  static final class HeldStats implements StatsStore {
    final CompletableFuture<Void> release = new CompletableFuture<>();
    final AtomicInteger calls = new AtomicInteger();
    final AtomicInteger running = new AtomicInteger();
    final AtomicInteger mostAtOnce = new AtomicInteger();
    volatile RuntimeException failure;

    private <T> CompletableFuture<T> answer(T value) {
      calls.incrementAndGet();
      mostAtOnce.accumulateAndGet(running.incrementAndGet(), Math::max);
      return release.thenApplyAsync(v -> {
        running.decrementAndGet();
        if (failure != null) {
          throw failure;
        }
        return value;
      });
    }

    @Override
    public CompletableFuture<List<BucketCount>> countsPer(TimeBucket bucket, Instant from, Instant to) {
      return answer(List.of());
    }

    @Override
    public CompletableFuture<List<BucketCount>> countsPerForKey(KeyMatch key, TimeBucket bucket, Instant from,
        Instant to) {
      return answer(List.of());
    }

    @Override
    public CompletableFuture<UsageTotals> totals(Instant from, Instant to) {
      return answer(new UsageTotals(0, 0, 0, 0));
    }

    @Override
    public CompletableFuture<List<ModelUsage>> perModel(Instant from, Instant to) {
      return answer(List.of());
    }

    @Override
    public CompletableFuture<List<KeyUsage>> perKey(Instant from, Instant to) {
      return answer(List.of());
    }

    @Override
    public CompletableFuture<List<KeyUsage>> topKeysWithStatus(int statusCode, Instant from, Instant to, int limit) {
      return answer(List.of());
    }

    @Override
    public CompletableFuture<List<ModelUsage>> perModelForKey(KeyMatch key, Instant from, Instant to) {
      return answer(List.of());
    }

    @Override
    public CompletableFuture<LatencyPercentiles> latency(Instant from, Instant to) {
      return answer(new LatencyPercentiles("", 0, 0, 0));
    }

    @Override
    public CompletableFuture<List<LatencyPercentiles>> latencyPerModel(Instant from, Instant to) {
      return answer(List.of());
    }

    @Override
    public CompletableFuture<List<LatencyPercentiles>> latencyPer(TimeBucket bucket, Instant from, Instant to) {
      return answer(List.of());
    }
  }
}
