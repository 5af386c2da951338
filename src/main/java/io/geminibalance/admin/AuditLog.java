package io.geminibalance.admin;

import io.geminibalance.storage.AuditEntry;
import io.geminibalance.storage.AuditLogStore;
import io.geminibalance.storage.AuditRow;
import io.geminibalance.storage.Page;
import java.time.InstantSource;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records every admin change in {@code gb_audit_log}, with the values already masked.
 *
 * <p>Written ahead: callers record a change before they make it, and do not make it when the row
 * cannot be written ({@link AuditFailed}; the admin gets a 500 saying nothing changed). A change
 * nobody can trace afterwards is worse than one that has to wait for the database; and the
 * settings live in that same database, so when it cannot take the audit row it usually cannot
 * take the change either. The other way round (written, then the change fails) leaves a row for
 * a change that did not happen, which the change's own error answer and an ERROR line report.
 * A change the store refuses for the caller's own reason after the row was written (a token name
 * another instance gave in the meantime, which only the database sees) is no fault: the log is
 * only appended to, so a second row ({@code <action>.refused}) says it was not made and why, and
 * an INFO line, not an ERROR, goes with it ({@link #refusable}).
 *
 * <p>Changes that can send the pool's keys or the clients' traffic elsewhere, or change who gets
 * in ({@link #WATCHED}, and every change of a managed client token), are also logged at WARN;
 * others at INFO.
 */
public final class AuditLog {
  private static final Logger LOG = LoggerFactory.getLogger(AuditLog.class);
  /** The name under which rotations of the generated admin token are recorded. */
  public static final String GENERATED_ADMIN_TOKEN = "generated admin token";
  /** PROXIES is not a setting yet (a PUT of it is refused as unknown); listed for when it is. */
  static final Set<String> WATCHED = Set.of("BASE_URL", "PROXIES", "CUSTOM_HEADERS", "API_KEYS", "ALLOWED_TOKENS",
      "AUTH_TOKEN", GENERATED_ADMIN_TOKEN, "VERTEX_API_KEYS", "VERTEX_EXPRESS_BASE_URL",
      "PAID_KEY");

  /** How the changes of a managed client token are named: {@code token tk_... models}. */
  static final String TOKEN_PREFIX = "token tk_";
  /** The suffix of the action of a row that says the change of the row before it was refused. */
  static final String REFUSED = ".refused";

  private final AuditLogStore store;
  private final InstantSource clock;

  /** The audit row could not be written, so the change was not made. */
  public static final class AuditFailed extends RuntimeException {
    AuditFailed(String action, Throwable cause) {
      super("the audit log cannot be written, so nothing was changed (" + action + "): " + cause.getMessage(), cause);
    }
  }

  public AuditLog(AuditLogStore store, InstantSource clock) {
    this.store = store;
    this.clock = clock;
  }

  /**
   * Writes the row; completes exceptionally with {@link AuditFailed} (inside a
   * {@link CompletionException}) when it cannot be written. Nothing is written for no changes.
   */
  public CompletableFuture<Void> record(AdminCaller caller, String action, List<AuditEntry.Change> changes) {
    if (changes.isEmpty()) {
      return CompletableFuture.completedFuture(null);
    }
    AuditEntry entry = new AuditEntry(clock.instant(), action, caller.clientAddress(), caller.adminFingerprint(),
        changes);
    return store.append(entry).handle((ok, err) -> {
      if (err != null) {
        Throwable cause = Failures.cause(err);
        LOG.error("Admin change refused: the audit log cannot be written ({}, from {}): {}", action,
            caller.clientAddress(), cause.getMessage());
        throw new CompletionException(new AuditFailed(action, cause));
      }
      logged(entry);
      return null;
    });
  }

  /**
   * Wraps the change made after its row was written: when the change fails, the row stays (for a
   * change that was not, or not wholly, made) and an ERROR line says so.
   */
  static <T> CompletableFuture<T> reportFailure(String action, CompletableFuture<T> change) {
    return change.whenComplete((result, err) -> {
      if (err != null) {
        notMade(action, Failures.cause(err));
      }
    });
  }

  private static void notMade(String action, Throwable cause) {
    LOG.error("Admin change {} is in the audit log but was not (wholly) made: {}", action, cause.getMessage());
  }

  /**
   * As {@link #reportFailure}, for a change the store may refuse for the caller's reason
   * ({@code callersReason}): then the row written ahead for {@code changes} is followed by one of
   * action {@code <action>.refused}, each setting's value in force kept and "(not made: why)" as
   * its new one, and the caller still gets the refusal. Should that row not be written, an ERROR
   * line says the trail shows a change that was not made.
   */
  <T> CompletableFuture<T> refusable(AdminCaller caller, String action, List<AuditEntry.Change> changes,
      CompletableFuture<T> change, Predicate<Throwable> callersReason) {
    CompletableFuture<T> outcome = new CompletableFuture<>();
    change.whenComplete((result, err) -> {
      if (err == null) {
        outcome.complete(result);
        return;
      }
      Throwable cause = Failures.cause(err);
      if (!callersReason.test(cause)) {
        notMade(action, cause);
        outcome.completeExceptionally(err);
        return;
      }
      String notMade = "(not made: " + cause.getMessage() + ")";
      AuditEntry refusal = new AuditEntry(clock.instant(), action + REFUSED, caller.clientAddress(),
          caller.adminFingerprint(), changes.stream()
              .map(c -> new AuditEntry.Change(c.setting(), c.oldValue(), notMade)).toList());
      store.append(refusal).whenComplete((ok, appendErr) -> {
        if (appendErr == null) {
          LOG.info("Admin change {} refused after its audit row was written: {}", action, cause.getMessage());
        } else {
          LOG.error("Admin change {} was refused ({}) but the audit log shows it made: its refusal cannot be"
              + " written: {}", action, cause.getMessage(), Failures.cause(appendErr).getMessage());
        }
        outcome.completeExceptionally(err);
      });
    });
    return outcome;
  }

  /** Newest first. */
  public CompletableFuture<Page<AuditRow>> page(int offset, int limit) {
    return store.page(offset, limit);
  }

  /** A watched setting, or a managed client token ({@link ClientTokens} names its changes {@value #TOKEN_PREFIX}...). */
  private static boolean watched(String setting) {
    return WATCHED.contains(setting) || setting.startsWith(TOKEN_PREFIX);
  }

  private static void logged(AuditEntry entry) {
    String who = "from " + entry.clientAddress()
        + (entry.adminFingerprint() == null ? "" : " (admin token " + entry.adminFingerprint() + ")");
    for (AuditEntry.Change change : entry.changes()) {
      if (watched(change.setting())) {
        LOG.warn("Admin change {} {}: {}: {} -> {}", entry.action(), who, change.setting(), change.oldValue(),
            change.newValue());
      }
    }
    String others = entry.changes().stream().map(AuditEntry.Change::setting).filter(name -> !watched(name))
        .collect(Collectors.joining(", "));
    if (!others.isEmpty()) {
      LOG.info("Admin change {} {}: {}", entry.action(), who, others);
    }
  }
}
