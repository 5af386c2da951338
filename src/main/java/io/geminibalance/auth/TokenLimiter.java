package io.geminibalance.auth;

import io.vertx.core.Future;

/**
 * A managed token's own limits ({@link TokenLimits}): requests and tokens per clock minute and per
 * UTC day (fixed windows), and requests in progress at once. A request is counted when admitted;
 * tokens are charged when its answer is logged ({@link ChargingAttemptLog}), so the token limits
 * refuse the requests after the one that went over. In one instance: {@link LocalTokenLimiter}; on
 * a shared Redis: {@code cluster/RedisTokenLimiter}. Asked only for tokens with a limit.
 */
public interface TokenLimiter {

  /** Admitted, holding a slot; or refused by one of the token's limits. */
  sealed interface Admission {}

  /** The request goes on; {@code slot} is released once when its response ends or its connection closes. */
  record Admitted(Slot slot) implements Admission {}

  /** Over a limit: answered 429 with the refusal's Retry-After. */
  record OverLimit(TokenRefusal refusal) implements Admission {}

  /** A place among the token's requests in progress; releasing it more than once does nothing. */
  interface Slot {
    Slot NONE = () -> { };

    void release();
  }

  /** Counts one request of {@code token} when all its limits allow it; never fails. */
  Future<Admission> admit(ClientToken token);

  /** Adds {@code tokens} to the token and day windows of {@code token}. */
  void charge(ClientToken token, long tokens);
}
