package io.geminibalance.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.geminibalance.auth.ClientToken;
import io.geminibalance.auth.TokenLimiter;
import io.geminibalance.auth.TokenLimits;
import io.geminibalance.auth.TokenRefusal;
import io.geminibalance.testing.ManagedTokens;
import io.geminibalance.testing.PrivateRedis;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Two instances' limiters on one real Redis share a managed token's limits exactly; with Redis
 * stopped each counts alone with its 1/N share.
 */
class RedisTokenLimiterTest {
  private static final ClusterMembers.View ONE_OF_TWO = new ClusterMembers.View(List.of("a", "b"), 0);
  private final Vertx vertx = Vertx.vertx();
  private final List<RedisLink> links = new java.util.ArrayList<>();

  @AfterEach
  void close() {
    links.forEach(RedisLink::close);
    vertx.close().await();
  }

  /** Two instances' limiters on the test Redis, under a prefix of this test's own. */
  private List<TokenLimiter> twoInstances(long leaseMillis) throws InterruptedException {
    String prefix = "gbtest:" + UUID.randomUUID() + ":";
    List<TokenLimiter> limiters = new java.util.ArrayList<>();
    for (int i = 0; i < 2; i++) {
      RedisLink link = RedisLink.open(vertx, "redis://127.0.0.1:6379", prefix, 2_000);
      links.add(link);
      RedisWindowCounterTest.awaitUp(link);
      limiters.add(limiter(link, leaseMillis));
    }
    return limiters;
  }

  private static ClientToken token(TokenLimits limits) {
    Instant now = Instant.now();
    return new ClientToken("tok-" + UUID.randomUUID(), "ci-bot", "h", "abcd", List.of(), Set.of(), limits, null,
        List.of(), true, null, now, now);
  }

  private static TokenLimiter.Admission admit(TokenLimiter limiter, ClientToken token) throws Exception {
    return limiter.admit(token).await(5, TimeUnit.SECONDS);
  }

  private static TokenRefusal refusal(TokenLimiter.Admission admission) {
    return switch (admission) {
      case TokenLimiter.Admitted admitted -> null;
      case TokenLimiter.OverLimit over -> over.refusal();
    };
  }

  private static TokenLimiter.Slot slot(TokenLimiter.Admission admission) {
    return switch (admission) {
      case TokenLimiter.Admitted admitted -> admitted.slot();
      case TokenLimiter.OverLimit over -> throw new AssertionError("refused: " + over.refusal().message());
    };
  }

  /** A link to {@code redis} with this deadline, up, closed after the test. */
  private RedisLink open(PrivateRedis redis, long timeoutMillis) throws InterruptedException {
    RedisLink link = RedisLink.open(vertx, redis.url(), "gbtest:", timeoutMillis);
    links.add(link);
    RedisWindowCounterTest.awaitUp(link);
    return link;
  }

  /** Writes (scripts included) wait on Redis for 1.5 s; pings still answer, so links stay up. */
  private static void pauseWrites(RedisLink control) throws Exception {
    control.send(Request.cmd(Command.CLIENT).arg("PAUSE").arg(1500).arg("WRITE")).await(5, TimeUnit.SECONDS);
  }

  private RedisTokenLimiter limiter(RedisLink link, long leaseMillis) {
    return new RedisTokenLimiter(vertx, link, () -> ONE_OF_TWO, System::currentTimeMillis, leaseMillis);
  }

  @Test
  void twoLimitersOnOneRedisShareRequestLimitsExactly() throws Exception {
    List<TokenLimiter> instances = twoInstances(60_000);
    TokenLimiter a = instances.get(0);
    TokenLimiter b = instances.get(1);
    ManagedTokens.awayFromMinuteEnd();
    ClientToken token = token(new TokenLimits(5L, 1000L, null, null, null));
    int admitted = 0;
    for (int i = 0; i < 10; i++) {
      if (refusal(admit(i % 2 == 0 ? a : b, token)) == null) {
        admitted++;
      }
    }
    assertThat(admitted).as("the whole limit, not 5 per instance").isEqualTo(5);
    TokenRefusal refused = refusal(admit(b, token));
    assertThat(refused.status()).isEqualTo(429);
    assertThat(refused.message()).startsWith("token 'ci-bot' is over its limit of 5 requests per minute");
    assertThat(refused.retryAfterSeconds()).isBetween(1L, 60L);
  }

