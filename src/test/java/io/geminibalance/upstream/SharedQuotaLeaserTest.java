package io.geminibalance.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import io.geminibalance.keypool.Acquisition;
import io.geminibalance.keypool.ApiKey;
import io.geminibalance.keypool.KeyLease;
import io.geminibalance.keypool.KeyOutcome;
import io.geminibalance.keypool.QuotaCell;
import io.geminibalance.keypool.QuotaKeyPool;
import io.geminibalance.keypool.QuotaPolicy;
import io.geminibalance.keypool.SharedQuota;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The leaser that confirms leases with the shared counts, over a fake authority. */
class SharedQuotaLeaserTest {
  private static final String MODEL = "gemini-2.5-flash";
  private final Vertx vertx = Vertx.vertx();
  private final AtomicLong now = new AtomicLong(Instant.parse("2026-03-02T12:00:00Z").toEpochMilli());
  private final InstantSource clock = () -> Instant.ofEpochMilli(now.get());
  private final List<ApiKey> keys = List.of(new ApiKey("AIzaSyTEST-key-0000"), new ApiKey("AIzaSyTEST-key-0001"));
  private final QuotaKeyPool pool = new QuotaKeyPool(keys,
      QuotaPolicy.fromEnv(Map.of("DEFAULT_RPM", "10", "DEFAULT_RPD", "0")), clock);

  @AfterEach
  void close() {
    vertx.close().await();
  }

  /** An authority answering by a rule, recording what it was told. */
  static final class FakeAuthority implements SharedQuota {
    volatile boolean active = true;
    Function<Claim, Answer> rule = claim -> new Answer.Taken(1, 1);
    final List<Claim> takes = new ArrayList<>();
    final List<String> told = new ArrayList<>();

    @Override
    public boolean active() {
      return active;
    }

    @Override
    public synchronized CompletionStage<Answer> take(Claim claim) {
      takes.add(claim);
      return CompletableFuture.completedFuture(rule.apply(claim));
    }

    @Override
    public synchronized void block(String owner, String model, QuotaCell.BlockKind kind, long untilMillis, long nowMillis) {
      told.add("block " + model + " " + kind + " " + (untilMillis - nowMillis));
    }

    @Override
    public synchronized void clearBlocks(String owner, String model) {
      told.add("clear " + model);
    }

    @Override
    public synchronized void learnRpm(String owner, String model, int rpm, long day) {
      told.add("learn " + model + " " + rpm);
    }

    @Override
    public synchronized void giveBack(Claim claim) {
      told.add("giveBack " + claim.model() + " " + claim.takenAtMillis());
    }
  }

  private SharedQuotaLeaser leaser(FakeAuthority authority) {
    pool.share(authority);
    return new SharedQuotaLeaser(vertx, Leaser.immediate(pool), pool, authority, now::get);
  }

  private static Acquisition await(io.vertx.core.Future<Acquisition> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
  }

  private KeyLease granted(Acquisition acquisition) {
    assertThat(acquisition).isInstanceOf(Acquisition.Granted.class);
    return ((Acquisition.Granted) acquisition).lease();
  }

