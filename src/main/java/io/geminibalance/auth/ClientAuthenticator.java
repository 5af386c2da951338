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

  private final TokenFingerprints fingerprints;
  private volatile List<Token> tokens;

  /** @param fingerprints how a token appears in log rows (the installation's HMAC) */
  public ClientAuthenticator(Collection<String> tokens, TokenFingerprints fingerprints) {
    this.fingerprints = fingerprints;
    update(tokens);
  }

  /** Replaces the accepted tokens (live settings). */
  public void update(Collection<String> newTokens) {
    this.tokens = newTokens.stream()
        .filter(t -> !t.isBlank())
        .map(t -> new Token(t.getBytes(StandardCharsets.UTF_8), fingerprints.of(t)))
        .toList();
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
    byte[] given = candidate.getBytes(StandardCharsets.UTF_8);
    KeyIdentity match = null;
    for (Token token : tokens) {
      if (MessageDigest.isEqual(token.bytes(), given)) {
        match = token.identity();
      }
    }
    return match;
  }

  /** True when {@code given} is {@code expected}, compared in constant time (one token, no identity). */
  public static boolean matches(String expected, String given) {
    return expected != null && !expected.isEmpty() && given != null
        && MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8), given.getBytes(StandardCharsets.UTF_8));
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
