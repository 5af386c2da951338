package io.geminibalance.keypool;

import io.geminibalance.keypool.QuotaCell.Block;
import io.geminibalance.keypool.QuotaCell.BlockKind;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A key pool that knows Google's per-key, per-model quotas: it hands out a key only when the key
 * can take the request under its minute and day limits, spreads requests over all keys in
 * turn, and learns from Google's refusals (cooldown, park until the Pacific midnight, disable for
 * one model or as a whole). Thread-safe; each model has its own lock.
 *
 * <p>Wiring: {@code QuotaPolicy policy = QuotaPolicy.fromEnv(env);} (DEFAULT_RPM, DEFAULT_RPD,
 * MODEL_RATE_LIMITS, KEY_RATE_LIMITS, MAX_FAILURES), {@code pool = new QuotaKeyPool(keys, policy,
 * InstantSource.system());} then {@code LeaseQueue.over(pool, timer, clock,
 * LeaseQueue.Settings.fromEnv(env))} for requests that may wait (QUEUE_TIMEOUT_SECONDS).
 * What Google taught about a key's minute limit is kept until the next Pacific midnight or a
 * change of the configured limit. Requests beyond what a key has proven Google accepts in a
 * minute go one at a time (probes), so that limits configured too high cost at most one 429 per
 * key and model whatever the concurrency.
 */
public final class QuotaKeyPool implements KeyPool {
  private static final Logger LOG = LoggerFactory.getLogger(QuotaKeyPool.class);

  private volatile QuotaPolicy policy;
  private final QuotaState state;
  private final InstantSource clock;
  private final Object structureLock = new Object();
  private final Map<String, ModelLane> lanes = new ConcurrentHashMap<>();
  private final List<Consumer<String>> availabilityListeners = new CopyOnWriteArrayList<>();
  private volatile Map<ApiKey, KeyEntry> entries = Map.of();

  /** A pool over in-memory quota state. */
  public QuotaKeyPool(Collection<ApiKey> keys, QuotaPolicy policy, InstantSource clock) {
    this(keys, policy, new InMemoryQuotaState(), clock);
  }

  public QuotaKeyPool(Collection<ApiKey> keys, QuotaPolicy policy, QuotaState state, InstantSource clock) {
    this.policy = policy;
    this.state = state;
    this.clock = clock;
    replaceKeys(keys);
    policy.limits().byModel().keySet().forEach(this::lane);
  }

  @Override
  public Acquisition acquire(String model, Set<ApiKey> alreadyTried) {
    ModelLane lane = lane(ModelNames.base(model));
    long now = clock.millis();
    KeyLease lease = lane.lease(alreadyTried, now);
    if (lease != null) {
      return new Acquisition.Granted(lease);
    }
    return lane.refusal(alreadyTried, now);
  }

  @Override
  public void release(KeyLease lease, KeyOutcome outcome) {
    ModelLane lane = lanes.get(lease.model());
    Slot slot = lane == null ? null : lane.released(lease);
    if (slot == null) {
      return; // the key was removed meanwhile
    }
    long now = clock.millis();
    int sent = outcome instanceof KeyOutcome.RateLimited ? sentBefore(lane, slot, lease) : 0;
    OutcomeVerdict.Facts facts = new OutcomeVerdict.Facts(now, sent, slot.limit.rpm());
    OutcomeVerdict verdict = OutcomeVerdict.decide(outcome, facts, policy);
    apply(verdict, lane, slot, lease);
    if (lane.endProbe(slot, lease, verdict instanceof OutcomeVerdict.Clear, now)) {
      notifyAvailable(lane.model);
    }
  }

  /**
   * What the key had sent in the minute before a refused lease. For a probe that is at least the
   * proven level: the sends of the probe's own millisecond, which the window cannot order, were
   * all within it.
   */
  private static int sentBefore(ModelLane lane, Slot slot, KeyLease lease) {
    int sent = slot.cell.sentBefore(lease.acquiredAtMillis());
    return lane.isProbe(slot, lease) ? Math.max(sent, slot.cell.provenRpm()) : sent;
  }

