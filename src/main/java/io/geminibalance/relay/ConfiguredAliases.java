package io.geminibalance.relay;

import io.geminibalance.config.GatewayConfig;
import io.geminibalance.protocol.gemini.ModelAliases;
import java.util.function.Supplier;

/**
 * MODEL_ALIASES of the configuration in force, rebuilt only when the configuration object changes
 * (a saved setting), not per request.
 */
public final class ConfiguredAliases implements Supplier<ModelAliases> {
  private final Supplier<GatewayConfig> config;
  private volatile Built built;

  private record Built(GatewayConfig config, ModelAliases aliases) {}

  public ConfiguredAliases(Supplier<GatewayConfig> config) {
    this.config = config;
  }

  @Override
  public ModelAliases get() {
    GatewayConfig current = config.get();
    Built last = built;
    if (last == null || last.config() != current) {
      last = new Built(current, OpenAiOptions.aliases(current));
      built = last;
    }
    return last.aliases();
  }
}
