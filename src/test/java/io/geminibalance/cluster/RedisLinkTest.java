package io.geminibalance.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.geminibalance.testing.PrivateRedis;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The link on the machine's Redis and on a private one that the test stops and restarts. */
class RedisLinkTest {
  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() {
    vertx.close().await();
  }

  private static String prefix() {
    return "gbtest:" + UUID.randomUUID() + ":";
  }

  @Test
  void scriptsRunBySha1AndFallBackToTheSourceWhenRedisLacksThem() throws Exception {
    RedisLink link = RedisLink.open(vertx, "redis://127.0.0.1:6379", prefix(), 2_000);
    await(link::up);
    RedisScript script = new RedisScript("return redis.call('INCRBY', KEYS[1], ARGV[1]) -- " + UUID.randomUUID());
    assertThat(script.run(link, List.of(link.key("n")), List.of("3")).await(5, TimeUnit.SECONDS).toInteger())
        .isEqualTo(3);
    assertThat(script.run(link, List.of(link.key("n")), List.of("4")).await(5, TimeUnit.SECONDS).toInteger())
        .isEqualTo(7);
    link.send(Request.cmd(Command.DEL).arg(link.key("n"))).await(5, TimeUnit.SECONDS);
    link.close();
  }

  @Test
  void goesDownWhenRedisStopsAndUpWhenItComesBackTellingListenersOnce() throws Exception {
    try (PrivateRedis redis = PrivateRedis.start()) {
      // A deadline a loaded machine meets (a stopped Redis refuses the connection at once anyway).
      RedisLink link = RedisLink.open(vertx, redis.url(), prefix(), 1_000);
      BlockingQueue<Boolean> changes = new LinkedBlockingQueue<>();
      link.onStateChange(changes::add);
      assertThat(changes.poll(10, TimeUnit.SECONDS)).isTrue();

      redis.stop();
      assertThat(changes.poll(10, TimeUnit.SECONDS)).isFalse();
      assertThat(link.up()).isFalse();
      assertThat(link.send(Request.cmd(Command.PING)).toCompletionStage().toCompletableFuture()
          .handle((ok, failure) -> failure).get(5, TimeUnit.SECONDS)).as("a command while Redis is away fails").isNotNull();

      redis.restart();
      assertThat(changes.poll(10, TimeUnit.SECONDS)).isTrue();
      assertThat(link.send(Request.cmd(Command.PING)).await(5, TimeUnit.SECONDS).toString()).isEqualTo("PONG");
      assertThat(changes.poll(1_500, TimeUnit.MILLISECONDS)).as("no further change while Redis stays up").isNull();
      link.close();
    }
  }

  @Test
  void messagesArriveOnSubscribedChannelsAlsoAfterRedisRestarted() throws Exception {
    try (PrivateRedis redis = PrivateRedis.start()) {
      String prefix = prefix();
      RedisLink listener = RedisLink.open(vertx, redis.url(), prefix, 500);
      RedisLink sender = RedisLink.open(vertx, redis.url(), prefix, 500);
      BlockingQueue<String> received = new LinkedBlockingQueue<>();
      listener.subscribe("config", received::add);
      assertThat(publishUntilHeard(sender, received, "one")).isTrue();

      redis.restart();
      assertThat(publishUntilHeard(sender, received, "two")).isTrue();
      listener.close();
      sender.close();
    }
  }

  @Test
  void anErrorReplyIsAnAnswerNotAnOutage() throws Exception {
    RedisLink link = RedisLink.open(vertx, "redis://127.0.0.1:6379", prefix(), 2_000);
    await(link::up);
    BlockingQueue<Boolean> changes = new LinkedBlockingQueue<>();
    link.onStateChange(changes::add);
    Throwable failure = link.send(Request.cmd(Command.EVALSHA).arg("0".repeat(40)).arg(0))
        .toCompletionStage().toCompletableFuture().handle((ok, error) -> error).get(5, TimeUnit.SECONDS);
    assertThat(failure).hasMessageStartingWith("NOSCRIPT");
    assertThat(link.up()).isTrue();
    assertThat(changes.poll(1_500, TimeUnit.MILLISECONDS)).isNull();
    link.close();
  }

  @Test
  void theAddressNeverCarriesCredentials() {
    assertThat(RedisLink.address("redis://user:s3cret-pass@10.0.0.5:6380/2")).isEqualTo("10.0.0.5:6380");
    assertThat(RedisLink.address("redis://:s3cret-pass@redis")).isEqualTo("redis:6379");
    assertThat(RedisLink.address("not a url")).doesNotContain("not a url");
  }

  @Test
  void membersSeeEachOtherAndShareALimitExactly() throws Exception {
    RedisLink link = RedisLink.open(vertx, "redis://127.0.0.1:6379", prefix(), 2_000);
    await(link::up);
    ClusterMembers a = new ClusterMembers(vertx, link);
    ClusterMembers b = new ClusterMembers(vertx, link);
    ClusterMembers c = new ClusterMembers(vertx, link);
    a.start().await(5, TimeUnit.SECONDS);
    b.start().await(5, TimeUnit.SECONDS);
    c.start().await(5, TimeUnit.SECONDS);
    ClusterMembers.View view = a.heartbeat().await(5, TimeUnit.SECONDS);
    assertThat(view.count()).isEqualTo(3);
    List<ClusterMembers.View> views = List.of(view, b.heartbeat().await(5, TimeUnit.SECONDS),
        c.heartbeat().await(5, TimeUnit.SECONDS));
    assertThat(views).extracting(ClusterMembers.View::rank).containsExactlyInAnyOrder(0, 1, 2);
    for (int limit : new int[] {1, 2, 3, 5, 10, 100}) {
      assertThat(views.stream().mapToInt(v -> v.share(limit)).sum()).as("limit " + limit).isEqualTo(limit);
    }
    assertThat(view.share(0)).isZero();
    c.close();
    await(() -> a.heartbeat().await(5, TimeUnit.SECONDS).count() == 2);
    a.close();
    b.close();
    link.close();
  }

  private static boolean publishUntilHeard(RedisLink sender, BlockingQueue<String> received, String message)
      throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    while (System.nanoTime() < deadline) {
      sender.publish("config", message);
      String got = received.poll(200, TimeUnit.MILLISECONDS);
      if (message.equals(got)) {
        received.clear();
        return true;
      }
    }
    return false;
  }

  private static void await(Callable<Boolean> condition) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!condition.call()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not met within 10 s");
      }
      Thread.sleep(20);
    }
  }
}
