package io.geminibalance.admin;

import io.geminibalance.storage.AdminSession;
import io.geminibalance.storage.AdminSessionStore;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.IntSupplier;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Admin web UI sessions: a browser that logged in with the admin token holds a random session id
 * (32 bytes) in a cookie; the database holds only its SHA-256, with the session's CSRF token, the
 * admin credential it was made under and its times. Every gateway on the database sees every
 * session, so a browser stays logged in behind a load balancer, and a logout anywhere ends it
 * everywhere.
 *
 * <p>Expiry is absolute: a session ends ADMIN_SESSION_EXPIRE seconds after its login, however
 * busy it is; the cookie's Max-Age says the same, so browser and server agree and no request
 * needs to write the row to extend it. A session also ends when the admin credential changes
 * (AUTH_TOKEN set to another value, or the generated token rotated): it was made with a token
 * that no longer opens the admin API. Ended rows are deleted when they are next presented, and
 * all expired ones by {@link #purgeExpired} (the gateway runs it periodically).
 */
public final class AdminSessions {
  private static final Logger LOG = LoggerFactory.getLogger(AdminSessions.class);
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final int ID_BYTES = 32;
  /** A session id as handed out: 32 bytes, base64url without padding. Anything else is not looked up. */
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]{43}");
  /** last_seen_at is written at most this often per session: admin pages make several calls a second. */
  private static final Duration TOUCH_EVERY = Duration.ofMinutes(1);

  private final AdminSessionStore store;
  private final InstantSource clock;
  private final IntSupplier expireSeconds;

  /** A new session: the id for the cookie (never stored) and the row. */
  public record Started(String id, AdminSession session) {}

  /** @param expireSeconds ADMIN_SESSION_EXPIRE in force (live: read at each login) */
  public AdminSessions(AdminSessionStore store, InstantSource clock, IntSupplier expireSeconds) {
    this.store = store;
    this.clock = clock;
    this.expireSeconds = expireSeconds;
  }

  /**
   * Starts a session for a caller who has just presented the admin token: a fresh id and CSRF
   * token every time, so an id planted in a browser before the login never becomes a session.
   */
  public CompletableFuture<Started> start(String adminFingerprint, String credentialId, String clientAddress) {
    String id = random();
    // Milliseconds, as stored: the login's answer and later look-ups say the same expiry.
    Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
    AdminSession session = new AdminSession(hash(id), random(), adminFingerprint, credentialId, clientAddress,
        now, now.plusSeconds(expireSeconds.getAsInt()), now);
    return store.create(session).thenApply(v -> {
      LOG.info("Admin session started from {} (admin token {}), until {}", clientAddress, adminFingerprint,
          session.expiresAt());
      return new Started(id, session);
    });
  }

  /**
   * The live session with this id made under the admin credential in force, or empty. A session
   * found expired or made under another credential is deleted.
   *
   * @param credentialInForce {@link io.geminibalance.auth.AdminCredential#id} of the credential in
   *     force; null (no admin credential) ends every session
   */
  public CompletableFuture<Optional<AdminSession>> find(String id, String credentialInForce) {
    if (id == null || !ID.matcher(id).matches()) {
      return CompletableFuture.completedFuture(Optional.empty());
    }
    String idHash = hash(id);
    return store.find(idHash).thenCompose(found -> {
      if (found.isEmpty()) {
        return CompletableFuture.completedFuture(Optional.<AdminSession>empty());
      }
      AdminSession session = found.get();
      Instant now = clock.instant();
      if (session.expiredAt(now) || !session.credentialId().equals(credentialInForce)) {
        return store.delete(idHash).thenApply(deleted -> Optional.<AdminSession>empty());
      }
      if (Duration.between(session.lastSeenAt(), now).compareTo(TOUCH_EVERY) >= 0) {
        // Informational only (expiry does not depend on it): the request need not wait for it.
        store.touch(idHash, now).exceptionally(err -> {
          LOG.debug("Could not record the use of an admin session: {}", err.toString());
          return null;
        });
      }
      return CompletableFuture.completedFuture(Optional.of(session));
    });
  }

  /** Ends the session with this id (logout); true when there was one. */
  public CompletableFuture<Boolean> end(String id) {
    if (id == null || !ID.matcher(id).matches()) {
      return CompletableFuture.completedFuture(false);
    }
    return store.delete(hash(id));
  }

  /** Deletes every expired session; completes with how many. */
  public CompletableFuture<Integer> purgeExpired() {
    return store.deleteExpired(clock.instant());
  }

  /** SHA-256 (hex) of a session id: what the database keys sessions by. */
  static String hash(String id) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(id.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String random() {
    byte[] bytes = new byte[ID_BYTES];
    RANDOM.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }
}
