package io.geminibalance.keypool;

import io.geminibalance.keypool.QuotaCell.BlockKind;
import io.geminibalance.keypool.QuotaCell.CellView;
import io.geminibalance.keypool.QuotaSnapshot.CellState;
import io.geminibalance.keypool.QuotaSnapshot.KeyModelRow;
import io.geminibalance.keypool.QuotaSnapshot.LimitSource;
import io.geminibalance.keypool.QuotaSnapshot.ModelTotals;
import io.geminibalance.keypool.RateLimits.Limit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Builds the read-only views of the pool; O(keys x models), for admin and health only. */
final class QuotaSnapshots {
  private QuotaSnapshots() {}

  static QuotaSnapshot of(Collection<ModelLane> lanes, List<ModelLane> shared, QuotaPolicy policy,
      long nowMillis) {
    List<ModelTotals> totals = new ArrayList<>();
    List<KeyModelRow> rows = new ArrayList<>();
    List<ModelLane> sorted = lanes.stream().sorted(Comparator.comparing(l -> l.model)).toList();
    for (ModelLane lane : sorted) {
      List<KeyModelRow> laneRows = rows(lane, nowMillis);
      totals.add(totals(lane, laneRows, policy));
      rows.addAll(laneRows);
    }
    List<ModelTotals> sharedTotals = shared.stream().map(lane -> totals(lane, rows(lane, nowMillis), policy)).toList();
    return new QuotaSnapshot(nowMillis, totals, rows, sharedTotals);
  }

  /** Every key's rows, one per model with quota state, keyed by the key. O(keys x models). */
  static Map<ApiKey, List<KeyModelRow>> modelRows(Collection<KeyEntry> entries, Collection<ModelLane> lanes,
      long nowMillis) {
    List<ModelLane> sorted = lanes.stream().sorted(Comparator.comparing(l -> l.model)).toList();
    Map<ApiKey, List<KeyModelRow>> rows = new HashMap<>(entries.size() * 2);
    for (KeyEntry entry : entries) {
      List<KeyModelRow> models = new ArrayList<>(sorted.size());
      for (ModelLane lane : sorted) {
        Slot slot = lane.slot(entry.key);
        if (slot != null) {
          models.add(row(lane.model, slot, nowMillis));
        }
      }
      rows.put(entry.key, List.copyOf(models));
    }
    return rows;
  }

  /** Every key's whole-key state now, with the model rows given (none for a key without). */
  static List<KeyDetail> details(Collection<KeyEntry> entries, Map<ApiKey, List<KeyModelRow>> modelRows) {
    List<KeyDetail> details = new ArrayList<>(entries.size());
    for (KeyEntry entry : entries) {
      KeyEntry.KeyProblem problem = entry.lastProblem();
      details.add(new KeyDetail(entry.key, entry.disabled(), entry.disabledReason(), entry.failures(),
          problem == null ? null : problem.reason(), problem == null ? 0 : problem.atMillis(),
          modelRows.getOrDefault(entry.key, List.of())));
    }
    return details;
  }

  private static List<KeyModelRow> rows(ModelLane lane, long nowMillis) {
    return lane.slots().stream()
        .sorted(Comparator.comparing(s -> s.entry.key.fingerprint()))
        .map(slot -> row(lane.model, slot, nowMillis)).toList();
  }

  static PoolCapacity capacity(ModelLane lane, QuotaPolicy policy) {
    Capacity sum = new Capacity();
    lane.slots().forEach(slot -> sum.add(slot.entry, slot.limit));
    return sum.of(lane.model);
  }

  /** The capacity a model without a lane would have, by the limits its keys would get. */
  static PoolCapacity capacity(String model, Collection<KeyEntry> entries, QuotaPolicy policy) {
    Capacity sum = new Capacity();
    entries.forEach(entry -> sum.add(entry, policy.limits().limitFor(entry.key, model)));
    return sum.of(model);
  }

