package io.geminibalance.admin;

import io.geminibalance.auth.AdminCredential;
import io.geminibalance.config.GatewayConfig;
import io.geminibalance.keypool.ApiKey;
import io.geminibalance.requestlog.SecretRedactor;
import io.geminibalance.requestlog.TokenFingerprints;
import io.geminibalance.storage.AdminTokenStore;
import io.geminibalance.storage.AuditEntry;
import java.io.PrintStream;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The generated admin token: in force while AUTH_TOKEN is unset (AUTH_TOKEN, from the environment
 * or saved settings, always wins). Generated once, at the first start without AUTH_TOKEN, and then
 * kept as a hash in the database ({@code gb_admin_token}) across restarts and setting changes;
 * replaced only by a rotation (the admin API, or the operator's {@code --rotate-admin-token}).
 *
 * <p>The token itself is shown once, on standard output, on one line starting {@link #ANNOUNCEMENT}:
 * the only place the gateway ever prints a secret. Standard output rather than the logger, because
 * the logger masks secrets, and because log lines are collected and kept where a token must not be.
 */
public final class AdminTokens {
  private static final Logger LOG = LoggerFactory.getLogger(AdminTokens.class);
  public static final String ANNOUNCEMENT = "Generated admin token: ";
  private static final SecureRandom RANDOM = new SecureRandom();

  private final AdminTokenStore store;
  private final AuditLog audit;
  private final PrintStream out;
  private final TokenFingerprints fingerprints;
  private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
  /** The generated token's credential, or null while none was ever generated. */
  private volatile AdminCredential generated;

  /** @param fingerprints how the audit log names a new token (the installation's HMAC, as for every token) */
  public AdminTokens(AdminTokenStore store, AuditLog audit, PrintStream out, TokenFingerprints fingerprints) {
    this.store = store;
    this.audit = audit;
    this.out = out;
    this.fingerprints = fingerprints;
  }

  /**
   * At start (blocking): loads the stored hash and, when AUTH_TOKEN is unset and none is stored,
   * generates the token, stores its hash and announces it. Says at WARN that the first
   * ALLOWED_TOKENS entry is no longer the admin token, and how to keep gemini-balance's way.
   */
  public void start(GatewayConfig config) {
    load();
    if (config.authToken() != null) {
      return;
    }
    if (generated == null) {
      generateAtStart();
    } else {
      LOG.info("Admin token: the generated one (AUTH_TOKEN is unset; only its hash is stored). Lost it? Rotate"
          + " it with 'bin/gemini-balance --rotate-admin-token'.");
    }
    if (!config.allowedTokens().isEmpty()) {
      LOG.warn("AUTH_TOKEN is unset: unlike gemini-balance, the first ALLOWED_TOKENS entry ({}) is not the admin"
          + " token, since every client holding it could redirect the pool's keys; the generated admin token is."
          + " To keep gemini-balance's behaviour, set AUTH_TOKEN to that entry.",
          ApiKey.mask(config.allowedTokens().get(0)));
    }
  }

  /**
   * Loads the stored hash (blocking), so a rotation knows whether it replaces a token: {@link
   * #start} does, and so must the operator's command, or its audit row would say "(unset)".
   */
  public void load() {
    generated = store.load().join().map(AdminCredential::ofStoredHash).orElse(null);
  }

  private void generateAtStart() {
    String token = newToken();
    SecretRedactor.process().register(token);
    String hash = AdminCredential.hash(token);
    if (!store.createIfAbsent(hash).join()) {
      // Another gateway on the same database generated (and announced) one first: that one applies.
      generated = store.load().join().map(AdminCredential::ofStoredHash).orElseThrow();
      return;
    }
    generated = AdminCredential.ofStoredHash(hash);
    try {
      audit.record(AdminCaller.START_UP, "admin_token.generate", List.of(new AuditEntry.Change(
          AuditLog.GENERATED_ADMIN_TOKEN, AuditChanges.UNSET, generatedDescription(token)))).join();
    } catch (RuntimeException e) {
      // Not an admin's change, and the token is stored already: say so and carry on.
      LOG.error("The generated admin token could not be recorded in the audit log: {}", e.getMessage());
    }
    announce(out, token);
    LOG.warn("AUTH_TOKEN is unset: generated an admin token, shown once on standard output ('{}...') and stored"
        + " only as a hash. Rotate it with POST /api/admin-token/rotate or 'bin/gemini-balance"
        + " --rotate-admin-token'; set AUTH_TOKEN to choose your own.", ANNOUNCEMENT.strip());
  }

  /** The one line that shows a generated token. */
  public static void announce(PrintStream out, String token) {
    out.println(ANNOUNCEMENT + token);
    out.flush();
  }

  /** The admin credential in force under {@code config}: AUTH_TOKEN when set, else the generated token. */
  public AdminCredential inForce(GatewayConfig config) {
    return config.authToken() != null ? AdminCredential.ofAuthToken(config.authToken()) : generated;
  }

  /** Whether a generated token exists to take over when AUTH_TOKEN is unset. */
  public boolean hasGenerated() {
    return generated != null;
  }

  /** Called after every rotation (to refresh the authenticator). */
  public void onRotation(Runnable listener) {
    listeners.add(listener);
  }

  /**
   * Generates a new token and stores its hash in place of the old one, which stops working at once
   * in this gateway (others on the same database at their next start). Audited first: when the
   * audit row cannot be written nothing changes. Completes with the new token, for the caller to
   * show once.
   */
  public CompletableFuture<String> rotate(AdminCaller caller) {
    String token = newToken();
    SecretRedactor.process().register(token);
    String hash = AdminCredential.hash(token);
    String before = generated == null ? AuditChanges.UNSET : "previous generated token";
    return audit.record(caller, "admin_token.rotate", List.of(new AuditEntry.Change(
            AuditLog.GENERATED_ADMIN_TOKEN, before, generatedDescription(token))))
        .thenCompose(v -> AuditLog.reportFailure("admin_token.rotate", store.replace(hash)))
        .thenApply(v -> {
          generated = AdminCredential.ofStoredHash(hash);
          listeners.forEach(Runnable::run);
          return token;
        });
  }

  /** What the audit log says of a new token: its fingerprint, which later rows made with it carry. */
  private String generatedDescription(String token) {
    return "new token, fingerprint " + fingerprints.of(token).fingerprint();
  }

  /** 24 random bytes (192 bits), URL-safe; the prefix lets secret scanners and the log redactor spot it. */
  static String newToken() {
    byte[] bytes = new byte[24];
    RANDOM.nextBytes(bytes);
    return "sk-gb-" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }
}
