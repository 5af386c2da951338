package io.geminibalance.upstream;

import io.geminibalance.keypool.Acquisition;
import io.geminibalance.keypool.ApiKey;
import io.geminibalance.keypool.KeyLease;
import io.geminibalance.keypool.KeyOutcome;
import io.geminibalance.keypool.QuotaKeyPool;
import io.geminibalance.keypool.SharedQuota;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.Set;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Leases as {@code local} does, then has the shared authority confirm each lease (one round trip)
 * when several instances serve the pool. A lease the others' use leaves no room for is given back
 * to the pool, which holds the key until the shared count frees ({@link KeyOutcome.SharedLimit}),
 * and the request leases again: the local ring learns the others' use a key at a time. While the
 * authority is away leases go unconfirmed: the pool then schedules alone, with its share of the
 * limits ({@link QuotaKeyPool#scheduleAlone}); a take that Redis did not answer is given back and
 * leased again the same way. Wired only when REDIS_URL is set.
 */
public final class SharedQuotaLeaser implements Leaser {
  /**
   * Leases tried for one request: each refusal holds its key, so a request runs out of keys to
   * try soon anyway; the bound only stops a loop that holds nothing.
   */
  static final int MAX_TRIES = 16;
  /** The longest a refusal of the shared counts holds a key locally before Redis is asked again. */
  static final long HELD_AT_MOST_MILLIS = 60_000;

  private final Vertx vertx;
  private final Leaser local;
  private final QuotaKeyPool pool;
  private final SharedQuota shared;
  private final LongSupplier clock;

  public SharedQuotaLeaser(Vertx vertx, Leaser local, QuotaKeyPool pool, SharedQuota shared, LongSupplier clock) {
    this.vertx = vertx;
    this.local = local;
    this.pool = pool;
    this.shared = shared;
    this.clock = clock;
  }

  @Override
  public Future<Acquisition> lease(String model, Set<ApiKey> alreadyTried) {
    return confirmed(() -> local.lease(model, alreadyTried), 1);
  }

  @Override
  public Future<Acquisition> leaseKey(String model, String keyFingerprint) {
    return confirmed(() -> local.leaseKey(model, keyFingerprint), 1);
  }

  private Future<Acquisition> confirmed(Supplier<Future<Acquisition>> lease, int tries) {
    return lease.get().compose(acquisition -> switch (acquisition) {
      case Acquisition.Refused refused -> Future.succeededFuture(refused);
      case Acquisition.Granted granted -> confirm(granted, lease, tries);
    });
  }

  private Future<Acquisition> confirm(Acquisition.Granted granted, Supplier<Future<Acquisition>> lease, int tries) {
    KeyLease taken = granted.lease();
    SharedQuota.Claim claim = shared.active() ? pool.claim(taken) : null;
    if (claim == null) {
      return Future.succeededFuture(granted);
    }
    return Future.fromCompletionStage(shared.take(claim), vertx.getOrCreateContext()).compose(answer -> {
      switch (answer) {
        case SharedQuota.Answer.Taken ok -> {
          pool.noteShared(taken, ok.minute(), ok.today(), claim.day());
          return Future.succeededFuture(granted);
        }
        case SharedQuota.Answer.Full full -> {
          pool.noteShared(taken, -1, full.today(), claim.day());
          // Held here for a minute at most, then asked again: a block another instance set (a park, a
          // disable for the model) may be lifted there without this instance hearing of it.
          pool.release(taken, new KeyOutcome.SharedLimit(Math.min(full.untilMillis(), clock.getAsLong() + HELD_AT_MOST_MILLIS)));
          if (tries >= MAX_TRIES) {
            return Future.succeededFuture(new Acquisition.Refused(full.untilMillis(),
                "the keys are at their limits across the instances serving the pool"));
          }
          return confirmed(lease, tries + 1);
        }
        case SharedQuota.Answer.Unavailable away -> {
          // Redis went away with this take: nothing is known of it, so the lease is given back and
          // taken again from the pool, which by now schedules alone with its share of the limits.
          pool.release(taken, new KeyOutcome.SharedLimit(clock.getAsLong()));
          // Never an unconfirmed lease at the whole limits while Redis counts for the others: after
          // MAX_TRIES the request waits or gets the gateway's own 429 like any other at the limits.
          return tries >= MAX_TRIES
              ? Future.succeededFuture(new Acquisition.Refused(clock.getAsLong() + 1_000,
                  "the shared quota store (Redis) did not confirm a key in time"))
              : confirmed(lease, tries + 1);
        }
      }
    });
  }
}
