package io.geminibalance.admin;

import io.geminibalance.requestlog.SecretRedactor;
import io.geminibalance.requestlog.TokenFingerprints;
import io.geminibalance.storage.AdminTokenStore;
import io.geminibalance.storage.AuditLogStore;
import io.geminibalance.storage.SettingsStore;
import java.io.PrintStream;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;

/**
 * {@code bin/gemini-balance --rotate-admin-token} (or {@code java -jar gemini-balance.jar
 * --rotate-admin-token}): for an operator who lost the admin token. Needs only the configuration
 * and the database, not a running gateway. It
 * <ol>
 *   <li>removes an AUTH_TOKEN saved through the admin API, if any (the saved value wins over the
 *       environment, so a lost one could not be replaced any other way);</li>
 *   <li>generates a new admin token, stores its hash in place of the old one, and prints it the
 *       one way the gateway prints a token: one line {@code Generated admin token: <token>};</li>
 *   <li>records both in the audit log, from {@code command-line}.</li>
 * </ol>
 * A gateway already running keeps the admin token it loaded until it restarts. An AUTH_TOKEN in
 * the environment (or .env) still wins over the generated token; the command says so.
 */
public final class AdminTokenCommand {
  public static final String FLAG = "--rotate-admin-token";

  private AdminTokenCommand() {}

  /** Returns the process exit status: 0 when a new token was printed, 1 when nothing changed. */
  public static int run(SettingsStore settings, AdminTokenStore tokens, AuditLogStore auditStore,
      TokenFingerprints fingerprints, Map<String, String> env, PrintStream out, PrintStream err) {
    AuditLog audit = new AuditLog(auditStore, InstantSource.system());
    String envAuthToken = blankToNull(env.get("AUTH_TOKEN"));
    try {
      String savedAuthToken = blankToNull(settings.loadAll().join().get("AUTH_TOKEN"));
      if (savedAuthToken != null) {
        SecretRedactor.process().register(savedAuthToken);
        audit.record(AdminCaller.OPERATOR, "settings.revert",
            List.of(AuditChanges.of("AUTH_TOKEN", savedAuthToken, envAuthToken))).join();
        settings.delete("AUTH_TOKEN").join();
        err.println("Removed the AUTH_TOKEN saved through the admin API.");
      }
      AdminTokens adminTokens = new AdminTokens(tokens, audit, out, fingerprints);
      adminTokens.load();
      String token = adminTokens.rotate(AdminCaller.OPERATOR).join();
      AdminTokens.announce(out, token);
    } catch (CompletionException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      err.println("Cannot rotate the admin token: " + SecretRedactor.process().redact(cause.getMessage()));
      return 1;
    }
    if (envAuthToken != null) {
      err.println("Note: AUTH_TOKEN is set in the environment (or .env) and stays the admin token; the generated"
          + " token applies once AUTH_TOKEN is removed.");
    }
    err.println("A gateway already running keeps its admin token until it restarts.");
    return 0;
  }

  private static String blankToNull(String value) {
    return value == null || value.isBlank() ? null : value.strip();
  }
}