  private void apply(OutcomeVerdict verdict, ModelLane lane, Slot slot, KeyLease lease) {
    long now = clock.millis();
    ApiKey key = slot.entry.key;
    switch (verdict) {
      case OutcomeVerdict.Clear c -> succeeded(lane, slot, lease, now);
      case OutcomeVerdict.Cool cool -> cool(lane, slot, cool, now);
      case OutcomeVerdict.Park park -> {
        slot.cell.block(new Block(BlockKind.PARKED, park.untilMillis(), park.reason(), now));
        LOG.info("Key {} parked for {} until the Pacific midnight: {}", key, lane.model, park.reason());
      }
      case OutcomeVerdict.DisableForModel off -> {
        slot.cell.block(new Block(BlockKind.MODEL_DISABLED, QuotaCell.NEVER, off.reason(), now));
        LOG.warn("Key {} disabled for {} only: {}", key, lane.model, off.reason());
      }
      case OutcomeVerdict.DisableKey off -> disable(key, off.reason());
      case OutcomeVerdict.CountFailure failure -> {
        if (slot.entry.fail(policy.maxFailures())) {
          disable(key, failure.reason() + " (" + policy.maxFailures() + " failures in a row)");
        }
      }
      case OutcomeVerdict.Ignore i -> { }
    }
  }

  private void succeeded(ModelLane lane, Slot slot, KeyLease lease, long now) {
    slot.entry.succeeded();
    if (slot.cell.clearBlockSetBefore(lease.acquiredAtMillis())) {
      lane.wake(slot, now);
      notifyAvailable(lane.model);
    }
  }

  private void cool(ModelLane lane, Slot slot, OutcomeVerdict.Cool cool, long now) {
    slot.cell.block(new Block(BlockKind.COOLDOWN, cool.untilMillis(), cool.reason(), now));
    if (cool.learnedRpm() > 0) {
      slot.cell.learnRpm(cool.learnedRpm());
      LOG.info("Key {} for {}: Google allows {} requests per minute, fewer than configured",
          slot.entry.key, lane.model, cool.learnedRpm());
    }
    long backoff = policy.throttleBackoff().toMillis();
    if (cool.throttleSuspect() && lane.throttle.refused(slot.entry.key, now, backoff)) {
      lane.backoff(now + backoff);
      LOG.warn("Several keys refused for {} within a second while lightly used: likely an IP-level"
          + " throttle by Google; pausing {} for {} ms instead of cooling the whole pool", lane.model,
          lane.model, backoff);
    }
  }

  @Override
  public void replaceKeys(Collection<ApiKey> keys) {
    synchronized (structureLock) {
      Map<ApiKey, KeyEntry> previous = entries;
      Map<ApiKey, KeyEntry> next = new LinkedHashMap<>();
      keys.forEach(key -> next.put(key, previous.getOrDefault(key, new KeyEntry(key))));
      entries = next;
      long now = clock.millis();
      for (ApiKey gone : previous.keySet()) {
        if (!next.containsKey(gone)) {
          lanes.values().forEach(lane -> lane.remove(gone));
          state.forget(gone.fingerprint());
        }
      }
      lanes.values().forEach(lane -> next.values().forEach(entry -> lane.add(slotFor(entry, lane.model), now)));
    }
    lanes.keySet().forEach(this::notifyAvailable);
  }

  /**
   * Applies new limits and tunables (live settings). Slots carry their limit, so every lane is
   * rebuilt; what each key used and any block live in the quota state and are kept.
   */
  public void updatePolicy(QuotaPolicy next) {
    synchronized (structureLock) {
      policy = next;
      for (String model : List.copyOf(lanes.keySet())) {
        ModelLane previous = lanes.get(model);
        previous.abandonProbes(); // before the new lane places its slots by their cells
        ModelLane rebuilt = newLane(model);
        forgetLearnedWhereConfigChanged(previous, rebuilt);
        lanes.put(model, rebuilt);
      }
      next.limits().byModel().keySet().forEach(model -> lanes.computeIfAbsent(model, this::newLane));
    }
    lanes.keySet().forEach(this::notifyAvailable);
  }

  /**
   * What Google taught about a minute limit answers the configuration it was learned under: an
   * operator who changes a key's limit (a new tier, say) gets it applied, and probing keeps a
   * wrong guess to one 429.
   */
  private static void forgetLearnedWhereConfigChanged(ModelLane previous, ModelLane rebuilt) {
    for (Slot old : previous.slots()) {
      Slot now = rebuilt.slot(old.entry.key);
      if (now != null && now.limit.rpm() != old.limit.rpm()) {
        now.cell.forgetLearnedRpm();
      }
    }
  }

  @Override
  public PoolSnapshot snapshot() {
    List<PoolSnapshot.KeyStatus> statuses = new ArrayList<>();
    for (KeyEntry entry : entries.values()) {
      // cooling is per model here: see quotaSnapshot()
      statuses.add(new PoolSnapshot.KeyStatus(entry.key, entry.disabled(), entry.disabledReason(),
          entry.failures(), 0));
    }
    return new PoolSnapshot(statuses);
  }

  /** Totals per model and one row per key and model, for {@code GET /api/pool}. */
  public QuotaSnapshot quotaSnapshot() {
    return QuotaSnapshots.of(lanes.values(), policy, clock.millis());
  }

