package io.geminibalance.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.geminibalance.keypool.QuotaCell;
import io.geminibalance.keypool.SharedQuota.Answer;
import io.geminibalance.keypool.SharedQuota.Claim;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The take script and its companions on the machine's Redis, each test under a prefix of its own. */
class RedisQuotaTest {
  private static final long DAY = 20_000;
  private final Vertx vertx = Vertx.vertx();
  private final AtomicLong clock = new AtomicLong(1_000_000);
  private RedisLink link;
  private RedisQuota a;
  private RedisQuota b;

  @BeforeEach
  void open() throws Exception {
    link = RedisLink.open(vertx, "redis://127.0.0.1:6379", "gbtest:" + UUID.randomUUID() + ":", 2_000);
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!link.up() && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    a = new RedisQuota(link, "instance-a", clock::get);
    b = new RedisQuota(link, "instance-b", clock::get);
  }

  @AfterEach
  void close() {
    link.close();
    vertx.close().await();
  }

  private static Claim claim(int rpm, int rpd, long takenAt) {
    return new Claim("fp-1", "gemini-2.5-flash", rpm, rpd, DAY, 1_000_000 + 3_600_000, takenAt);
  }

  private static Answer take(RedisQuota quota, Claim claim) throws Exception {
    return quota.take(claim).toCompletableFuture().get(5, TimeUnit.SECONDS);
  }

  @Test
  void twoInstancesShareOneMinuteWindowAndTheRefusalSaysWhenItFrees() throws Exception {
    for (int i = 0; i < 3; i++) {
      assertThat(take(i % 2 == 0 ? a : b, claim(3, 0, clock.get()))).isEqualTo(new Answer.Taken(i + 1, i + 1));
    }
    Answer refused = take(b, claim(3, 0, clock.get()));
    assertThat(refused).isInstanceOf(Answer.Full.class);
    Answer.Full full = (Answer.Full) refused;
    assertThat(full.minute()).isEqualTo(3);
    assertThat(full.untilMillis() - clock.get()).isBetween(50_000L, 60_000L);
    // Another model, or another owner, is another cell.
    assertThat(take(a, new Claim("fp-1", "gemini-2.5-pro", 3, 0, DAY, 1_000_000 + 3_600_000, clock.get())))
        .isEqualTo(new Answer.Taken(1, 1));
  }

  @Test
  void theDayCountRefusesUntilTheDayEndsOnTheInstancesClock() throws Exception {
    assertThat(take(a, claim(0, 2, clock.get()))).isInstanceOf(Answer.Taken.class);
    assertThat(take(b, claim(0, 2, clock.get()))).as("no minute limit: no window kept").isEqualTo(new Answer.Taken(0, 2));
    Answer.Full full = (Answer.Full) take(a, claim(0, 2, clock.get()));
    assertThat(full.today()).isEqualTo(2);
    assertThat(full.untilMillis()).isEqualTo(1_000_000 + 3_600_000);
    assertThat(ttl(link.key(RedisQuota.cell("fp-1", "gemini-2.5-flash") + ":d:" + DAY)))
        .isBetween(172_000L, 172_800L);
  }

  @Test
  void aBlockSetByOneInstanceRefusesTheOtherUntilItEnds() throws Exception {
    a.block("fp-1", "gemini-2.5-flash", QuotaCell.BlockKind.COOLDOWN, clock.get() + 30_000, clock.get());
    a.block("fp-1", "gemini-2.5-flash", QuotaCell.BlockKind.COOLDOWN, clock.get() + 5_000, clock.get());
    // What an instance hears is sent without waiting: the others see it once it landed.
    Answer.Full full = (Answer.Full) eventually(b, claim(10, 0, clock.get()), Answer.Full.class);
    assertThat(full.untilMillis() - clock.get()).as("the later end stays").isBetween(25_000L, 30_000L);
    b.clearBlocks("fp-1", "gemini-2.5-flash");
    assertThat(eventually(b, claim(10, 0, clock.get()), Answer.Taken.class)).isInstanceOf(Answer.Taken.class);
  }

  @Test
  void aLearnedLimitLowersTheMinuteForEveryInstanceOnItsDayOnly() throws Exception {
    a.learnRpm("fp-1", "gemini-2.5-flash", 2, DAY);
    a.learnRpm("fp-1", "gemini-2.5-flash", 3, DAY);
    awaitField("learnedRpm", "2");
    assertThat(take(a, claim(10, 0, clock.get()))).isInstanceOf(Answer.Taken.class);
    assertThat(take(b, claim(10, 0, clock.get()))).isInstanceOf(Answer.Taken.class);
    assertThat(take(b, claim(10, 0, clock.get()))).as("the lowest learned of the day, 2").isInstanceOf(Answer.Full.class);
    Claim nextDay = new Claim("fp-1", "gemini-2.5-flash", 10, 0, DAY + 1, 1_000_000 + 3_600_000, clock.get());
    assertThat(take(b, nextDay)).as("another day forgets it").isInstanceOf(Answer.Taken.class);
  }

  @Test
  void aGiveBackRemovesThatSendFromTheMinuteAndTheDay() throws Exception {
    Claim first = claim(2, 0, 5_000);
    Claim second = claim(2, 0, 6_000);
    assertThat(take(a, first)).isInstanceOf(Answer.Taken.class);
    assertThat(take(a, second)).isInstanceOf(Answer.Taken.class);
    b.giveBack(first); // another instance's send of that time: not this one's to give back
    a.giveBack(first);
    assertThat(eventually(b, claim(2, 0, 7_000), Answer.Taken.class)).isEqualTo(new Answer.Taken(2, 2));
  }

  @Test
  void redisAwayIsUnavailableNotAnError() throws Exception {
    RedisLink away = RedisLink.open(vertx, "redis://127.0.0.1:1", "gbtest:" + UUID.randomUUID() + ":", 200);
    RedisQuota quota = new RedisQuota(away, "instance-c", clock::get);
    assertThat(take(quota, claim(3, 0, clock.get()))).isInstanceOf(Answer.Unavailable.class);
    assertThat(quota.active()).isFalse();
    away.close();
  }

  /** Takes until the answer is of {@code kind} (a refused take changes nothing), for at most 5 s. */
  private static Answer eventually(RedisQuota quota, Claim claim, Class<? extends Answer> kind) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    Answer answer = take(quota, claim);
    while (!kind.isInstance(answer) && System.nanoTime() < deadline) {
      Thread.sleep(10);
      answer = take(quota, claim);
    }
    return answer;
  }

  private void awaitField(String field, String value) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    String key = link.key(RedisQuota.cell("fp-1", "gemini-2.5-flash") + ":s");
    while (System.nanoTime() < deadline) {
      var reply = link.send(Request.cmd(Command.HGET).arg(key).arg(field)).await(5, TimeUnit.SECONDS);
      if (reply != null && value.equals(reply.toString())) {
        return;
      }
      Thread.sleep(10);
    }
    throw new AssertionError(field + " never became " + value);
  }

  private long ttl(String key) {
    return link.send(Request.cmd(Command.TTL).arg(key)).await().toLong();
  }
}