  @Test
  void tokensChargedOnOneInstanceRefuseOnTheOther() throws Exception {
    List<TokenLimiter> instances = twoInstances(60_000);
    TokenLimiter a = instances.get(0);
    TokenLimiter b = instances.get(1);
    ManagedTokens.awayFromMinuteEnd();
    ClientToken token = token(new TokenLimits(null, null, 100L, 10_000L, null));
    assertThat(refusal(admit(a, token))).isNull();
    a.charge(token, 60);
    b.charge(token, 40);
    TokenRefusal refused = null;
    for (int i = 0; i < 100 && refused == null; i++) {
      refused = refusal(admit(b, token));
      Thread.sleep(10);
    }
    assertThat(refused).isNotNull();
    assertThat(refused.message()).contains("over its limit of 100 tokens per minute");
  }

  @Test
  void concurrencyLeasesAreSharedAndGivenBack() throws Exception {
    // Leases of 400 ms, renewed every 200 ms while held.
    List<TokenLimiter> instances = twoInstances(400);
    TokenLimiter a = instances.get(0);
    TokenLimiter b = instances.get(1);
    ClientToken token = token(new TokenLimits(null, null, null, null, 1));
    TokenLimiter.Slot held = slot(admit(a, token));
    assertThat(refusal(admit(b, token)).message()).contains("over its limit of 1 requests at once");
    Thread.sleep(1_000);
    assertThat(refusal(admit(b, token))).as("renewed while held").isNotNull();
    held.release();
    held.release();
    TokenLimiter.Slot next = slot(admit(b, token));
    assertThat(refusal(admit(a, token))).isNotNull();
    next.release();
  }

  @Test
  void aLeaseNotRenewedExpires() throws Exception {
    String prefix = "gbtest:" + UUID.randomUUID() + ":";
    RedisLink one = RedisLink.open(vertx, "redis://127.0.0.1:6379", prefix, 2_000);
    RedisWindowCounterTest.awaitUp(one);
    TokenLimiter crashed = limiter(one, 300);
    ClientToken token = token(new TokenLimits(null, null, null, null, 1));
    slot(admit(crashed, token));
    // The instance that holds it dies: its renewals stop with its event loop.
    Vertx other = Vertx.vertx();
    try {
      RedisLink link = RedisLink.open(other, "redis://127.0.0.1:6379", prefix, 2_000);
      RedisWindowCounterTest.awaitUp(link);
      TokenLimiter survivor = new RedisTokenLimiter(other, link, () -> ONE_OF_TWO, System::currentTimeMillis, 300);
      vertx.close().await();
      TokenRefusal refused = refusal(admit(survivor, token));
      for (int i = 0; i < 100 && refused != null; i++) {
        Thread.sleep(50);
        refused = refusal(admit(survivor, token));
      }
      assertThat(refused).as("the dead instance's lease expired").isNull();
      link.close();
    } finally {
      other.close().await();
    }
  }