  /** The limits in force (they change with saved settings). */
  public QuotaPolicy policy() {
    return policy;
  }

  /** Capacity of the enabled keys for one model by the configured limits. */
  public PoolCapacity capacity(String model) {
    return QuotaSnapshots.capacity(lane(ModelNames.base(model)), policy);
  }

  /** The models configured in MODEL_RATE_LIMITS or requested so far. */
  public List<String> models() {
    return lanes.keySet().stream().sorted().toList();
  }

  @Override
  public void restore(ApiKey key) {
    KeyEntry entry = entries.get(key);
    if (entry == null) {
      return;
    }
    entry.enable();
    long now = clock.millis();
    for (ModelLane lane : lanes.values()) {
      Slot slot = lane.slot(key);
      if (slot != null) {
        slot.cell.clearAllBlocks();
        lane.wake(slot, now);
      }
    }
    lanes.keySet().forEach(this::notifyAvailable);
  }

  /** Gives a key back one model after a re-check showed its tier has quota for it now. */
  public void restoreModel(ApiKey key, String model) {
    ModelLane lane = lane(ModelNames.base(model));
    Slot slot = lane.slot(key);
    if (slot != null) {
      slot.cell.clearAllBlocks();
      lane.wake(slot, clock.millis());
      notifyAvailable(lane.model);
    }
  }

  @Override
  public void disable(ApiKey key, String reason) {
    KeyEntry entry = entries.get(key);
    if (entry != null) {
      entry.disable(reason);
      LOG.warn("Key {} disabled: {}", key, reason);
    }
  }

  /** Keys disabled for one model only, for the periodic re-check. */
  public List<ModelDisable> modelDisables() {
    List<ModelDisable> disables = new ArrayList<>();
    for (ModelLane lane : lanes.values()) {
      for (Slot slot : lane.slots()) {
        Block block = slot.cell.view(slot.limit, clock.millis()).block();
        if (block.kind() == BlockKind.MODEL_DISABLED) {
          disables.add(new ModelDisable(slot.entry.key, lane.model, block.reason()));
        }
      }
    }
    return disables;
  }

  @Override
  public int size() {
    return entries.size();
  }

  /**
   * Registers a callback run (with the base model) when keys may have become usable sooner
   * than the pool last announced: a block lifted, a key restored or added.
   */
  public void onAvailability(Consumer<String> listener) {
    availabilityListeners.add(listener);
  }

  /** What should survive a restart. */
  public PoolState exportState() {
    List<PoolState.KeyRecord> keys = entries.values().stream()
        .map(e -> new PoolState.KeyRecord(e.key.fingerprint(), e.disabled(), e.disabledReason(), e.failures()))
        .toList();
    return new PoolState(keys, state.export(clock.millis()));
  }

  /** Loads what {@link #exportState()} saved; records of keys no longer configured are ignored. */
  public void importState(PoolState saved) {
    Map<String, KeyEntry> byFingerprint = new LinkedHashMap<>();
    entries.values().forEach(e -> byFingerprint.put(e.key.fingerprint(), e));
    for (PoolState.KeyRecord record : saved.keys()) {
      KeyEntry entry = byFingerprint.get(record.keyFingerprint());
      if (entry != null && record.disabled()) {
        entry.disable(record.disabledReason());
      }
      if (entry != null) {
        entry.restoreFailures(record.failures());
      }
    }
    List<QuotaRecord> quotas = saved.quotas().stream().filter(q -> byFingerprint.containsKey(q.keyFingerprint())).toList();
    state.restore(quotas);
    quotas.forEach(q -> lane(q.model()));
    long now = clock.millis();
    for (Map.Entry<String, ModelLane> lane : lanes.entrySet()) {
      lane.getValue().wakeAll(now);
      notifyAvailable(lane.getKey());
    }
  }

  private ModelLane lane(String baseModel) {
    ModelLane lane = lanes.get(baseModel);
    if (lane != null) {
      return lane;
    }
    synchronized (structureLock) {
      return lanes.computeIfAbsent(baseModel, this::newLane);
    }
  }

  private ModelLane newLane(String baseModel) {
    ModelLane lane = new ModelLane(baseModel);
    long now = clock.millis();
    entries.values().forEach(entry -> lane.add(slotFor(entry, baseModel), now));
    return lane;
  }

  private Slot slotFor(KeyEntry entry, String baseModel) {
    QuotaCell cell = state.cell(entry.key.fingerprint(), baseModel);
    return new Slot(entry, cell, policy.limits().limitFor(entry.key, baseModel));
  }

  private void notifyAvailable(String baseModel) {
    availabilityListeners.forEach(listener -> listener.accept(baseModel));
  }
}
