package io.geminibalance.admin;

import io.geminibalance.admin.KeyQuery.KeyState;
import io.geminibalance.keypool.ApiKey;
import io.geminibalance.keypool.KeyDetail;
import io.geminibalance.keypool.ModelNames;
import io.geminibalance.keypool.QuotaSnapshot.KeyModelRow;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.Set;

/**
 * One page of the key list from every key of the pool: filtered, sorted, cut. Pure. Works on the
 * pool's keys in memory, so search is the same with ENCRYPTION_KEY set and no row is decrypted.
 * Search is a substring of the key lower-cased once per {@link #index} (so any part, and the last
 * 4, ignoring case), or the key's id.
 *
 * <p>A key's states: {@code disabled} when disabled as a whole; otherwise {@code cooling},
 * {@code parked} and {@code model_disabled} when it is so for at least one model (with
 * {@code model}: for that model), and {@code usable} when it is for none.
 */
final class KeyListing {
  private KeyListing() {}

  /** A page of keys, with the counts of the whole pool by state. */
  record Result(List<KeyDetail> keys, int totalItems, int totalPages, int currentPage, Totals totals) {}

  /** Keys of the whole pool (not only the filtered ones) by state; a key may count in several. */
  record Totals(int total, int valid, int invalid, int usable, int cooling, int parked, int modelDisabled,
      int disabled) {}

  /**
   * Every key with what filters and sorts read, computed once per snapshot of the pool: its
   * states over all models, its use today over all models, and the key lower-cased for search.
   */
  record Indexed(int order, KeyDetail key, String lowerSecret, Set<KeyState> states, long usedToday) {}

  /** The pool's keys, indexed, with the totals by state. */
  record Index(List<Indexed> keys, Totals totals) {}

  static Index index(List<KeyDetail> all) {
    Map<ApiKey, String> lower = new HashMap<>();
    all.forEach(key -> lower.put(key.key(), key.key().secret().toLowerCase(Locale.ROOT)));
    return index(all, lower);
  }

  /** @param lowerCase each key lower-cased (kept by the caller across indexes: keys never change) */
  static Index index(List<KeyDetail> all, Map<ApiKey, String> lowerCase) {
    int[] counts = new int[KeyState.values().length];
    int invalid = 0;
    List<Indexed> keys = new ArrayList<>(all.size());
    for (int i = 0; i < all.size(); i++) {
      KeyDetail key = all.get(i);
      Set<KeyState> states = states(key, null);
      states.forEach(s -> counts[s.ordinal()]++);
      invalid += key.disabled() ? 1 : 0;
      keys.add(new Indexed(i, key, lowerCase.get(key.key()), states, usedToday(key, null)));
    }
    Totals totals = new Totals(all.size(), all.size() - invalid, invalid, counts[KeyState.USABLE.ordinal()],
        counts[KeyState.COOLING.ordinal()], counts[KeyState.PARKED.ordinal()],
        counts[KeyState.MODEL_DISABLED.ordinal()], counts[KeyState.DISABLED.ordinal()]);
    return new Index(List.copyOf(keys), totals);
  }

  static Result page(List<KeyDetail> all, KeyQuery query) {
    return page(index(all), query);
  }

  static Result page(Index index, KeyQuery query) {
    String model = query.model() == null ? null : ModelNames.base(query.model());
    List<Row> matching = new ArrayList<>();
    for (Indexed key : index.keys()) {
      Set<KeyState> states = model == null ? key.states() : states(key.key(), model);
      if (matches(key, states, query)) {
        long used = query.sort() != KeyQuery.Sort.USED_TODAY ? 0
            : model == null ? key.usedToday() : usedToday(key.key(), model);
        matching.add(new Row(key.order(), key.key(), used));
      }
    }
    matching.sort(order(query));
    int totalPages = Math.max(1, (matching.size() + query.limit() - 1) / query.limit());
    long from = (long) (query.page() - 1) * query.limit();
    List<KeyDetail> page = from >= matching.size() ? List.of()
        : matching.subList((int) from, (int) Math.min(matching.size(), from + query.limit())).stream()
            .map(Row::key).toList();
    return new Result(page, matching.size(), totalPages, query.page(), index.totals());
  }

  private record Row(int index, KeyDetail key, long usedToday) {}

  static Set<KeyState> states(KeyDetail key, String model) {
    if (key.disabled()) {
      return EnumSet.of(KeyState.DISABLED);
    }
    Set<KeyState> states = EnumSet.noneOf(KeyState.class);
    for (KeyModelRow row : key.models()) {
      if (model == null || row.model().equals(model)) {
        states.add(state(key, row));
      }
    }
    states.remove(KeyState.USABLE);
    if (states.isEmpty()) {
      states.add(KeyState.USABLE);
    }
    return states;
  }

  /** The state of one model's row as the API names it: a disabled key is disabled for every model. */
  static KeyState state(KeyDetail key, KeyModelRow row) {
    if (key.disabled()) {
      return KeyState.DISABLED;
    }
    return switch (row.state()) {
      case USABLE -> KeyState.USABLE;
      case COOLING -> KeyState.COOLING;
      case PARKED -> KeyState.PARKED;
      case DISABLED -> KeyState.MODEL_DISABLED;
    };
  }

  private static boolean matches(Indexed indexed, Set<KeyState> states, KeyQuery query) {
    KeyDetail key = indexed.key();
    switch (query.status()) {
      case VALID -> {
        if (key.disabled()) {
          return false;
        }
      }
      case INVALID -> {
        if (!key.disabled()) {
          return false;
        }
      }
      case ALL -> { }
    }
    if (query.failCountThreshold() != null && key.failures() < query.failCountThreshold()) {
      return false;
    }
    if (query.state() != null && !states.contains(query.state())) {
      return false;
    }
    return query.search() == null || indexed.lowerSecret().contains(query.search())
        || key.key().fingerprint().equals(query.search());
  }

  private static long usedToday(KeyDetail key, String model) {
    long used = 0;
    for (KeyModelRow row : key.models()) {
      if (model == null || row.model().equals(model)) {
        used += row.usedToday();
      }
    }
    return used;
  }

  private static Comparator<Row> order(KeyQuery query) {
    Comparator<Row> by = switch (query.sort()) {
      case ADDED -> Comparator.comparingInt(Row::index);
      case FAIL_COUNT -> Comparator.comparingInt(r -> r.key().failures());
      case LAST_ERROR_AT -> Comparator.comparingLong(r -> r.key().lastErrorAtMillis());
      case USED_TODAY -> Comparator.comparingLong(Row::usedToday);
    };
    if (query.descending()) {
      by = by.reversed();
    }
    // Ties keep the order the keys were added in, so pages do not shuffle between calls.
    return by.thenComparingInt(Row::index);
  }
}
