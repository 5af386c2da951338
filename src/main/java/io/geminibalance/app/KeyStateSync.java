package io.geminibalance.app;

import io.geminibalance.keypool.PoolState;
import io.geminibalance.keypool.QuotaKeyPool;
import io.geminibalance.keypool.QuotaRecord;
import io.geminibalance.storage.KeyState;
import io.geminibalance.storage.KeyStateStore;
import io.geminibalance.storage.KeyStateWriteBehind;
import io.geminibalance.storage.ModelState;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Keeps the pool's learned state in storage: restores it at start, then periodically writes the
 * keys whose state changed (write-behind; the last write happens when the gateway closes, also
 * on SIGTERM). Comparing exports keeps the pool free of persistence concerns.
 *
 * <p>Per key and model the stored row holds the block (cooldown, park, per-model disable) and
 * today's usage, the per-minute limit Google proved lower than configured and the level Google
 * proved it accepts (so a restart does not probe again from zero). The sends of the last minute are kept as a count at the newest send's time: on
 * restore they all expire a little later than they really would, which can only leave a minute
 * slightly under-used, never provoke a 429.
 */
final class KeyStateSync {
  private final QuotaKeyPool pool;
  private final KeyStateWriteBehind writer;
  private final Map<String, KeyState> lastWritten = new HashMap<>();

  KeyStateSync(QuotaKeyPool pool, KeyStateWriteBehind writer) {
    this(pool, writer, List.of());
  }

  /**
   * @param stored the rows restored at start ({@link #restore}): a key without one needs none
   *     while its state is the default, so adding 100,000 keys writes no 100,000 rows
   */
  KeyStateSync(QuotaKeyPool pool, KeyStateWriteBehind writer, List<KeyState> stored) {
    this.pool = pool;
    this.writer = writer;
    stored.forEach(state -> lastWritten.put(state.fingerprint(), state));
  }

  /** Loads the stored state into the pool; returns the rows loaded (for the constructor). */
  static List<KeyState> restore(QuotaKeyPool pool, KeyStateStore store) {
    List<KeyState> loaded = store.loadAll().join();
    restore(pool, loaded);
    return loaded;
  }

  /** Loads rows already read into the pool; rows of keys it does not hold are ignored. */
  static void restore(QuotaKeyPool pool, List<KeyState> loaded) {
    List<PoolState.KeyRecord> keys = new ArrayList<>();
    List<QuotaRecord> quotas = new ArrayList<>();
    for (KeyState state : loaded) {
      keys.add(new PoolState.KeyRecord(state.fingerprint(), state.disabled(), state.disabledReason(),
          state.failureCount()));
      state.models().forEach(m -> quotas.add(toRecord(state.fingerprint(), m)));
    }
    pool.importState(new PoolState(keys, quotas));
  }

  /** Records every key whose state differs from what was last written. */
  synchronized void sync() {
    for (KeyState state : toStates(pool.exportState())) {
      KeyState previous = lastWritten.get(state.fingerprint());
      if (previous == null && isDefault(state)) {
        continue; // no row, and none needed: restore treats a key without one the same
      }
      if (previous == null || !sameState(previous, state)) {
        writer.record(state);
        lastWritten.put(state.fingerprint(), state);
      }
    }
  }

  private static boolean isDefault(KeyState state) {
    return !state.disabled() && state.failureCount() == 0 && state.models().isEmpty();
  }

  private static boolean sameState(KeyState a, KeyState b) {
    return a.disabled() == b.disabled() && a.failureCount() == b.failureCount()
        && Objects.equals(a.disabledReason(), b.disabledReason()) && a.models().equals(b.models());
  }

  static List<KeyState> toStates(PoolState exported) {
    Map<String, List<ModelState>> models = new HashMap<>();
    exported.quotas().forEach(q -> models.computeIfAbsent(q.keyFingerprint(), k -> new ArrayList<>())
        .add(toModelState(q)));
    Instant now = Instant.now();
    return exported.keys().stream().map(k -> new KeyState(k.keyFingerprint(), k.disabled(),
        k.disabledReason() == null ? "" : k.disabledReason(), k.failures(),
        models.getOrDefault(k.keyFingerprint(), List.of()), now)).toList();
  }

  static ModelState toModelState(QuotaRecord q) {
    List<Long> recent = q.recentSendsMillis();
    long newest = recent.isEmpty() ? 0 : recent.get(recent.size() - 1);
    String learned = q.provenRpm() > 0 || q.project() != null ? q.learnedRpm() + "/" + q.provenRpm()
        : Integer.toString(q.learnedRpm());
    if (q.project() != null) {
      learned += "/" + q.project(); // last in its part, read with a limit: a name may hold '/' (never '|')
    }
    String encoded = q.blockKind() + "|" + learned + "|" + recent.size() + "@" + newest + "|"
        + (q.reason() == null ? "" : q.reason());
    Instant until = q.blockedUntilMillis() > 0 ? Instant.ofEpochMilli(q.blockedUntilMillis()) : null;
    return new ModelState(q.model(), until, encoded.length() > 500 ? encoded.substring(0, 500) : encoded,
        LocalDate.ofEpochDay(q.pacificDay()), q.usedToday());
  }

  static QuotaRecord toRecord(String fingerprint, ModelState m) {
    String[] parts = (m.parkReason() == null ? "" : m.parkReason()).split("\\|", 4);
    String kind = parts.length > 0 && !parts[0].isEmpty() ? parts[0] : "NONE";
    String[] learned = parts.length > 1 ? parts[1].split("/", 3) : new String[] {"0"};
    int learnedRpm = parseInt(learned[0]);
    int provenRpm = learned.length > 1 ? parseInt(learned[1]) : 0;
    String project = learned.length > 2 && !learned[2].isEmpty() ? learned[2] : null;
    List<Long> recent = parts.length > 2 ? recentSends(parts[2]) : List.of();
    String reason = parts.length > 3 ? parts[3] : "";
    long until = m.parkedUntil() == null ? 0 : m.parkedUntil().toEpochMilli();
    long day = m.usageDay() == null ? 0 : m.usageDay().toEpochDay();
    return new QuotaRecord(fingerprint, m.model(), day, (int) m.usageCount(), recent, kind, until, reason,
        learnedRpm, provenRpm, project);
  }

  private static List<Long> recentSends(String encoded) {
    int at = encoded.indexOf('@');
    if (at < 0) {
      return List.of();
    }
    int count = parseInt(encoded.substring(0, at));
    long newest = parseLong(encoded.substring(at + 1));
    List<Long> sends = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      sends.add(newest);
    }
    return sends;
  }

  private static int parseInt(String text) {
    try {
      return Integer.parseInt(text);
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  private static long parseLong(String text) {
    try {
      return Long.parseLong(text);
    } catch (NumberFormatException e) {
      return 0;
    }
  }
}