  @Test
  void withRedisStoppedEachInstanceCountsItsShare() throws Exception {
    try (PrivateRedis redis = PrivateRedis.start()) {
      String prefix = "gbtest:" + UUID.randomUUID() + ":";
      RedisLink link = RedisLink.open(vertx, redis.url(), prefix, 200);
      RedisWindowCounterTest.awaitUp(link);
      TokenLimiter limiter = limiter(link, 60_000);
      ManagedTokens.awayFromMinuteEnd();
      ClientToken token = token(new TokenLimits(4L, null, null, null, 4));
      assertThat(refusal(admit(limiter, token))).isNull();
      redis.stop();
      for (int i = 0; i < 50 && link.up(); i++) {
        Thread.sleep(100);
      }
      assertThat(link.up()).isFalse();
      // Alone: half of 4 requests per minute (this instance is one of two), counted from now.
      assertThat(refusal(admit(limiter, token))).isNull();
      assertThat(refusal(admit(limiter, token))).isNull();
      TokenRefusal refused = refusal(admit(limiter, token));
      assertThat(refused).isNotNull();
      assertThat(refused.message())
          .contains("over its limit of 4 requests per minute (this instance's share while Redis is away: 2)");
      link.close();
    }
  }

  /**
   * An admission whose answer comes after REDIS_TIMEOUT_MS is let through on this instance's own
   * counts, but the script still runs on Redis and takes a lease: releasing the request's slot
   * removes that lease too, or the token would be a request short for the lease's whole life.
   */
  @Test
  void aLeaseTakenByALateAdmissionIsGivenBackWithItsSlot() throws Exception {
    try (PrivateRedis redis = PrivateRedis.start()) {
      RedisLink link = open(redis, 300);
      RedisLink control = open(redis, 2_000);
      RedisTokenLimiter limiter = new RedisTokenLimiter(vertx, link,
          () -> new ClusterMembers.View(List.of("a"), 0), System::currentTimeMillis, 60_000);
      ClientToken token = token(new TokenLimits(null, null, null, null, 1));
      // Another token's admission first: Redis knows the script, as it does once a gateway has run a while.
      slot(admit(limiter, token(new TokenLimits(null, null, null, null, 1)))).release();
      pauseWrites(control);
      TokenLimiter.Slot late = slot(admit(limiter, token));
      Thread.sleep(1_700);
      assertThat(link.up()).isTrue();
      late.release();
      TokenLimiter.Admission next = null;
      for (int i = 0; i < 40; i++) {
        next = admit(limiter, token);
        if (refusal(next) == null) {
          break;
        }
        Thread.sleep(50);
      }
      assertThat(refusal(next)).as("the late lease was given back").isNull();
    }
  }

  /**
   * A late admission that this instance refuses on its own share is never served, yet the script
   * still runs on Redis and counts it: its count is taken back once the script's reply comes, so
   * the shared limit is left whole for the requests that are served.
   */
  @Test
  void aRequestCountedByALateAdmissionThatThisInstanceRefusedIsTakenBack() throws Exception {
    try (PrivateRedis redis = PrivateRedis.start()) {
      RedisLink link = open(redis, 300);
      RedisLink control = open(redis, 2_000);
      // One of two instances: alone, this one's share of 2 requests per minute is 1.
      TokenLimiter limiter = limiter(link, 60_000);
      ClientToken token = token(new TokenLimits(2L, null, null, null, null));
      slot(admit(limiter, token(new TokenLimits(2L, null, null, null, null)))).release();
      ManagedTokens.awayFromMinuteEnd();
      pauseWrites(control);
      // Both answers come late; this instance admits the first on its share and refuses the second,
      // while the scripts, run once Redis writes again, count both.
      assertThat(refusal(admit(limiter, token))).isNull();
      assertThat(refusal(admit(limiter, token)).message())
          .contains("this instance's share while Redis is away: 1");
      assertThat(link.up()).isTrue();

      TokenLimiter.Admission next = null;
      for (int i = 0; i < 60; i++) {
        next = admit(limiter, token);
        if (refusal(next) == null) {
          break;
        }
        Thread.sleep(50);
      }
      assertThat(refusal(next)).as("the refused request is not in the shared count").isNull();
      assertThat(refusal(admit(limiter, token)).message()).as("the served two are")
          .startsWith("token 'ci-bot' is over its limit of 2 requests per minute");
    }
  }
}
