package io.geminibalance.auth;

import io.geminibalance.protocol.gemini.TokenUsage;
import io.geminibalance.requestlog.KeyIdentity;

/**
 * Charges tokens ({@code TokenUsage.total()}) to the managed token a client is, found by its stable
 * id (a managed token's log identity is {@link ClientToken#identity}: its id), when it has a token
 * limit. A client that is not such a token costs one map lookup. Used as each answer is logged
 * ({@link ChargingAttemptLog}) and as each Live turn reports its usage.
 */
public final class TokenCharges {
  private final ClientTokenRegistry tokens;
  private final TokenLimiter limiter;

  public TokenCharges(ClientTokenRegistry tokens, TokenLimiter limiter) {
    this.tokens = tokens;
    this.limiter = limiter;
  }

  /** Charges {@code usage} to {@code client} (null: no client) when it is a managed token with a token limit. */
  public void charge(KeyIdentity client, TokenUsage usage) {
    if (client == null || !usage.known() || tokens.all().isEmpty()) {
      return;
    }
    ClientToken token = tokens.byId(client.fingerprint());
    if (token == null || token.limits().tokensPerMinute() == null && token.limits().tokensPerDay() == null) {
      return;
    }
    long total = usage.total();
    if (total > 0) {
      limiter.charge(token, total);
    }
  }
}
