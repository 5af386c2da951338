package io.geminibalance.config;

import java.util.function.Function;
import java.util.function.Supplier;

/**
 * A value worked out from the configuration in force, again only when that configuration changes
 * (a save makes a new object), not on every request that reads it.
 */
public final class PerConfig {
  private PerConfig() {}

  /** {@code derive} of what {@code source} supplies, recomputed when that is another object. */
  public static <S, T> Supplier<T> cached(Supplier<S> source, Function<S, T> derive) {
    return new Supplier<>() {
      private volatile Cached<S, T> cached;

      @Override
      public T get() {
        S current = source.get();
        Cached<S, T> c = cached;
        if (c == null || c.source() != current) {
          c = new Cached<>(current, derive.apply(current));
          cached = c;
        }
        return c.value();
      }
    };
  }

  private record Cached<S, T>(S source, T value) {}
}
