package io.geminibalance.keypool;

import io.geminibalance.keypool.QuotaCell.Block;
import io.geminibalance.keypool.QuotaCell.BlockKind;
import io.geminibalance.keypool.QuotaSnapshot.KeyModelRow;
import io.geminibalance.keypool.RateLimits.Limit;
import io.geminibalance.logging.RateLimitedWarning;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.IntUnaryOperator;
import java.util.function.Predicate;
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
 *
 * <p>Quota state (a lane, and a cell per key) is kept only for models known to exist: those
 * {@link ModelAdmission} admits (Google's model list), MODEL_RATE_LIMITS, models restored from
 * storage and models that answered 2xx; at most {@link QuotaPolicy#maxModels()} of them, and lanes
 * idle with nothing worth keeping are dropped ({@link #evictIdleLanes()}). Every other request is
 * still served, from one of two shared lanes without state per model: {@link #UNLISTED} for names
 * not known to exist (counted against the default limits of each key, so that made-up names cannot
 * use the pool beyond what one model could; a 2xx gives the model its own lane), and {@link
 * #OVERFLOW} for known models beyond the cap (round robin, never refused by a count, so that the cap
 * never fails a request Google would accept).
 */
public final class QuotaKeyPool implements KeyPool {
  private static final Logger LOG = LoggerFactory.getLogger(QuotaKeyPool.class);

  /** The shared lane of models not known to exist (parentheses: no model name has them). */
  public static final String UNLISTED = "(unlisted models)";
  /** The shared lane of known models that found no room under MAX_MODELS. */
  public static final String OVERFLOW = "(models beyond MAX_MODELS)";
  /** Why a cell waits while the other instances' use fills its limit (see {@link OutcomeVerdict.Hold}). */
  static final String HELD = "at its limit across the instances serving the pool";
  /** Why a cell waits after the shared authority went away: the others' last minute (see {@link #scheduleAlone}). */
  static final String AWAY = "waiting out the other instances' last minute: Redis is away";
  /** Why a key with a limit smaller than the number of instances waits while the authority is away. */
  static final String NO_SHARE = "no share of this key's limit for this instance while Redis is away";
  private static final long NO_SHARE_MILLIS = 3_600_000;
  /** How long a lane must go without a lease before it may be dropped. */
  public static final Duration LANE_IDLE = Duration.ofMinutes(10);

  private volatile QuotaPolicy policy;
  private final QuotaState state;
  /** The cells of the shared lanes: never exported, since they belong to no model. */
  private final QuotaState sharedState = new InMemoryQuotaState();
  private final ModelAdmission admission;
  private final InstantSource clock;
  private final Object structureLock = new Object();
  private final Map<String, ModelLane> lanes = new ConcurrentHashMap<>();
  private volatile ModelLane unlisted;
  private volatile ModelLane overflow;
  /**
   * Models that answered 2xx while no lane was free, so that they go to the overflow lane rather
   * than be counted as unlisted; at most MAX_MODELS names, oldest forgotten first. Guarded by itself.
   */
  private final LinkedHashSet<String> answeredWithoutLane = new LinkedHashSet<>();
  private final List<Consumer<String>> availabilityListeners = new CopyOnWriteArrayList<>();
  private final List<KeyStateListener> keyStateListeners = new CopyOnWriteArrayList<>();
  private final List<Predicate<String>> dropChecks = new CopyOnWriteArrayList<>();
  private final List<Consumer<KeyDisabled>> disableListeners = new CopyOnWriteArrayList<>();
  private volatile Map<ApiKey, KeyEntry> entries = Map.of();
  /** The keys by fingerprint: stored resources name their key by it. Replaced with {@link #entries}. */
  private volatile Map<String, ApiKey> byFingerprint = Map.of();
  private final RateLimitedWarning capWarning;
  /**
   * Counts changes of keys' whole-key state (added, removed, disabled, restored, a failure
   * counted), so that admin views built from {@link #keyDetails} can tell they are out of date.
   */
  private final AtomicLong wholeKeyChanges = new AtomicLong();
  /**
   * Projects Google named for keys in its errors ({@code projects/<number>}), by fingerprint;
   * KEY_PROJECTS wins over them. Written under the structure lock.
   */
  private final Map<String, String> learnedProjects = new ConcurrentHashMap<>();
  /** What Google names a project; a stored project of another shape was configured. */
  private static final java.util.regex.Pattern GOOGLE_PROJECT = java.util.regex.Pattern.compile("projects/[0-9]+");
  /** The counts shared with other instances (Redis), or null when this instance is the whole pool. */
  private volatile SharedQuota shared;
  /**
   * This instance's share of a limit while the shared authority is away (1/N), or null: the whole
   * limits, confirmed by the authority (or this instance is the whole pool).
   */
  private volatile IntUnaryOperator localShare;
  /** When the authority went away (valid while {@link #localShare} is set). */
  private volatile long aloneSince;
  /** Until when limited cells wait out the others' last minute (see {@link #scheduleAlone}). */
  private volatile long awayHoldUntil;
  /** The Pacific day of the latest claim, so that a claim costs no zone lookup. */
  private volatile PacificDay.Cached claimDay = PacificDay.Cached.around(0);

  /** A pool over in-memory quota state that keeps quota state for every model name it is asked for. */
  public QuotaKeyPool(Collection<ApiKey> keys, QuotaPolicy policy, InstantSource clock) {
    this(keys, policy, new InMemoryQuotaState(), clock);
  }

  public QuotaKeyPool(Collection<ApiKey> keys, QuotaPolicy policy, QuotaState state, InstantSource clock) {
    this(keys, policy, state, clock, ModelAdmission.EVERY_MODEL);
  }

  public QuotaKeyPool(Collection<ApiKey> keys, QuotaPolicy policy, QuotaState state, InstantSource clock,
      ModelAdmission admission) {
    this.policy = policy;
    this.state = state;
    this.clock = clock;
    this.admission = admission;
    this.capWarning = RateLimitedWarning.following(LOG, Duration.ofMinutes(1), clock);
    this.unlisted = new ModelLane(UNLISTED, true, clock.millis());
    this.overflow = new ModelLane(OVERFLOW, true, clock.millis());
    replaceKeys(keys);
    createConfiguredLanes(policy);
  }

  /**
   * Puts every key under the project it belongs to (KEY_PROJECTS, else the one Google named, else
   * none) and gives the keys that moved slots over their new cells. Under the structure lock.
   */
  private void placeInProjects() {
    long now = clock.millis();
    List<KeyEntry> moved = new ArrayList<>();
    for (KeyEntry entry : entries.values()) {
      String fingerprint = entry.key.fingerprint();
      String configured = policy.projects().projectOf(entry.key);
      String wanted = configured != null ? configured : learnedProjects.get(fingerprint);
      if (state.assignProject(fingerprint, wanted, now)) {
        moved.add(entry);
      }
    }
    reseat(moved, now);
  }

  private void reseat(List<KeyEntry> moved, long nowMillis) {
    if (moved.isEmpty()) {
      return;
    }
    for (ModelLane lane : lanes.values()) {
      moved.forEach(entry -> lane.reseat(slotFor(entry, lane.model), nowMillis));
    }
    LOG.info("{} key(s) now count their quota under their project", moved.size());
  }

  /**
   * Google named the key's project: its quota is counted with the project's other keys from now
   * on (unless KEY_PROJECTS says otherwise). Cheap when already known.
   */
  private void learnProject(KeyEntry entry, String project) {
    String fingerprint = entry.key.fingerprint();
    if (project.equals(learnedProjects.get(fingerprint))) {
      return;
    }
    synchronized (structureLock) {
      learnedProjects.put(fingerprint, project);
      if (policy.projects().projectOf(entry.key) == null
          && state.assignProject(fingerprint, project, clock.millis())) {
        reseat(List.of(entry), clock.millis());
        LOG.info("Key {} belongs to {} (named by Google): its quota is shared with that project's keys",
            entry.key, project);
      }
    }
    notifyAllLanes();
  }

  /** The project a key's quota counts under (configured or learned), or null when its own. */
  public String projectOf(ApiKey key) {
    return state.project(key.fingerprint());
  }

  @Override
  public Acquisition acquire(String model, Set<ApiKey> alreadyTried) {
    String base = ModelNames.base(model);
    ModelLane lane = lanes.get(base);
    if (lane == null) {
      lane = laneForNew(base);
    }
    long now = clock.millis();
    KeyLease lease = lane.lease(base, alreadyTried, now);
    if (lease != null) {
      return new Acquisition.Granted(lease);
    }
    if (lane.retired()) {
      return acquire(model, alreadyTried); // dropped or rebuilt meanwhile: its successor answers
    }
    return lane.refusal(alreadyTried, now);
  }

  @Override
  public Acquisition acquireKey(String model, String keyFingerprint) {
    ApiKey key = byFingerprint.get(keyFingerprint);
    if (key == null) {
      return new Acquisition.Refused(-1, "the key is no longer in the pool");
    }
    String base = ModelNames.base(model);
    ModelLane lane = lanes.get(base);
    if (lane == null) {
      lane = laneForNew(base);
    }
    long now = clock.millis();
    KeyLease lease = lane.leaseKey(base, key, now);
    if (lease != null) {
      return new Acquisition.Granted(lease);
    }
    if (lane.retired()) {
      return acquireKey(model, keyFingerprint);
    }
    return lane.keyRefusal(key, now);
  }

  /**
   * Shares the counts of the models with quota state of their own with other instances through
   * {@code authority}: this pool then tells it what it learns (blocks, learned limits, give-backs),
   * and a leaser confirms each lease with it ({@link #claim}). Set once, at start.
   */
  public void share(SharedQuota authority) {
    this.shared = authority;
  }

  /**
   * What the shared authority must confirm for {@code lease}, or null when the lease needs no
   * confirmation: its lane keeps no state per model (unlisted, overflow, model lists) or the key
   * has no limit for the model.
   */
  public SharedQuota.Claim claim(KeyLease lease) {
    ModelLane lane = lanes.get(lease.lane());
    if (lane == null || lane.shared || lane.model.equals(RateLimits.UNMETERED)) {
      return null;
    }
    Slot slot = lane.slot(lease.key());
    if (slot == null || (slot.limit.rpmUnlimited() && slot.limit.rpdUnlimited())) {
      return null;
    }
    return claim(lane, slot, lease.acquiredAtMillis(), lane.isProbe(slot, lease));
  }

  private SharedQuota.Claim claim(ModelLane lane, Slot slot, long takenAtMillis) {
    return claim(lane, slot, takenAtMillis, false);
  }

  private SharedQuota.Claim claim(ModelLane lane, Slot slot, long takenAtMillis, boolean probe) {
    PacificDay.Cached day = claimDay;
    if (!day.contains(takenAtMillis)) {
      day = PacificDay.Cached.around(takenAtMillis);
      claimDay = day;
    }
    // The whole limits: the authority counts every instance's sends (the slot's are a share while it was away).
    Limit limit = policy.limits().limitFor(slot.entry.key, lane.model);
    QuotaCell.CellView view = slot.cell.view(limit, takenAtMillis);
    int rpm = view.effectiveRpm();
    if (limit.autoRpm()) {
      // An auto limit's ceiling is far above what Google allows: across instances the cell keeps to
      // the level every key is granted (the table's figure, or what this instance saw proven), and
      // only a probe, one instance's decision, may go one beyond it.
      int level = Math.max(view.provenRpm(), limit.trustedRpm()) + (probe ? 1 : 0);
      rpm = rpm == 0 ? level : Math.min(rpm, level);
    }
    return new SharedQuota.Claim(owner(slot), lane.model, rpm, limit.rpd(), day.day(), day.endMillis(), takenAtMillis);
  }

  /**
   * What the authority said about the lease's cell across instances ({@code minute}: the count
   * with the lease's send, -1 when it was refused): what Google will have counted if it refuses
   * the request, and where the day's share starts should the authority go away.
   */
  public void noteShared(KeyLease lease, int minute, int today, long day) {
    ModelLane lane = lanes.get(lease.lane());
    Slot slot = lane == null ? null : lane.slot(lease.key());
    if (slot != null) {
      slot.cell.noteShared(minute, today, day, clock.millis());
    }
  }

  /**
   * The shared authority went away: until {@link #scheduleShared}, this instance alone decides,
   * with {@code share} (its 1/N) of every limit of the models with quota state of their own. Why
   * the sum over the instances stays within each limit:
   *
   * <ul>
   *   <li>Minute: each instance's window holds its own sends only, and the others' sends of the
   *       last minute are not known (a count seen at the latest take may be old). So every limited
   *       cell is held for one minute from the switch: the others' sends, all made before the
   *       switch, have left every window by then; from then on every window holds only sends made
   *       alone, at most {@code share(limit)} per instance, and the shares add up to the limit.
   *   <li>Day: the day count is primed from the shared count seen at the latest take, so that this
   *       instance's share of what the day has left is what it may still send (see {@link
   *       QuotaCell#goAlone}); another day starts with each instance's share of the whole limit.
   *   <li>A key whose share is 0 (its limit is smaller than N) is held until the authority is back.
   * </ul>
   *
   * Rebuilds the lanes (O(keys x models)): called once per outage.
   */
  public void scheduleAlone(IntUnaryOperator share) {
    scheduleAlone(share, true);
  }

  /**
   * @param othersMaySendNow whether the other instances may have sent within the last minute: they
   *     may when Redis goes away under a running pool; at start, alone from the first request, this
   *     instance holds nothing of the others' last minute to wait out, and waiting would leave every
   *     limited key unused for a minute
   */
  public void scheduleAlone(IntUnaryOperator share, boolean othersMaySendNow) {
    synchronized (structureLock) {
      if (localShare != null) {
        return;
      }
      aloneSince = clock.millis();
      awayHoldUntil = othersMaySendNow ? aloneSince + SlidingWindow.WINDOW_MILLIS : 0;
      localShare = share;
      rebuildLanes(policy, false);
    }
    notifyAllLanes();
  }

  /**
   * This instance's own sends for the authority to count when it is back: those made while it was
   * away, or with {@code everything} (it came back without its data) every send of the minute and
   * the day; cells with nothing to add are left out.
   */
  public List<SharedQuota.Sent> sentAlone(boolean everything) {
    long now = clock.millis();
    List<SharedQuota.Sent> sent = new ArrayList<>();
    for (ModelLane lane : List.copyOf(lanes.values())) {
      if (lane.shared || lane.model.equals(RateLimits.UNMETERED)) {
        continue;
      }
      for (Slot slot : lane.slots()) {
        QuotaCell.Sent cell = slot.cell.sentAlone(now, everything);
        if (cell.sendsMillis().length > 0 || cell.today() > 0) {
          sent.add(new SharedQuota.Sent(owner(slot), lane.model, cell.day(), cell.sendsMillis(), cell.today()));
        }
      }
    }
    return sent;
  }

  /** The authority is back and holds this instance's sends: the whole limits again, confirmed by it. */
  public void scheduleShared() {
    synchronized (structureLock) {
      if (localShare == null) {
        return;
      }
      localShare = null;
      long now = clock.millis();
      for (ModelLane lane : lanes.values()) {
        for (Slot slot : lane.slots()) {
          slot.cell.goTogether(now);
          String reason = slot.cell.view(slot.limit, now).block().reason();
          if (NO_SHARE.equals(reason) || AWAY.equals(reason)) {
            slot.cell.clearAllBlocks();
          }
        }
      }
      rebuildLanes(policy, false);
    }
    notifyAllLanes();
  }

  /**
   * The authority confirms takes again: the cells waiting out the others' last minute need not
   * wait any longer, as every take now counts everyone's sends (this instance's own made alone were
   * counted there first). Their shares hold until {@link #scheduleShared}.
   */
  public void liftAwayHolds() {
    long now = clock.millis();
    synchronized (structureLock) {
      awayHoldUntil = 0;
      for (ModelLane lane : lanes.values()) {
        for (Slot slot : lane.slots()) {
          if (AWAY.equals(slot.cell.view(slot.limit, now).block().reason())) {
            slot.cell.clearAllBlocks();
            lane.wake(slot, now);
          }
        }
      }
    }
    notifyAllLanes();
  }

  /**
   * What {@link #sentAlone} gave was counted by the authority: should it go away again before
   * {@link #scheduleShared}, the next re-seed holds only the sends made after this, not these twice.
   */
  public void countedAlone() {
    long now = clock.millis();
    for (ModelLane lane : List.copyOf(lanes.values())) {
      for (Slot slot : lane.slots()) {
        slot.cell.countedAlone(now);
      }
    }
  }

  /** Whether this instance schedules alone with its share of the limits (the authority is away). */
  public boolean alone() {
    return localShare != null;
  }

  /** A limit as this instance applies it: its share while the authority is away. */
  private Limit applied(Limit limit, IntUnaryOperator share) {
    if (share == null) {
      return limit;
    }
    if (limit.autoRpm()) {
      // Alone, nothing can be probed safely (the others' sends are unknown): each instance keeps to
      // its share of the table's figure, as a limit of its own.
      return new Limit(Math.max(1, share.applyAsInt(limit.trustedRpm())),
          limit.rpdUnlimited() ? 0 : Math.max(1, share.applyAsInt(limit.rpd())), 0, limit.tableRpd());
    }
    return new Limit(limit.rpmUnlimited() ? 0 : Math.max(1, share.applyAsInt(limit.rpm())),
        limit.rpdUnlimited() ? 0 : Math.max(1, share.applyAsInt(limit.rpd())));
  }

  /** Prepares a cell for scheduling alone (see {@link #scheduleAlone}); harmless when done already. */
  private void prepareAlone(QuotaCell cell, Limit limit, IntUnaryOperator share) {
    if (limit.rpmUnlimited() && limit.rpdUnlimited()) {
      return;
    }
    long since = aloneSince;
    long now = clock.millis();
    cell.goAlone(since, limit.rpd(), share);
    if (!limit.rpmUnlimited() && awayHoldUntil > now) {
      cell.hold(awayHoldUntil, AWAY, now);
    }
    int minuteLimit = limit.autoRpm() ? limit.trustedRpm() : limit.rpm();
    if ((!limit.rpmUnlimited() && share.applyAsInt(minuteLimit) == 0)
        || (!limit.rpdUnlimited() && share.applyAsInt(limit.rpd()) == 0)) {
      cell.hold(since + NO_SHARE_MILLIS, NO_SHARE, now);
    }
  }

  /** The authority that hears what this pool learns about {@code lane}'s cells, or null. */
  private SharedQuota sharedFor(ModelLane lane) {
    SharedQuota authority = shared;
    return authority == null || lane.shared || lane.model.equals(RateLimits.UNMETERED) || !authority.active()
        ? null : authority;
  }

  private String owner(Slot slot) {
    return state.owner(slot.entry.key.fingerprint());
  }

  @Override
  public boolean holdsKey(String keyFingerprint) {
    return byFingerprint.containsKey(keyFingerprint);
  }

  /**
   * The lane that serves {@code model}, by name: the model itself, {@link #UNLISTED} or {@link
   * #OVERFLOW}. Requests that wait for a key queue per lane, so unknown names share one queue.
   */
  @Override
  public String laneOf(String model) {
    String base = ModelNames.base(model);
    ModelLane lane = lanes.get(base);
    return (lane != null ? lane : laneForNew(base)).model;
  }

  @Override
  public void release(KeyLease lease, KeyOutcome outcome) {
    ModelLane lane = grantedBy(lease);
    long now = clock.millis();
    Slot slot = lane == null ? null : lane.released(lease, now);
    if (slot == null) {
      return; // the key was removed meanwhile
    }
    int sent = outcome instanceof KeyOutcome.RateLimited ? sentBefore(lane, slot, lease) : 0;
    OutcomeVerdict.Facts facts = new OutcomeVerdict.Facts(now, sent, slot.limit.rpm(), plannedRpm(slot));
    OutcomeVerdict verdict = OutcomeVerdict.decide(outcome, facts, policy);
    if (lane.shared) {
      verdict = lane.model.equals(UNLISTED) ? OutcomeVerdict.forUnlisted(verdict, now, policy)
          : OutcomeVerdict.forOverflow(verdict);
    }
    apply(verdict, lane, slot, lease);
    if (lane.endProbe(slot, lease, verdict.accepted(), now)) {
      notifyAvailable(lane.model);
    }
    if (outcome instanceof KeyOutcome.RateLimited limited && limited.project() != null && !lane.shared) {
      learnProject(slot.entry, limited.project());
    }
    if (lane.shared && verdict.accepted() && lane.model.equals(UNLISTED)) {
      admitAnswered(lease, now);
    }
  }

  /** The lane a lease came from (its successor if rebuilt), or null if it was dropped. */
  private ModelLane grantedBy(KeyLease lease) {
    ModelLane lane = lanes.get(lease.lane());
    if (lane != null) {
      return lane;
    }
    return switch (lease.lane()) {
      case UNLISTED -> unlisted;
      case OVERFLOW -> overflow;
      default -> null;
    };
  }

  /**
   * The lane for a model that has none yet: a new one when the model is known to exist and
   * there is room, else a shared lane.
   */
  private ModelLane laneForNew(String base) {
    if (base.equals(UNLISTED) || base.equals(OVERFLOW) || !admitted(base)) {
      return unlisted;
    }
    ModelLane lane = createLane(base, base.equals(RateLimits.UNMETERED));
    return lane != null ? lane : overflow;
  }

  private boolean admitted(String base) {
    if (base.equals(RateLimits.UNMETERED) || policy.limits().byModel().containsKey(base)) {
      return true;
    }
    synchronized (answeredWithoutLane) {
      if (answeredWithoutLane.contains(base)) {
        return true;
      }
    }
    return admission.exists(base);
  }

  /**
   * A model not known to exist answered 2xx: it exists, so it gets a lane of its own if there is
   * room, which counts the accepted request.
   */
  private void admitAnswered(KeyLease lease, long nowMillis) {
    String base = lease.model();
    ModelLane lane = lanes.get(base);
    if (lane == null) {
      lane = createLane(base, false);
    }
    if (lane != null) {
      lane.countAccepted(lease.key(), nowMillis);
      return;
    }
    synchronized (answeredWithoutLane) {
      answeredWithoutLane.add(base);
      if (answeredWithoutLane.size() > policy.maxModels()) {
        answeredWithoutLane.remove(answeredWithoutLane.iterator().next());
      }
    }
  }

  /**
   * The model's lane, created unless MAX_MODELS lanes exist already ({@code beyondCap}: the
   * lanes of MODEL_RATE_LIMITS and the model-list bucket, which are few and always kept).
   *
   * @return the lane, or null when there is no room
   */
  private ModelLane createLane(String base, boolean beyondCap) {
    synchronized (structureLock) {
      ModelLane lane = lanes.get(base);
      if (lane != null) {
        return lane;
      }
      if (!beyondCap && modelLaneCount() >= policy.maxModels()) {
        warnCapReached(base);
        return null;
      }
      lane = newLane(base);
      lanes.put(base, lane);
      return lane;
    }
  }

  /** Lanes that count toward MAX_MODELS: all but the model-list bucket. */
  private int modelLaneCount() {
    return lanes.size() - (lanes.containsKey(RateLimits.UNMETERED) ? 1 : 0);
  }

  private void warnCapReached(String base) {
    capWarning.warn("MAX_MODELS ({}) models have quota state and none is idle: {} (and any other model"
        + " until a lane is dropped) is served round robin without quota scheduling", policy.maxModels(), base);
  }

  private void createConfiguredLanes(QuotaPolicy configured) {
    for (String model : configured.limits().byModel().keySet()) {
      if (!model.equals(UNLISTED) && !model.equals(OVERFLOW)) {
        createLane(model, true);
      }
    }
  }

  /** Lanes never dropped: MODEL_RATE_LIMITS and the model-list bucket. */
  private boolean pinned(String model) {
    return model.equals(RateLimits.UNMETERED) || policy.limits().byModel().containsKey(model);
  }

  /**
   * Drops the lanes that went {@link #LANE_IDLE} without a lease, have no lease out and no request
   * waiting (see {@link #beforeDropping}), and whose keys hold nothing worth keeping (see {@link
   * QuotaRecord#holdsState}), together with their cells; the lanes of MODEL_RATE_LIMITS and the
   * model-list bucket stay. Reads every cell of idle lanes: run it periodically, off the event loops.
   *
   * @return the models dropped
   */
  public List<String> evictIdleLanes() {
    long now = clock.millis();
    long idleSince = now - LANE_IDLE.toMillis();
    long today = PacificDay.dayOf(now);
    List<String> dropped = new ArrayList<>();
    for (ModelLane lane : List.copyOf(lanes.values())) {
      if (pinned(lane.model) || !lane.idleSince(idleSince) || holdsState(lane, now, today)
          || !dropChecks.stream().allMatch(check -> check.test(lane.model))) {
        continue;
      }
      synchronized (structureLock) {
        if (!lanes.remove(lane.model, lane)) {
          continue;
        }
        if (!lane.retireIfIdle(idleSince)) {
          lanes.put(lane.model, lane); // a lease came meanwhile
          continue;
        }
        state.forgetModel(lane.model);
        dropped.add(lane.model);
      }
    }
    if (!dropped.isEmpty()) {
      LOG.debug("Dropped the quota state of {} idle model(s): {}", dropped.size(), dropped);
    }
    return dropped;
  }

  private static boolean holdsState(ModelLane lane, long nowMillis, long today) {
    for (Slot slot : lane.slots()) {
      if (slot.cell.export(nowMillis).holdsState(nowMillis, today, !slot.limit.rpdUnlimited())) {
        return true;
      }
    }
    return false;
  }

  /**
   * Registers a check run before an idle lane is dropped, with its model; false keeps the lane.
   * The wait queue uses it to keep lanes that requests wait for, and to drop its own line.
   */
  public void beforeDropping(Predicate<String> check) {
    dropChecks.add(check);
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

  /** What a key is expected to take in a minute: its limit, or an auto limit's working level. */
  private static int plannedRpm(Slot slot) {
    return slot.limit.autoRpm() ? Math.max(slot.limit.trustedRpm(), slot.cell.provenRpm()) : slot.limit.rpm();
  }

  private void apply(OutcomeVerdict verdict, ModelLane lane, Slot slot, KeyLease lease) {
    long now = clock.millis();
    ApiKey key = slot.entry.key;
    String problem = verdict.problem();
    if (problem != null) {
      slot.entry.noteProblem(lane.model + ": " + problem, now);
    }
    SharedQuota authority = sharedFor(lane);
    switch (verdict) {
      case OutcomeVerdict.Clear c -> succeeded(lane, slot, lease, now);
      case OutcomeVerdict.Cool cool -> cool(lane, slot, cool, now, authority);
      case OutcomeVerdict.Park park -> {
        slot.cell.block(new Block(BlockKind.PARKED, park.untilMillis(), park.reason(), now));
        if (authority != null) {
          authority.block(owner(slot), lane.model, BlockKind.PARKED, park.untilMillis(), now);
        }
        LOG.info("Key {} parked for {} until the Pacific midnight: {}", key, lane.model, park.reason());
      }
      case OutcomeVerdict.DisableForModel off -> {
        slot.cell.block(new Block(BlockKind.MODEL_DISABLED, QuotaCell.NEVER, off.reason(), now));
        if (authority != null) {
          authority.block(owner(slot), lane.model, BlockKind.MODEL_DISABLED, QuotaCell.NEVER, now);
        }
        LOG.warn("Key {} disabled for {} only: {}", key, lane.model, off.reason());
        notifyDisabled(new KeyDisabled(key, lane.model, off.reason()));
      }
      case OutcomeVerdict.DisableKey off -> disable(key, off.reason());
      case OutcomeVerdict.CountFailure failure -> countFailure(slot.entry, failure);
      case OutcomeVerdict.Ignore i -> { }
      case OutcomeVerdict.GiveBack g -> {
        slot.cell.giveBack(lease.acquiredAtMillis(), now);
        if (authority != null) {
          authority.giveBack(claim(lane, slot, lease.acquiredAtMillis()));
        }
        lane.wake(slot, now);
        notifyAvailable(lane.model);
      }
      case OutcomeVerdict.Hold hold -> {
        // Nothing was sent: the local take is undone, and the key waits for the others' use to age.
        slot.cell.giveBack(lease.acquiredAtMillis(), now);
        slot.cell.hold(hold.untilMillis(), HELD, now);
        lane.wake(slot, now);
      }
    }
  }

  private void countFailure(KeyEntry entry, OutcomeVerdict.CountFailure failure) {
    wholeKeyChanges.incrementAndGet();
    boolean reached = entry.fail(policy.maxFailures());
    keyStateListeners.forEach(l -> l.failureCounted(entry.key, failure.reason()));
    if (reached) {
      disable(entry.key, failure.reason() + " (" + policy.maxFailures() + " failures in a row)");
    }
  }

  private void succeeded(ModelLane lane, Slot slot, KeyLease lease, long now) {
    if (slot.entry.succeeded()) {
      keyStateListeners.forEach(l -> l.failuresCleared(slot.entry.key));
    }
    if (slot.cell.clearBlockSetBefore(lease.acquiredAtMillis())) {
      lane.wake(slot, now);
      notifyAvailable(lane.model);
    }
  }

  private void cool(ModelLane lane, Slot slot, OutcomeVerdict.Cool cool, long now, SharedQuota authority) {
    slot.cell.block(new Block(BlockKind.COOLDOWN, cool.untilMillis(), cool.reason(), now));
    // A suspected IP-level throttle concerns this instance's address, not the key: kept local.
    if (authority != null && !cool.throttleSuspect()) {
      authority.block(owner(slot), lane.model, BlockKind.COOLDOWN, cool.untilMillis(), now);
    }
    if (cool.learnedRpm() > 0 && cool.stated()) {
      slot.cell.statedRpm(cool.learnedRpm());
      if (authority != null) {
        authority.learnRpm(owner(slot), lane.model, cool.learnedRpm(), PacificDay.dayOf(now));
      }
      LOG.info("Key {} for {}: Google states a limit of {} requests per minute", slot.entry.key, lane.model,
          cool.learnedRpm());
    } else if (cool.learnedRpm() > 0) {
      slot.cell.learnRpm(cool.learnedRpm());
      if (authority != null) {
        authority.learnRpm(owner(slot), lane.model, cool.learnedRpm(), PacificDay.dayOf(now));
      }
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
      Map<String, ApiKey> fingerprints = new HashMap<>(next.size() * 2);
      next.keySet().forEach(key -> fingerprints.put(key.fingerprint(), key));
      byFingerprint = fingerprints;
      wholeKeyChanges.incrementAndGet();
      long now = clock.millis();
      List<ModelLane> all = allLanes();
      for (ApiKey gone : previous.keySet()) {
        if (!next.containsKey(gone)) {
          all.forEach(lane -> lane.remove(gone));
          state.forget(gone.fingerprint());
          sharedState.forget(gone.fingerprint());
        }
      }
      for (ApiKey gone : previous.keySet()) {
        if (!next.containsKey(gone)) {
          learnedProjects.remove(gone.fingerprint());
        }
      }
      placeInProjects();
      all.forEach(lane -> next.values().forEach(entry -> lane.add(slotFor(entry, lane.model), now)));
    }
    notifyAllLanes();
  }

  /** Every lane, the shared ones last. */
  private List<ModelLane> allLanes() {
    List<ModelLane> all = new ArrayList<>(lanes.values());
    all.add(unlisted);
    all.add(overflow);
    return all;
  }

  private void notifyAllLanes() {
    lanes.keySet().forEach(this::notifyAvailable);
    notifyAvailable(UNLISTED);
    notifyAvailable(OVERFLOW);
  }

  /**
   * Applies new limits and tunables (live settings). Slots carry their limit, so every lane is
   * rebuilt; what each key used and any block live in the quota state and are kept.
   */
  public void updatePolicy(QuotaPolicy next) {
    synchronized (structureLock) {
      policy = next;
      rebuildLanes(next, true);
      placeInProjects();
    }
    notifyAllLanes();
  }

  /** Rebuilds every lane under the structure lock; {@code configChanged}: the limits were edited. */
  private void rebuildLanes(QuotaPolicy next, boolean configChanged) {
    for (String model : List.copyOf(lanes.keySet())) {
      ModelLane previous = lanes.get(model);
      ModelLane rebuilt = rebuild(previous, configChanged);
      lanes.put(model, rebuilt);
      // Retired only once replaced: a caller holding the old lane finds the new one when it looks again.
      rebuilt.inheritLeases(previous.retire());
    }
    ModelLane previousUnlisted = unlisted;
    unlisted = rebuild(previousUnlisted, configChanged);
    unlisted.inheritLeases(previousUnlisted.retire());
    ModelLane previousOverflow = overflow;
    overflow = rebuild(previousOverflow, configChanged);
    overflow.inheritLeases(previousOverflow.retire());
    createConfiguredLanes(next);
  }

  private ModelLane rebuild(ModelLane previous, boolean configChanged) {
    previous.abandonProbes(); // before the new lane places its slots by their cells
    ModelLane rebuilt = newLane(previous.model);
    if (configChanged) {
      forgetLearnedWhereConfigChanged(previous, rebuilt);
    }
    return rebuilt;
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

  /**
   * Totals per model and one row per key and model, for {@code GET /api/pool}; the shared lanes
   * as totals only.
   */
  public QuotaSnapshot quotaSnapshot() {
    return QuotaSnapshots.of(lanes.values(), List.of(unlisted, overflow), policy, clock.millis());
  }

  /** The limits in force (they change with saved settings). */
  public QuotaPolicy policy() {
    return policy;
  }

  /** Capacity of the enabled keys for one model by the configured limits. */
  public PoolCapacity capacity(String model) {
    String base = ModelNames.base(model);
    ModelLane lane = lanes.get(base);
    return lane != null ? QuotaSnapshots.capacity(lane, policy)
        : QuotaSnapshots.capacity(base, entries.values(), policy);
  }

  /**
   * Whether {@code model} (by its base name) has quota state of its own, without giving it any:
   * the metrics label only such names, so a client cannot make up labels.
   */
  public boolean hasLane(String model) {
    return lanes.containsKey(ModelNames.base(model));
  }

  /** The models with quota state of their own (see the class comment), sorted. */
  public List<String> models() {
    return lanes.keySet().stream().sorted().toList();
  }

  @Override
  public void restore(ApiKey key) {
    KeyEntry entry = entries.get(key);
    if (entry == null) {
      return;
    }
    if (entry.enable()) {
      keyStateListeners.forEach(l -> l.restored(key));
    }
    wholeKeyChanges.incrementAndGet();
    long now = clock.millis();
    for (ModelLane lane : allLanes()) {
      Slot slot = lane.slot(key);
      if (slot != null) {
        clearAllBlocks(lane, slot);
        lane.wake(slot, now);
      }
    }
    notifyAllLanes();
  }

  /**
   * Applies what an admin's verification of {@code key} with {@code model} taught, by the same
   * rules as a client's request (only the key's own failures count against it; a 429 cools, it
   * does not disable). A success puts the key back in service (failures reset, re-enabled) and
   * lifts that model's blocks; blocks of other models stay.
   *
   * @return false when the key is not in the pool (then nothing changes)
   */
  public boolean verified(ApiKey key, String model, KeyOutcome outcome) {
    KeyEntry entry = entries.get(key);
    if (entry == null) {
      return false;
    }
    long now = clock.millis();
    ModelLane lane = lanes.get(ModelNames.base(model));
    Slot slot = lane == null ? null : lane.slot(key);
    OutcomeVerdict verdict = OutcomeVerdict.decide(outcome,
        new OutcomeVerdict.Facts(now, 0, slot == null ? 0 : slot.limit.rpm()), policy);
    String problem = verdict.problem();
    if (problem != null) {
      entry.noteProblem(ModelNames.base(model) + ": " + problem, now);
    }
    switch (verdict) {
      case OutcomeVerdict.Clear c -> {
        if (entry.enable()) {
          keyStateListeners.forEach(l -> l.restored(key));
        }
        wholeKeyChanges.incrementAndGet();
        if (slot != null) {
          clearAllBlocks(lane, slot);
          lane.wake(slot, now);
        }
        notifyAllLanes();
      }
      case OutcomeVerdict.DisableKey off -> disable(key, off.reason());
      case OutcomeVerdict.CountFailure failure -> countFailure(entry, failure);
      case OutcomeVerdict.Cool cool -> {
        if (slot != null) {
          slot.cell.block(new Block(BlockKind.COOLDOWN, cool.untilMillis(), cool.reason(), now));
        }
      }
      case OutcomeVerdict.Park park -> {
        if (slot != null) {
          slot.cell.block(new Block(BlockKind.PARKED, park.untilMillis(), park.reason(), now));
        }
      }
      case OutcomeVerdict.DisableForModel off -> {
        if (slot != null) {
          slot.cell.block(new Block(BlockKind.MODEL_DISABLED, QuotaCell.NEVER, off.reason(), now));
          notifyDisabled(new KeyDisabled(key, lane.model, off.reason()));
        }
      }
      case OutcomeVerdict.Ignore i -> { }
      case OutcomeVerdict.GiveBack g -> { }
      case OutcomeVerdict.Hold h -> { }
    }
    return true;
  }

  /**
   * Every key with its whole-key state and its state per model, in the order the keys were
   * added, for the admin's key list. O(keys x models): for admin requests only, never the data plane.
   */
  /** Grows with every change of a key's whole-key state (see {@link #keyDetails}). */
  public long wholeKeyChanges() {
    return wholeKeyChanges.get();
  }

  public List<KeyDetail> keyDetails() {
    Collection<KeyEntry> keys = entries.values();
    return QuotaSnapshots.details(keys, QuotaSnapshots.modelRows(keys, lanes.values(), clock.millis()));
  }

  /**
   * Each key's state per model (the expensive part of {@link #keyDetails()}: O(keys x models)
   * cell reads), for views that refresh it less often than the whole-key state.
   */
  public Map<ApiKey, List<KeyModelRow>> modelRows() {
    return QuotaSnapshots.modelRows(entries.values(), lanes.values(), clock.millis());
  }

  /**
   * Every key's whole-key state now (cheap: no cell is read), with per-model rows taken from
   * {@code modelRows} (from {@link #modelRows()}, possibly older; a key not in it shows none).
   */
  public List<KeyDetail> keyDetails(Map<ApiKey, List<KeyModelRow>> modelRows) {
    return QuotaSnapshots.details(entries.values(), modelRows);
  }

  /** Gives a key back one model after a re-check showed its tier has quota for it now. */
  public void restoreModel(ApiKey key, String model) {
    ModelLane lane = lanes.get(ModelNames.base(model));
    Slot slot = lane == null ? null : lane.slot(key);
    if (slot != null) {
      clearAllBlocks(lane, slot);
      lane.wake(slot, clock.millis());
      notifyAvailable(lane.model);
    }
  }

  /** An operator or a re-check lifted the cell's blocks: on every instance. */
  private void clearAllBlocks(ModelLane lane, Slot slot) {
    slot.cell.clearAllBlocks();
    SharedQuota authority = sharedFor(lane);
    if (authority != null) {
      authority.clearBlocks(owner(slot), lane.model);
    }
  }

  @Override
  public void disable(ApiKey key, String reason) {
    KeyEntry entry = entries.get(key);
    if (entry != null) {
      boolean changed = entry.disable(reason);
      wholeKeyChanges.incrementAndGet();
      if (changed) {
        LOG.warn("Key {} disabled: {}", key, reason);
        keyStateListeners.forEach(l -> l.disabled(key, reason));
        notifyDisabled(new KeyDisabled(key, null, reason));
      }
    }
  }

  /**
   * A disable another instance decided (and told its own listeners of): applied here, heard by no
   * listener, so that it is neither shared back nor alerted twice.
   */
  public void disableDecidedElsewhere(ApiKey key, String reason) {
    KeyEntry entry = entries.get(key);
    if (entry != null && entry.disable(reason)) {
      wholeKeyChanges.incrementAndGet();
      LOG.warn("Key {} disabled by another instance: {}", key, reason);
    }
  }

  /**
   * Registers a callback run when a key is taken out of service, as a whole or for one model,
   * by an answer or a verification (not when stored state is loaded at start). It runs on the
   * thread that disabled the key, often an event loop: it must be quick and never block.
   */
  public void onDisabled(Consumer<KeyDisabled> listener) {
    disableListeners.add(listener);
  }

  private void notifyDisabled(KeyDisabled event) {
    for (Consumer<KeyDisabled> listener : disableListeners) {
      try {
        listener.accept(event);
      } catch (RuntimeException e) {
        // A listener's bug must not undo the pool's decision, which is already applied.
        LOG.warn("A key-disabled listener failed: {}", e.toString());
      }
    }
  }

  /**
   * Sets {@code key}'s failures in a row to a count kept elsewhere (the instances' shared count),
   * heard by no {@link KeyStateListener}; the key is not disabled by it.
   */
  public void setFailures(ApiKey key, int failures) {
    KeyEntry entry = entries.get(key);
    if (entry != null) {
      entry.restoreFailures(failures);
      wholeKeyChanges.incrementAndGet();
    }
  }

  /** The key with this fingerprint, when the pool holds it. */
  public ApiKey keyOf(String keyFingerprint) {
    return byFingerprint.get(keyFingerprint);
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

  /** Registers a listener of changes of keys' whole-key state (see {@link KeyStateListener}). */
  public void onKeyState(KeyStateListener listener) {
    keyStateListeners.add(listener);
  }

  /**
   * What should survive a restart: every key, and the quota records that hold something worth
   * keeping ({@link QuotaRecord#holdsState}); a key and model without one has no stored row.
   */
  public PoolState exportState() {
    List<PoolState.KeyRecord> keys = entries.values().stream()
        .map(e -> new PoolState.KeyRecord(e.key.fingerprint(), e.disabled(), e.disabledReason(), e.failures()))
        .toList();
    long now = clock.millis();
    long today = PacificDay.dayOf(now);
    Map<String, KeyEntry> byFingerprint = byFingerprint();
    List<QuotaRecord> quotas = state.export(now).stream()
        .filter(q -> worthKeeping(q, byFingerprint.get(q.keyFingerprint()), now, today)).toList();
    return new PoolState(keys, quotas);
  }

  /**
   * Loads what {@link #exportState()} saved. Records of keys no longer configured, and records
   * that hold nothing any more (yesterday's use, a cooldown over), are ignored; the models of the
   * others get their lanes, up to MAX_MODELS.
   */
  public void importState(PoolState saved) {
    Map<String, KeyEntry> byFingerprint = byFingerprint();
    for (PoolState.KeyRecord record : saved.keys()) {
      KeyEntry entry = byFingerprint.get(record.keyFingerprint());
      if (entry != null && record.disabled()) {
        entry.disable(record.disabledReason());
      }
      if (entry != null) {
        entry.restoreFailures(record.failures());
      }
    }
    long now = clock.millis();
    long today = PacificDay.dayOf(now);
    List<QuotaRecord> worth = saved.quotas().stream()
        .filter(q -> !q.model().equals(UNLISTED) && !q.model().equals(OVERFLOW))
        .map(QuotaKeyPool::withoutSharedHold)
        .filter(q -> worthKeeping(q, byFingerprint.get(q.keyFingerprint()), now, today)).toList();
    List<QuotaRecord> restored;
    synchronized (structureLock) {
      Set<String> models = new HashSet<>(lanes.keySet());
      int room = policy.maxModels() - modelLaneCount();
      for (QuotaRecord q : worth) {
        if (!models.contains(q.model()) && (room > 0 || q.model().equals(RateLimits.UNMETERED))) {
          models.add(q.model());
          room -= q.model().equals(RateLimits.UNMETERED) ? 0 : 1;
        }
      }
      restored = worth.stream().filter(q -> models.contains(q.model())).toList();
      restored.forEach(q -> {
        if (q.project() != null && GOOGLE_PROJECT.matcher(q.project()).matches()) {
          learnedProjects.put(q.keyFingerprint(), q.project());
        }
      });
      state.restore(restored); // before the lanes place their slots by these cells
      reseatRestored(now);
      placeInProjects(); // a stored project no longer configured: back to the key's own
      restored.forEach(q -> createLane(q.model(), true));
    }
    if (restored.size() < worth.size()) {
      LOG.warn("{} stored quota record(s) not restored: MAX_MODELS ({}) models have quota state already",
          worth.size() - restored.size(), policy.maxModels());
    }
    allLanes().forEach(lane -> lane.wakeAll(now));
    notifyAllLanes();
  }

  /** Slots of lanes made before a restore that put their key in a project. */
  private void reseatRestored(long nowMillis) {
    for (ModelLane lane : lanes.values()) {
      for (Slot slot : lane.slots()) {
        if (!java.util.Objects.equals(slot.project, state.project(slot.entry.key.fingerprint()))) {
          lane.reseat(slotFor(slot.entry, lane.model), nowMillis);
        }
      }
    }
  }

  /**
   * A hold that came from the shared counts (another instance's use, Redis away) says nothing
   * about the key to a restarted instance, which asks Redis again: it is not restored.
   */
  private static QuotaRecord withoutSharedHold(QuotaRecord record) {
    boolean shared = HELD.equals(record.reason()) || AWAY.equals(record.reason()) || NO_SHARE.equals(record.reason());
    return !shared ? record : new QuotaRecord(record.keyFingerprint(), record.model(), record.pacificDay(),
        record.usedToday(), record.recentSendsMillis(), BlockKind.NONE.name(), 0, "", record.learnedRpm(),
        record.provenRpm(), record.project());
  }

  private Map<String, KeyEntry> byFingerprint() {
    Map<String, KeyEntry> byFingerprint = new LinkedHashMap<>();
    entries.values().forEach(e -> byFingerprint.put(e.key.fingerprint(), e));
    return byFingerprint;
  }

  private boolean worthKeeping(QuotaRecord record, KeyEntry entry, long nowMillis, long today) {
    return entry != null && record.holdsState(nowMillis, today,
        !policy.limits().limitFor(entry.key, record.model()).rpdUnlimited());
  }

  private ModelLane newLane(String laneModel) {
    long now = clock.millis();
    ModelLane lane = new ModelLane(laneModel, laneModel.equals(UNLISTED) || laneModel.equals(OVERFLOW), now);
    entries.values().forEach(entry -> lane.add(slotFor(entry, laneModel), now));
    return lane;
  }

  /** A key's slot in a lane; the shared lanes' cells live apart, as they belong to no model. */
  private Slot slotFor(KeyEntry entry, String laneModel) {
    String fingerprint = entry.key.fingerprint();
    return switch (laneModel) {
      case UNLISTED -> new Slot(entry, sharedState.cell(fingerprint, UNLISTED),
          policy.limits().limitFor(entry.key, UNLISTED));
      case OVERFLOW -> new Slot(entry, sharedState.cell(fingerprint, OVERFLOW), Limit.UNLIMITED);
      default -> modelSlot(entry, laneModel);
    };
  }

  /** A slot of a model's own lane: while the authority is away, its cell prepared and its limit a share. */
  private Slot modelSlot(KeyEntry entry, String laneModel) {
    QuotaCell cell = state.cell(entry.key.fingerprint(), laneModel);
    Limit limit = policy.limits().limitFor(entry.key, laneModel);
    IntUnaryOperator share = localShare;
    String project = state.project(entry.key.fingerprint());
    if (share == null || laneModel.equals(RateLimits.UNMETERED)) {
      return new Slot(entry, cell, limit, project);
    }
    prepareAlone(cell, limit, share);
    return new Slot(entry, cell, applied(limit, share), project);
  }

  private void notifyAvailable(String baseModel) {
    availabilityListeners.forEach(listener -> listener.accept(baseModel));
  }
}
