package io.geminibalance.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.geminibalance.testing.PrivateRedis;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Counters of two instances on one Redis add up; with Redis gone each goes on with its own counts. */
class RedisWindowCounterTest {
  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() {
    vertx.close().await();
  }

  @Test
  void countsOfTwoInstancesAddUpInOneWindowAndAClearForgetsThem() throws Exception {
    String prefix = "gbtest:" + UUID.randomUUID() + ":";
    RedisLink one = RedisLink.open(vertx, "redis://127.0.0.1:6379", prefix, 2_000);
    RedisLink two = RedisLink.open(vertx, "redis://127.0.0.1:6379", prefix, 2_000);
    awaitUp(one);
    awaitUp(two);
    WindowCounter a = new RedisWindowCounter(one, "test", 60_000, new LocalWindowCounter(60_000, 10));
    WindowCounter b = new RedisWindowCounter(two, "test", 60_000, new LocalWindowCounter(60_000, 10));

    assertThat(a.add("k").await(5, TimeUnit.SECONDS).count()).isEqualTo(1);
    assertThat(b.add("k").await(5, TimeUnit.SECONDS).count()).isEqualTo(2);
    WindowCounter.Count third = a.add("k").await(5, TimeUnit.SECONDS);
    assertThat(third.count()).isEqualTo(3);
    assertThat(third.millisLeft()).isBetween(1L, 60_000L);
    assertThat(b.read("k").await(5, TimeUnit.SECONDS).count()).as("read does not count").isEqualTo(3);
    assertThat(b.read("other").await(5, TimeUnit.SECONDS)).isEqualTo(WindowCounter.Count.NONE);

    a.clear("k");
    awaitCount(b, "k", 1, "b's own count stays in its memory; Redis's is gone");
    one.close();
    two.close();
  }

  @Test
  void keysBeyondTheLocalCapShareOneOverflowKeyInRedisToo() throws Exception {
    String prefix = "gbtest:" + UUID.randomUUID() + ":";
    RedisLink link = RedisLink.open(vertx, "redis://127.0.0.1:6379", prefix, 2_000);
    awaitUp(link);
    WindowCounter counter = new RedisWindowCounter(link, "capped", 60_000, new LocalWindowCounter(60_000, 2));
    for (String key : List.of("k1", "k2", "k3", "k4")) {
      counter.add(key).await(5, TimeUnit.SECONDS);
    }
    assertThat(counter.read("k1").await(5, TimeUnit.SECONDS).count()).isEqualTo(1);
    assertThat(counter.read("k9").await(5, TimeUnit.SECONDS).count()).as("any new key: the overflow's count")
        .isEqualTo(2);
    Response keys = link.send(Request.cmd(Command.KEYS).arg(prefix + "*")).await(5, TimeUnit.SECONDS);
    assertThat(keys.size()).as("k1, k2 and the overflow").isEqualTo(3);
    link.send(Request.cmd(Command.DEL).arg(prefix + "capped:k1").arg(prefix + "capped:k2")
        .arg(prefix + "capped:" + LocalWindowCounter.OVERFLOW)).await(5, TimeUnit.SECONDS);
    link.close();
  }

  @Test
  void aWindowEndsAfterItsLength() throws Exception {
    String prefix = "gbtest:" + UUID.randomUUID() + ":";
    RedisLink link = RedisLink.open(vertx, "redis://127.0.0.1:6379", prefix, 2_000);
    awaitUp(link);
    AtomicLong nanos = new AtomicLong();
    WindowCounter counter = new RedisWindowCounter(link, "short", 200, new LocalWindowCounter(200, 10, nanos::get));
    assertThat(counter.add("k").await(5, TimeUnit.SECONDS).count()).isEqualTo(1);
    nanos.addAndGet(TimeUnit.MILLISECONDS.toNanos(200));
    awaitCount(counter, "k", 0, "Redis expired the window");
    assertThat(counter.add("k").await(5, TimeUnit.SECONDS).count()).as("a new window").isEqualTo(1);
    link.close();
  }

  @Test
  void withRedisStoppedEachCounterAnswersFromItsOwnCountsWithoutFailing() throws Exception {
    try (PrivateRedis redis = PrivateRedis.start()) {
      String prefix = "gbtest:" + UUID.randomUUID() + ":";
      RedisLink one = RedisLink.open(vertx, redis.url(), prefix, 200);
      RedisLink two = RedisLink.open(vertx, redis.url(), prefix, 200);
      awaitUp(one);
      awaitUp(two);
      WindowCounter a = new RedisWindowCounter(one, "test", 60_000, new LocalWindowCounter(60_000, 10));
      WindowCounter b = new RedisWindowCounter(two, "test", 60_000, new LocalWindowCounter(60_000, 10));
      a.add("k").await(5, TimeUnit.SECONDS);
      b.add("k").await(5, TimeUnit.SECONDS);

      redis.stop();
      // Before the links noticed, and after: answers, from the local counts.
      assertThat(a.add("k").await(5, TimeUnit.SECONDS).count()).isEqualTo(2);
      for (int i = 0; i < 50 && one.up(); i++) {
        Thread.sleep(100);
      }
      assertThat(one.up()).isFalse();
      assertThat(a.add("k").await(5, TimeUnit.SECONDS).count()).isEqualTo(3);
      assertThat(b.read("k").await(5, TimeUnit.SECONDS).count()).isEqualTo(1);

      // Back (empty): the stricter of the two views, so nothing counted meanwhile is forgotten.
      redis.restart();
      awaitUp(one);
      assertThat(a.add("k").await(5, TimeUnit.SECONDS).count()).isEqualTo(4);
      one.close();
      two.close();
    }
  }

  static void awaitUp(RedisLink link) throws InterruptedException {
    for (int i = 0; i < 100 && !link.up(); i++) {
      Thread.sleep(50);
    }
    assertThat(link.up()).as("Redis answers").isTrue();
  }

  private static void awaitCount(WindowCounter counter, String key, long count, String what) throws Exception {
    for (int i = 0; i < 100; i++) {
      if (counter.read(key).await(5, TimeUnit.SECONDS).count() == count) {
        return;
      }
      Thread.sleep(20);
    }
    assertThat(counter.read(key).await(5, TimeUnit.SECONDS).count()).as(what).isEqualTo(count);
  }
}
