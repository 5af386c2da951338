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

  /** The accepted client tokens and the admin credential, replaced together. */
  private record State(List<Token> tokens, AdminCredential admin) {}

  private final TokenFingerprints fingerprints;
  private volatile State state;

  /**
   * @param admin the admin credential in force, or null for none
   * @param fingerprints how a token appears in log and audit rows (the installation's HMAC)
   */
  public ClientAuthenticator(Collection<String> tokens, AdminCredential admin, TokenFingerprints fingerprints) {
    this.fingerprints = fingerprints;
    update(tokens, admin);
  }

  /** Replaces the accepted client tokens (live settings), keeping the admin credential. */
  public void update(Collection<String> newTokens) {
    update(newTokens, state == null ? null : state.admin());
  }

  /**
   * Replaces the accepted client tokens and the admin credential. The admin token is accepted on
   * the data plane as well; when it is AUTH_TOKEN it is usually among {@code newTokens} too.
   */
  public void update(Collection<String> newTokens, AdminCredential admin) {
    this.state = new State(newTokens.stream()
        .filter(t -> !t.isBlank())
        .map(t -> new Token(t.getBytes(StandardCharsets.UTF_8), fingerprints.of(t)))
        .toList(), admin);
  }

  public boolean accepts(String candidate) {
    return identify(candidate) != null;
  }

  /**
   * The log identity of {@code candidate} when it is an accepted token, else {@code null}. Every
   * token is compared, whatever matched, so timing does not tell which one did.
   */
  public KeyIdentity identify(String candidate) {
    if (candidate == null || candidate.isEmpty()) {
      return null;
    }
    State current = state;
    byte[] given = candidate.getBytes(StandardCharsets.UTF_8);
    KeyIdentity match = null;
    for (Token token : current.tokens()) {
      if (MessageDigest.isEqual(token.bytes(), given)) {
        match = token.identity();
      }
    }
    // Hashed only when no client token matched: a client with a valid token pays nothing more.
    // The timing then tells "client token" from "admin token or none", which the caller knows.
    if (match == null && current.admin() != null && current.admin().matches(candidate)) {
      match = fingerprints.of(candidate);
    }
    return match;
  }

  /**
   * The identity of {@code candidate} when it is the admin token in force (the admin API's check),
   * else {@code null}. Client tokens are not enough.
   */
  public KeyIdentity admin(String candidate) {
    AdminCredential admin = state.admin();
    return admin != null && admin.matches(candidate) ? fingerprints.of(candidate) : null;
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
