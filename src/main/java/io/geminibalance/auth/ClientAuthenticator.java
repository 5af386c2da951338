package io.geminibalance.auth;

import io.geminibalance.requestlog.KeyIdentity;
import io.geminibalance.requestlog.TokenFingerprints;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Collection;
import java.util.List;

/**
 * Decides whether a client credential may use the data plane. Compares in constant time against
 * every configured token, so neither a token's length nor its position leaks through timing.
 */
public final class ClientAuthenticator {
  /**
   * A configured token with its log identity, worked out once here instead of hashing the
   * client's credential on every request.
   */
  private record Token(byte[] bytes, KeyIdentity identity) {}

  /**
   * The accepted client tokens and the admin credential, replaced together.
   *
   * @param adminId the admin credential's {@link AdminCredential#id}, or null without one
   */
  private record State(List<Token> tokens, AdminCredential admin, String adminId) {}

  private final TokenFingerprints fingerprints;
  private final ClientTokenRegistry managedTokens;
  private volatile State state;

  /**
   * @param admin the admin credential in force, or null for none
   * @param fingerprints how a token appears in log and audit rows (the installation's HMAC)
   */
  public ClientAuthenticator(Collection<String> tokens, AdminCredential admin, TokenFingerprints fingerprints) {
    this(tokens, admin, fingerprints, new ClientTokenRegistry());
  }

  /** @param managedTokens the managed tokens ({@code /api/tokens}) in force, looked up by hash */
  public ClientAuthenticator(Collection<String> tokens, AdminCredential admin, TokenFingerprints fingerprints,
      ClientTokenRegistry managedTokens) {
    this.fingerprints = fingerprints;
    this.managedTokens = managedTokens;
    update(tokens, admin);
  }

  /** Replaces the accepted client tokens (live settings), keeping the admin credential. */
  public void update(Collection<String> newTokens) {
    update(newTokens, state == null ? null : state.admin());
  }

  /**
   * Replaces the accepted client tokens and the admin credential. The admin token is accepted on
   * the data plane as well, but never as a client token: a token in {@code newTokens} that is the
   * admin credential (AUTH_TOKEN is among the client tokens, and gemini-balance users often list it
   * in ALLOWED_TOKENS too) is left out here and checked through {@link #admin} only, so the data
   * plane applies the admin failure throttle to it like the admin API does.
   */
  public void update(Collection<String> newTokens, AdminCredential admin) {
    this.state = new State(newTokens.stream()
        .filter(t -> !t.isBlank())
        .filter(t -> admin == null || !admin.matches(t))
        .map(t -> new Token(t.getBytes(StandardCharsets.UTF_8), fingerprints.of(t)))
        .toList(), admin, admin == null ? null : admin.id(fingerprints));
  }

  /**
   * The log identity of {@code candidate} when it is a client token, else {@code null} (the admin
   * token included: see {@link #admin}). Every token is compared, whatever matched, so timing does
   * not tell which one did. Nothing is hashed: a client with a valid token pays only the compares.
   */
  public KeyIdentity client(String candidate) {
    if (candidate == null || candidate.isEmpty()) {
      return null;
    }
    byte[] given = candidate.getBytes(StandardCharsets.UTF_8);
    KeyIdentity match = null;
    for (Token token : state.tokens()) {
      if (MessageDigest.isEqual(token.bytes(), given)) {
        match = token.identity();
      }
    }
    return match;
  }

  /**
   * The managed token whose value is {@code candidate} (revoked, disabled and expired ones
   * included: the caller answers why they do not authenticate), or null. Asked only after
   * {@link #client} did not match, so ALLOWED_TOKENS clients never pay the HMAC; a value without
   * {@link ClientToken#PREFIX}, or any value while no token is managed, is not hashed either.
   */
  public ClientToken managed(String candidate) {
    if (candidate == null || !candidate.startsWith(ClientToken.PREFIX) || managedTokens.all().isEmpty()) {
      return null;
    }
    return managedTokens.byHash(fingerprints.hash(candidate));
  }

  /**
   * The identity of {@code candidate} when it is the admin token in force, else {@code null}.
   * Client tokens are not enough. Hashes the candidate: callers on the data plane ask this only
   * when {@link #client} did not match (the timing then tells "client token" from "anything else",
   * which the caller knows), and after the admin failure throttle.
   */
  public KeyIdentity admin(String candidate) {
    AdminCredential admin = state.admin();
    return admin != null && admin.matches(candidate) ? fingerprints.of(candidate) : null;
  }

  /**
   * The {@link AdminCredential#id} of the admin credential in force, or null without one: a
   * session made under another credential has ended.
   */
  public String adminCredentialId() {
    return state.adminId();
  }

  /** The token of an {@code Authorization: Bearer <token>} header, or {@code null}. */
  public static String bearer(String authorizationHeader) {
    if (authorizationHeader == null) {
      return null;
    }
    String value = authorizationHeader.strip();
    if (value.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return value.substring(7).strip();
    }
    return null;
  }
}
