package io.geminibalance.streaming;

import io.geminibalance.config.ConfigValues;
import io.geminibalance.config.PerConfig;
import java.util.function.Supplier;

/**
 * How streamed answers are shaped for the client, read from the settings in force: fake
 * streaming (FAKE_STREAM_ENABLED, FAKE_STREAM_EMPTY_DATA_INTERVAL_SECONDS) and the stream
 * optimizer (STREAM_OPTIMIZER_ENABLED and its five numbers). All apply to the next request after a
 * save, the optimizer's numbers too (gemini-balance read those once at start).
 */
public record StreamOptions(boolean fakeStream, long heartbeatMillis, Optimizer optimizer) {

  /**
   * The stream optimizer's parameters.
   *
   * @param minDelayMicros pause between pieces of a long text
   * @param maxDelayMicros pause between pieces of a short text
   * @param shortText a text of at most this many characters is short
   * @param longText a text of at least this many characters is long, sent {@code chunkSize} at a time
   * @param chunkSize characters per piece of a long text (shorter texts go a character at a time)
   */
  public record Optimizer(boolean enabled, long minDelayMicros, long maxDelayMicros, int shortText, int longText,
      int chunkSize) {}

  public static StreamOptions from(ConfigValues v) {
    return new StreamOptions(v.bool("FAKE_STREAM_ENABLED"),
        v.integer("FAKE_STREAM_EMPTY_DATA_INTERVAL_SECONDS") * 1000L,
        new Optimizer(v.bool("STREAM_OPTIMIZER_ENABLED"),
            Math.round(v.decimal("STREAM_MIN_DELAY") * 1_000_000),
            Math.round(v.decimal("STREAM_MAX_DELAY") * 1_000_000),
            v.integer("STREAM_SHORT_TEXT_THRESHOLD"), v.integer("STREAM_LONG_TEXT_THRESHOLD"),
            v.integer("STREAM_CHUNK_SIZE")));
  }

  /**
   * The options of the settings {@code values} supplies, read again only when that object changes
   * (a save makes a new one), not per request.
   */
  public static Supplier<StreamOptions> live(Supplier<ConfigValues> values) {
    return PerConfig.cached(values, StreamOptions::from);
  }
}
