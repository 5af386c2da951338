package io.geminibalance.keypool;

/**
 * What the enabled keys can serve for one base model, by the configured limits.
 *
 * @param rpm requests per minute over all keys, or -1 when some key is unlimited
 * @param rpd requests per day over all keys, or -1 when some key is unlimited
 */
public record PoolCapacity(String model, int keys, long rpm, long rpd) {
  public static final long UNLIMITED = -1;

  /** For the start-up log, e.g. {@code gemini-2.5-flash: 40 keys, 200 RPM, 4000 RPD}. */
  public String describe() {
    return model + ": " + keys + " keys, " + amount(rpm) + " RPM, " + amount(rpd) + " RPD";
  }

  private static String amount(long value) {
    return value == UNLIMITED ? "unlimited" : Long.toString(value);
  }
}