  /** Sums the limits of the enabled keys; -1 once one of them is unlimited. */
  private static final class Capacity {
    long rpm;
    long rpd;
    int keys;

    void add(KeyEntry entry, Limit limit) {
      if (entry.disabled()) {
        return;
      }
      keys++;
      rpm = rpm < 0 || limit.nominalRpm() == 0 ? PoolCapacity.UNLIMITED : rpm + limit.nominalRpm();
      rpd = rpd < 0 || limit.nominalRpd() == 0 ? PoolCapacity.UNLIMITED : rpd + limit.nominalRpd();
    }

    PoolCapacity of(String model) {
      return new PoolCapacity(model, keys, rpm, rpd);
    }
  }

  private static KeyModelRow row(String model, Slot slot, long nowMillis) {
    CellView view = slot.cell.view(slot.limit, nowMillis);
    CellState state = state(slot, view, nowMillis);
    long until = switch (state) {
      case USABLE -> 0;
      case DISABLED -> -1;
      case COOLING, PARKED -> view.nextFreeMillis();
    };
    String reason = state == CellState.DISABLED && slot.entry.disabled()
        ? slot.entry.disabledReason() : view.block().reason();
    Limit limit = slot.limit;
    LimitSource rpmSource;
    int rpm;
    if (view.learnedRpm() > 0 && view.effectiveRpm() == view.learnedRpm()) {
      rpmSource = LimitSource.LEARNED;
      rpm = view.effectiveRpm();
    } else if (limit.autoRpm()) {
      rpmSource = view.provenRpm() > limit.trustedRpm() ? LimitSource.PROVEN : LimitSource.TABLE;
      rpm = Math.max(view.provenRpm(), limit.trustedRpm());
    } else {
      rpmSource = LimitSource.CONFIGURED;
      rpm = view.effectiveRpm();
    }
    LimitSource rpdSource = limit.autoRpd() ? LimitSource.TABLE : LimitSource.CONFIGURED;
    return new KeyModelRow(slot.entry.key.masked(), slot.entry.key.fingerprint(), model, state,
        view.usedThisMinute(), rpm, view.provenRpm(), view.usedToday(), limit.nominalRpd(), until, reason,
        rpmSource, rpdSource, slot.project);
  }

  private static CellState state(Slot slot, CellView view, long nowMillis) {
    BlockKind block = view.block().activeAt(nowMillis) ? view.block().kind() : BlockKind.NONE;
    if (slot.entry.disabled() || block == BlockKind.MODEL_DISABLED) {
      return CellState.DISABLED;
    }
    boolean dayUsedUp = !slot.limit.rpdUnlimited() && view.usedToday() >= slot.limit.rpd();
    if (block == BlockKind.PARKED || dayUsedUp) {
      return CellState.PARKED;
    }
    return view.nextFreeMillis() > nowMillis ? CellState.COOLING : CellState.USABLE;
  }

  private static ModelTotals totals(ModelLane lane, List<KeyModelRow> rows, QuotaPolicy policy) {
    int[] counts = new int[CellState.values().length];
    long remaining = 0;
    for (KeyModelRow row : rows) {
      counts[row.state().ordinal()]++;
      boolean canSendToday = row.state() == CellState.USABLE || row.state() == CellState.COOLING;
      if (canSendToday) {
        remaining = remaining < 0 || row.rpd() == 0 ? -1 : remaining + Math.max(0, row.rpd() - row.usedToday());
      }
    }
    PoolCapacity capacity = capacity(lane, policy);
    return new ModelTotals(lane.model, rows.size(), counts[CellState.USABLE.ordinal()],
        counts[CellState.COOLING.ordinal()], counts[CellState.PARKED.ordinal()],
        counts[CellState.DISABLED.ordinal()], capacity.rpm(), capacity.rpd(), remaining,
        lane.backoffUntil());
  }
}
