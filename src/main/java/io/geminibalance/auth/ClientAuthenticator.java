package io.geminibalance.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Collection;
import java.util.List;

/**
 * Decides whether a client credential may use the data plane. Compares in constant time against
 * every configured token, so neither a token's length nor its position leaks through timing.
 */
public final class ClientAuthenticator {
  private volatile List<byte[]> tokens;

  public ClientAuthenticator(Collection<String> tokens) {
    update(tokens);
  }

  /** Replaces the accepted tokens (live settings). */
  public void update(Collection<String> newTokens) {
    this.tokens = newTokens.stream().map(t -> t.getBytes(StandardCharsets.UTF_8)).toList();
  }

  public boolean accepts(String candidate) {
    if (candidate == null || candidate.isEmpty()) {
      return false;
    }
    byte[] given = candidate.getBytes(StandardCharsets.UTF_8);
    boolean match = false;
    for (byte[] token : tokens) {
      match |= MessageDigest.isEqual(token, given);
    }
    return match;
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
