package io.geminibalance.testing;

import io.geminibalance.auth.ClientProtocol;
import io.geminibalance.auth.ClientToken;
import io.geminibalance.auth.TokenLimits;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/** Managed client tokens registered straight into a test gateway's registry (the admin API is another's). */
public final class ManagedTokens {
  private ManagedTokens() {}

  /**
   * Registers one enabled, unexpired token named {@code name} whose value is {@code value}, in
   * place of every other managed token, and returns it.
   */
  public static ClientToken use(GatewayHarness h, String id, String name, String value, List<String> models,
      Set<ClientProtocol> protocols, TokenLimits limits) {
    Instant now = Instant.now();
    ClientToken token = new ClientToken(id, name, h.gateway.persistence().storage().tokenFingerprints().hash(value),
        value.substring(value.length() - 4), models, protocols, limits, null, List.of(), true, null, now, now);
    h.gateway.clientTokens().replace(List.of(token));
    return token;
  }

  /**
   * Waits for the next clock minute when the current one ends within a few seconds, so that a test
   * counting requests per minute does not see its window end half-way.
   */
  public static void awayFromMinuteEnd() {
    long left = 60_000 - System.currentTimeMillis() % 60_000;
    if (left < 5_000) {
      try {
        Thread.sleep(left + 50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
