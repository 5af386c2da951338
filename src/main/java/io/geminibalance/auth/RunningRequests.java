package io.geminibalance.auth;

import java.time.InstantSource;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The requests in progress of each managed token, so that a token that stops being valid stops
 * them too, not only the requests after it: a long stream or a Live session would otherwise run
 * on for as long as it likes after its token was revoked, disabled or expired. Asked again
 * ({@link #checkAll}) after every change of the {@link ClientTokenRegistry} (this instance's and
 * another instance's, both a replace), and every second over the tokens with an expiry
 * ({@link #checkExpiries}). The decision is {@link TokenCheck#validity}, the one admission makes.
 * Not on a rotation: the token keeps its id and stays valid, so a planned rotation does not break
 * the streams still running with the old value.
 *
 * <p>An entry lives from admission to the response's end or the connection's close (the same
 * places that give back the token's concurrency slot), so there are never more entries than
 * connections the server lets in.
 */
public final class RunningRequests {
  private static final Logger LOG = LoggerFactory.getLogger(RunningRequests.class);

  /** Stops one request; called from any thread, it moves to the request's own context itself. */
  @FunctionalInterface
  public interface Cut {
    void cut(TokenRefusal why);
  }

  /** One request's place; removing it more than once does nothing. */
  @FunctionalInterface
  public interface Registration {
    void remove();
  }

  private final ClientTokenRegistry registry;
  private final InstantSource clock;
  /** Per token id; each set only read or changed inside the map's own compute, or once removed. */
  private final ConcurrentHashMap<String, Set<Entry>> byToken = new ConcurrentHashMap<>();

  public RunningRequests(ClientTokenRegistry registry, InstantSource clock) {
    this.registry = registry;
    this.clock = clock;
    registry.onReplace(this::checkAll);
  }

  private final class Entry implements Registration {
    private final String tokenId;
    private final Cut cut;

    Entry(String tokenId, Cut cut) {
      this.tokenId = tokenId;
      this.cut = cut;
    }

    @Override
    public void remove() {
      byToken.computeIfPresent(tokenId, (id, entries) -> entries.remove(this) && entries.isEmpty() ? null : entries);
    }
  }

  /**
   * Notes a request of {@code token}, admitted, in progress; {@code cut} stops it. Checked once more
   * at once against the registry in force: a change that landed between the request's admission
   * and now would otherwise be missed.
   */
  public Registration add(ClientToken token, Cut cut) {
    Entry entry = new Entry(token.id(), cut);
    byToken.compute(token.id(), (id, entries) -> {
      Set<Entry> set = entries == null ? new HashSet<>() : entries;
      set.add(entry);
      return set;
    });
    ClientToken current = registry.byId(token.id());
    TokenRefusal invalid = TokenCheck.validity(current != null ? current : token, clock.instant());
    if (invalid != null) {
      entry.remove();
      cut.cut(invalid);
    }
    return entry;
  }

  /** Cuts the running requests of every token no longer valid (after a change of the tokens). */
  public void checkAll() {
    check(false);
  }

  /** Cuts the running requests of the tokens that have expired since (run every second). */
  public void checkExpiries() {
    check(true);
  }

  /** Requests in progress of the token {@code tokenId}. */
  public int running(String tokenId) {
    int[] count = {0};
    byToken.computeIfPresent(tokenId, (id, entries) -> {
      count[0] = entries.size();
      return entries;
    });
    return count[0];
  }

  private void check(boolean expiringOnly) {
    for (String id : byToken.keySet()) {
      // A token missing from the registry (none is ever deleted) is left alone: a reload that
      // came back empty must not cut everything.
      ClientToken token = registry.byId(id);
      if (token == null || (expiringOnly && token.expiresAt() == null)) {
        continue;
      }
      TokenRefusal invalid = TokenCheck.validity(token, clock.instant());
      if (invalid == null) {
        continue;
      }
      Set<Entry> cut = byToken.remove(id);
      if (cut == null) {
        continue;
      }
      LOG.info("Token {}: {} running request(s) cut: {}", id, cut.size(), invalid.message());
      cut.forEach(entry -> entry.cut.cut(invalid));
    }
  }
}
