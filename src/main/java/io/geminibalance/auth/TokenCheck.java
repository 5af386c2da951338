package io.geminibalance.auth;

import java.time.Instant;

/**
 * The checks of a managed token that need nothing but the token and where the request came from:
 * revoked, disabled, expired (401, in that order: a revoked token says so even once expired), then
 * the protocol and the client address (403). Limits and the model are checked later, by
 * {@link TokenLimiter} and the upstream executor.
 */
public final class TokenCheck {
  private TokenCheck() {}

  /**
   * @param addressAllowed whether the client address is inside the token's CIDRs (true when it
   *     has none)
   * @return why {@code token} may not go on, or null when it may
   */
  public static TokenRefusal check(ClientToken token, ClientProtocol protocol, Instant now, boolean addressAllowed) {
    TokenRefusal invalid = validity(token, now);
    if (invalid != null) {
      return invalid;
    }
    String named = named(token);
    if (!token.protocols().isEmpty() && !token.protocols().contains(protocol)) {
      return TokenRefusal.of(TokenRefusal.Kind.PROTOCOL, named + " is not allowed to use the " + protocol.label()
          + " API");
    }
    if (!addressAllowed) {
      return TokenRefusal.of(TokenRefusal.Kind.ADDRESS, named + " is not allowed from this client address");
    }
    return null;
  }

  /**
   * Whether {@code token} is still valid at {@code now}: revoked, disabled or expired (401), else
   * null. Admission asks it first; {@link RunningRequests} asks it again of the requests a token
   * already has running, so both stop a token for the same reasons.
   */
  public static TokenRefusal validity(ClientToken token, Instant now) {
    String named = named(token);
    if (token.revokedAt() != null) {
      return TokenRefusal.of(TokenRefusal.Kind.REVOKED, named + " has been revoked");
    }
    if (!token.enabled()) {
      return TokenRefusal.of(TokenRefusal.Kind.DISABLED, named + " is disabled");
    }
    if (token.expiresAt() != null && !now.isBefore(token.expiresAt())) {
      return TokenRefusal.of(TokenRefusal.Kind.EXPIRED, named + " expired at " + token.expiresAt());
    }
    return null;
  }

  private static String named(ClientToken token) {
    return "token '" + token.name() + "'";
  }
}