  @Test
  void aKeyTheOthersUsedUpIsHeldUntilItFreesAndTheRequestGetsAnother() throws Exception {
    FakeAuthority authority = new FakeAuthority();
    long frees = now.get() + 20_000;
    authority.rule = claim -> claim.owner().equals(keys.get(0).fingerprint())
        ? new SharedQuota.Answer.Full(frees, 10, 10) : new SharedQuota.Answer.Taken(3, 3);
    SharedQuotaLeaser leaser = leaser(authority);

    KeyLease lease = granted(await(leaser.lease(MODEL, Set.of())));
    assertThat(lease.key()).isEqualTo(keys.get(1));
    assertThat(authority.takes).extracting(SharedQuota.Claim::rpm).containsExactly(10, 10);
    pool.release(lease, KeyOutcome.SUCCESS);
    // Key 0 is held: every lease goes to key 1 without asking about key 0 again.
    for (int i = 0; i < 5; i++) {
      pool.release(granted(await(leaser.lease(MODEL, Set.of()))), KeyOutcome.SUCCESS);
    }
    assertThat(authority.takes).extracting(SharedQuota.Claim::owner)
        .filteredOn(keys.get(0).fingerprint()::equals).hasSize(1);
    // Nothing was sent with key 0: its local minute is untouched, and nothing blames it.
    assertThat(pool.quotaSnapshot().keys()).filteredOn(r -> r.fingerprint().equals(keys.get(0).fingerprint()))
        .singleElement().satisfies(r -> assertThat(r.usedThisMinute()).isZero());
    assertThat(authority.told).isEmpty();

    now.set(frees);
    authority.rule = claim -> new SharedQuota.Answer.Taken(1, 1);
    List<ApiKey> next = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      KeyLease again = granted(await(leaser.lease(MODEL, Set.of())));
      next.add(again.key());
      pool.release(again, KeyOutcome.SUCCESS);
    }
    assertThat(next).as("once the hold ends the key takes its turns again").contains(keys.get(0));
  }

  @Test
  void whenEveryKeyIsFullAcrossInstancesTheRefusalNamesTheEarliestFree() throws Exception {
    FakeAuthority authority = new FakeAuthority();
    long frees = now.get() + 7_000;
    authority.rule = claim -> new SharedQuota.Answer.Full(frees, 10, 10);
    Acquisition refused = await(leaser(authority).lease(MODEL, Set.of()));
    assertThat(refused).isInstanceOf(Acquisition.Refused.class);
    assertThat(((Acquisition.Refused) refused).earliestMillis()).isEqualTo(frees);
    assertThat(authority.takes).hasSize(2);
  }

  @Test
  void aPinnedKeyTheOthersUsedUpIsRefusedUntilItFrees() throws Exception {
    FakeAuthority authority = new FakeAuthority();
    long frees = now.get() + 9_000;
    authority.rule = claim -> new SharedQuota.Answer.Full(frees, 10, 10);
    Acquisition refused = await(leaser(authority).leaseKey(MODEL, keys.get(0).fingerprint()));
    assertThat(((Acquisition.Refused) refused).earliestMillis()).isEqualTo(frees);
    assertThat(((Acquisition.Refused) refused).permanent()).isFalse();
  }

  @Test
  void noConfirmationWhileTheAuthorityIsAwayOrForUnlimitedKeys() throws Exception {
    FakeAuthority authority = new FakeAuthority();
    authority.active = false;
    SharedQuotaLeaser leaser = leaser(authority);
    pool.release(granted(await(leaser.lease(MODEL, Set.of()))), KeyOutcome.SUCCESS);
    assertThat(authority.takes).isEmpty();

    QuotaKeyPool unlimited = new QuotaKeyPool(keys, QuotaPolicy.fromEnv(Map.of("DEFAULT_RPM", "0",
        "DEFAULT_RPD", "0")), clock);
    FakeAuthority other = new FakeAuthority();
    unlimited.share(other);
    SharedQuotaLeaser unlimitedLeaser = new SharedQuotaLeaser(vertx, Leaser.immediate(unlimited), unlimited, other,
        now::get);
    unlimited.release(granted(await(unlimitedLeaser.lease(MODEL, Set.of()))), KeyOutcome.SUCCESS);
    assertThat(other.takes).isEmpty();
  }

  /**
   * Google counts every instance's sends: a 429 after the shared minute held 8 (this one the 9th)
   * teaches 8, not what this instance alone sent.
   */
  @Test
  void aLimitLearnedFromA429CountsEveryInstancesSends() throws Exception {
    FakeAuthority authority = new FakeAuthority();
    authority.rule = claim -> new SharedQuota.Answer.Taken(9, 20);
    KeyLease lease = granted(await(leaser(authority).lease(MODEL, Set.of())));
    pool.release(lease, new KeyOutcome.RateLimited(Duration.ofSeconds(30),
        KeyOutcome.RateLimited.QuotaWindow.MINUTE, "429"));
    assertThat(authority.told).contains("learn " + MODEL + " 8");
  }

  @Test
  void whatThePoolLearnsReachesTheAuthority() throws Exception {
    FakeAuthority authority = new FakeAuthority();
    SharedQuotaLeaser leaser = leaser(authority);
    KeyLease first = granted(await(leaser.lease(MODEL, Set.of())));
    pool.release(first, KeyOutcome.NOT_FOUND);
    KeyLease second = granted(await(leaser.lease(MODEL, Set.of())));
    pool.release(second, KeyOutcome.SUCCESS);
    // Key 1, which sent once in the minute: a 429 then teaches its limit (1).
    KeyLease third = granted(await(leaser.lease(MODEL, Set.of(keys.get(0)))));
    assertThat(third.key()).isEqualTo(keys.get(1));
    pool.release(third, new KeyOutcome.RateLimited(Duration.ofSeconds(30),
        KeyOutcome.RateLimited.QuotaWindow.MINUTE, "429"));
    KeyLease fourth = granted(await(leaser.lease(MODEL, Set.of())));
    pool.release(fourth, new KeyOutcome.RateLimited(Duration.ZERO, KeyOutcome.RateLimited.QuotaWindow.DAY, "429"));
    pool.restoreModel(fourth.key(), MODEL);
    assertThat(authority.told).containsExactly(
        "giveBack " + MODEL + " " + first.acquiredAtMillis(),
        "block " + MODEL + " COOLDOWN 30000",
        "learn " + MODEL + " 1",
        "block " + MODEL + " PARKED " + (io.geminibalance.keypool.PacificDay.nextResetMillis(now.get()) - now.get()),
        "clear " + MODEL);
  }
}
