package io.geminibalance.config;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The configuration in force. The data plane reads {@link #get()} per request (one volatile
 * read); a change is validated before it gets here and is then pushed to every listener, so saved
 * settings apply without a restart.
 */
public final class LiveConfig {
  private volatile GatewayConfig current;
  private final List<Consumer<GatewayConfig>> listeners = new CopyOnWriteArrayList<>();

  public LiveConfig(GatewayConfig initial) {
    this.current = initial;
  }

  public GatewayConfig get() {
    return current;
  }

  /** Registers a listener called after every change (not for the initial value). */
  public void onChange(Consumer<GatewayConfig> listener) {
    listeners.add(listener);
  }

  public synchronized void replace(GatewayConfig next) {
    current = next;
    for (Consumer<GatewayConfig> listener : listeners) {
      listener.accept(next);
    }
  }
}
