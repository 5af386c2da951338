package io.geminibalance.admin;

import io.geminibalance.auth.ClientToken;
import io.geminibalance.auth.ClientTokenRegistry;
import io.geminibalance.auth.TokenLimits;
import io.geminibalance.requestlog.TokenFingerprints;
import io.geminibalance.storage.AuditEntry;
import io.geminibalance.storage.ClientTokenStore;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Managed client tokens: made, changed, rotated and revoked through {@code /api/tokens}, kept in
 * {@link ClientTokenStore} (the value only as its HMAC), and the {@link ClientTokenRegistry} the
 * data plane looks tokens up in, reloaded from the store after every change here and whenever
 * another instance says it changed them ({@link #reload}).
 *
 * <p>Changes on one instance run one after another, so that the name check and the write of one
 * change see the previous change; every change is written to the audit log first (without the
 * value) and is not made when that fails.
 */
public final class ClientTokens {
  private static final Logger LOG = LoggerFactory.getLogger(ClientTokens.class);
  /** Random bytes of a value: 32 (256 bits) give 43 base64url characters after the prefix. */
  private static final int VALUE_BYTES = 32;
  /** The id's prefix; {@link AuditLog#TOKEN_PREFIX} relies on it. */
  private static final String ID_PREFIX = "tk_";
  /**
   * A name another instance gave a token between this change's name check and its write: the
   * database's unique index refuses the write, the caller gets a 409, and the audit log says the
   * change was refused.
   */
  private static final Predicate<Throwable> NAME_RACE = ClientTokenStore.NameTaken.class::isInstance;
  /** What the store may refuse an edit or a rotation for after this instance read the token: its name, its revoke. */
  private static final Predicate<Throwable> EDIT_RACE = NAME_RACE.or(RevokedToken.class::isInstance);
  /** Tokens not revoked at once: bounds what the registry holds in every instance's memory. */
  public static final int MAX_TOKENS = 10_000;

  private final ClientTokenStore store;
  private final ClientTokenRegistry registry;
  private final TokenFingerprints fingerprints;
  private final AuditLog audit;
  private final InstantSource clock;
  private final Runnable changed;
  private final int maxTokens;
  private final SecureRandom random = new SecureRandom();
  /** The last change's completion: the next one starts after it. */
  private CompletableFuture<?> tail = CompletableFuture.completedFuture(null);

  /** A token and its value, which the caller shows once and then forgets. */
  public record Issued(ClientToken token, String value) {
    @Override
    public String toString() {
      return "Issued[" + token + "]";
    }
  }

  /** No token with this id. */
  static final class UnknownToken extends RuntimeException {
    UnknownToken(String id) {
      super("no token with id '" + KeyQuery.cut(id) + "'");
    }
  }

  /** The token is revoked: it can no longer be changed or rotated. */
  static final class RevokedToken extends RuntimeException {
    RevokedToken(String id) {
      super("token " + id + " is revoked; create a new one");
    }
  }

  /** As many tokens as allowed are not revoked. */
  static final class TooMany extends RuntimeException {
    TooMany(int max) {
      super("at most " + max + " tokens that are not revoked; revoke one first");
    }
  }

  /**
   * @param changed called after each change here (and its reload), to tell the other instances
   */
  public ClientTokens(ClientTokenStore store, ClientTokenRegistry registry, TokenFingerprints fingerprints,
      AuditLog audit, InstantSource clock, Runnable changed) {
    this(store, registry, fingerprints, audit, clock, changed, MAX_TOKENS);
  }

  ClientTokens(ClientTokenStore store, ClientTokenRegistry registry, TokenFingerprints fingerprints,
      AuditLog audit, InstantSource clock, Runnable changed, int maxTokens) {
    this.maxTokens = maxTokens;
    this.store = store;
    this.registry = registry;
    this.fingerprints = fingerprints;
    this.audit = audit;
    this.clock = clock;
    this.changed = changed;
  }

  public ClientTokenRegistry registry() {
    return registry;
  }

  /** Loads every token from the store into the registry (at start, and on another instance's change). */
  public CompletableFuture<Void> reload() {
    return store.loadAll().thenAccept(registry::replace);
  }

  /** Every token, revoked ones included, oldest first, as stored now. */
  CompletableFuture<List<ClientToken>> list() {
    return store.loadAll();
  }

  CompletableFuture<ClientToken> find(String id) {
    return store.find(id).thenApply(row -> row.orElseThrow(() -> new UnknownToken(id)));
  }

  /** Makes a token from {@code edit} over the defaults (every model, protocol and address; enabled). */
  CompletableFuture<Issued> create(AdminCaller caller, TokenEdit edit) {
    return serially(() -> store.loadAll().thenCompose(all -> {
      Instant now = now();
      String value = newValue();
      ClientToken blank = new ClientToken(newId(), "", fingerprints.hash(value), last4(value), List.of(), Set.of(),
          TokenLimits.NONE, null, List.of(), true, null, now, now);
      ClientToken token = edit.applyTo(blank, now);
      if (all.stream().filter(t -> t.revokedAt() == null).count() >= maxTokens) {
        throw new TooMany(maxTokens);
      }
      checkName(all, token);
      List<AuditEntry.Change> changes = List.of(new AuditEntry.Change("token " + token.id(), AuditChanges.UNSET,
          describe(token)));
      return audit.record(caller, "tokens.create", changes)
          .thenCompose(v -> audit.refusable(caller, "tokens.create", changes, store.insert(token), NAME_RACE))
          .thenCompose(v -> afterChange())
          .thenApply(v -> new Issued(token, value));
    }));
  }

  /** Changes the fields {@code edit} names; an edit that changes nothing changes nothing (no audit row). */
  CompletableFuture<ClientToken> update(AdminCaller caller, String id, TokenEdit edit) {
    return serially(() -> store.loadAll().thenCompose(all -> {
      ClientToken old = current(all, id);
      ClientToken next = edit.applyTo(old, now());
      if (sameFields(old, next)) {
        return CompletableFuture.completedFuture(old);
      }
      checkName(all, next);
      List<AuditEntry.Change> changes = changes(old, next);
      return audit.record(caller, "tokens.update", changes)
          .thenCompose(v -> audit.refusable(caller, "tokens.update", changes, stillLive(next), EDIT_RACE))
          .thenCompose(v -> afterChange())
          .thenApply(v -> next);
    }));
  }

  /** A new value for the same token (same id, limits and usage); the old value stops working at once. */
  CompletableFuture<Issued> rotate(AdminCaller caller, String id) {
    return serially(() -> store.find(id).thenCompose(row -> {
      ClientToken old = live(row, id);
      String value = newValue();
      ClientToken next = old.withValue(fingerprints.hash(value), last4(value), now());
      List<AuditEntry.Change> changes = List.of(new AuditEntry.Change("token " + id + " value",
          hint(old.last4()), hint(next.last4())));
      return audit.record(caller, "tokens.rotate", changes)
          .thenCompose(v -> audit.refusable(caller, "tokens.rotate", changes, stillLive(next), EDIT_RACE))
          .thenCompose(v -> afterChange())
          .thenApply(v -> new Issued(next, value));
    }));
  }

  /** Revokes the token for good; it stays listed. Revoking a revoked token changes nothing. */
  CompletableFuture<ClientToken> revoke(AdminCaller caller, String id) {
    return serially(() -> store.find(id).thenCompose(row -> {
      ClientToken old = row.orElseThrow(() -> new UnknownToken(id));
      if (old.revokedAt() != null) {
        return CompletableFuture.completedFuture(old);
      }
      ClientToken next = old.revoked(now());
      return audit.record(caller, "tokens.revoke", List.of(new AuditEntry.Change("token " + id,
              describe(old), "revoked")))
          .thenCompose(v -> AuditLog.reportFailure("tokens.revoke", store.update(next)))
          // false: another instance revoked it first, which is what was asked; answer as stored.
          .thenCompose(written -> afterChange().thenCompose(v -> written
              ? CompletableFuture.completedFuture(next) : store.find(id).thenApply(stored -> stored.orElse(next))));
    }));
  }

  /**
   * Writes {@code next} over its stored token; fails with {@link RevokedToken} when that was revoked
   * after this instance read it (by another instance: this one's changes run one at a time). The
   * registry is reloaded first then: the other instance's word of its revoke is lost while Redis is
   * away, and this instance would otherwise go on admitting the token it has just been told is
   * revoked.
   */
  private CompletableFuture<Void> stillLive(ClientToken next) {
    return store.update(next).thenCompose(written -> {
      if (written) {
        return CompletableFuture.completedFuture(null);
      }
      return reload().handle((v, err) -> {
        if (err != null) {
          LOG.warn("Could not reload the client tokens after finding token {} revoked elsewhere: {}", next.id(),
              Failures.cause(err).getMessage());
        }
        throw new RevokedToken(next.id());
      });
    });
  }

  /** Runs {@code change} once the previous change has ended, successful or not. */
  private synchronized <T> CompletableFuture<T> serially(Supplier<CompletableFuture<T>> change) {
    CompletableFuture<T> next = tail.handle((v, err) -> null).thenCompose(v -> change.get());
    tail = next;
    return next;
  }

  /**
   * The registry reloaded and the others told. A failed reload leaves the change made (it is in
   * the database) and is logged; the next change or restart loads it.
   */
  private CompletableFuture<Void> afterChange() {
    return reload().handle((v, err) -> {
      if (err != null) {
        LOG.error("A client token change is stored but this instance could not reload the tokens: {}",
            Failures.cause(err).getMessage());
      }
      changed.run();
      return null;
    });
  }

  /** Now in whole milliseconds, as the database keeps times. */
  private Instant now() {
    return Instant.ofEpochMilli(clock.millis());
  }

  private static ClientToken current(List<ClientToken> all, String id) {
    return live(all.stream().filter(t -> t.id().equals(id)).findFirst(), id);
  }

  private static ClientToken live(Optional<ClientToken> row, String id) {
    ClientToken token = row.orElseThrow(() -> new UnknownToken(id));
    if (token.revokedAt() != null) {
      throw new RevokedToken(id);
    }
    return token;
  }

  /**
   * Names are unique among the tokens not revoked, ignoring case; a revoked token's name may be
   * given again (the revoked one keeps it in the usage it made). Checked here for a clear answer
   * before the audit row; the database's unique index decides between instances and races.
   */
  private static void checkName(List<ClientToken> all, ClientToken token) {
    String key = ClientToken.nameKey(token.name());
    boolean taken = all.stream().anyMatch(t -> t.revokedAt() == null && !t.id().equals(token.id())
        && ClientToken.nameKey(t.name()).equals(key));
    if (taken) {
      throw new ClientTokenStore.NameTaken(token.name());
    }
  }

  private String newValue() {
    byte[] bytes = new byte[VALUE_BYTES];
    random.nextBytes(bytes);
    return ClientToken.PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  private String newId() {
    byte[] bytes = new byte[8];
    random.nextBytes(bytes);
    return ID_PREFIX + HexFormat.of().formatHex(bytes);
  }

  private static String last4(String value) {
    return value.substring(value.length() - 4);
  }

  /** How a token's value is shown once it is no longer known: {@code sk-gb-...abcd}. */
  static String hint(String last4) {
    return ClientToken.PREFIX + "..." + last4;
  }

  private static boolean sameFields(ClientToken a, ClientToken b) {
    return fields(a).equals(fields(b));
  }

  /** What an admin edits, in the order the audit row lists it. */
  private static List<String[]> fieldList(ClientToken t) {
    return List.of(
        new String[] {"name", t.name()},
        new String[] {"models", String.valueOf(t.models())},
        new String[] {"protocols", String.valueOf(t.protocolLabels())},
        new String[] {"rpm", String.valueOf(t.limits().requestsPerMinute())},
        new String[] {"rpd", String.valueOf(t.limits().requestsPerDay())},
        new String[] {"tpm", String.valueOf(t.limits().tokensPerMinute())},
        new String[] {"tpd", String.valueOf(t.limits().tokensPerDay())},
        new String[] {"max_concurrent", String.valueOf(t.limits().maxConcurrent())},
        new String[] {"expires_at", t.expiresAt() == null ? "never" : t.expiresAt().toString()},
        new String[] {"cidrs", String.valueOf(t.cidrs())},
        new String[] {"enabled", String.valueOf(t.enabled())});
  }

  private static List<String> fields(ClientToken t) {
    return fieldList(t).stream().map(f -> f[0] + "=" + f[1]).toList();
  }

  private static List<AuditEntry.Change> changes(ClientToken old, ClientToken next) {
    List<String[]> before = fieldList(old);
    List<String[]> after = fieldList(next);
    List<AuditEntry.Change> changes = new ArrayList<>();
    for (int i = 0; i < before.size(); i++) {
      if (!Objects.equals(before.get(i)[1], after.get(i)[1])) {
        changes.add(new AuditEntry.Change("token " + old.id() + " " + before.get(i)[0], cut(before.get(i)[1]),
            cut(after.get(i)[1])));
      }
    }
    return changes;
  }

  /** The audit row's account of a token: every field but the value, of which only the hint. */
  private static String describe(ClientToken t) {
    return cut(hint(t.last4()) + " " + String.join(", ", fields(t)));
  }

  private static String cut(String text) {
    return text.length() <= AuditChanges.MAX_VALUE_CHARS ? text : text.substring(0, AuditChanges.MAX_VALUE_CHARS) + "...";
  }
}
