package io.geminibalance.auth;

/**
 * The fixed windows of {@link TokenLimits}: the clock minute and the UTC day, numbered from the
 * epoch, and what a refusal says about them.
 */
public final class LimitWindows {
  public static final long MINUTE_MILLIS = 60_000;
  public static final long DAY_MILLIS = 86_400_000;

  private LimitWindows() {}

  public static long minute(long nowMillis) {
    return Math.floorDiv(nowMillis, MINUTE_MILLIS);
  }

  public static long day(long nowMillis) {
    return Math.floorDiv(nowMillis, DAY_MILLIS);
  }

  /** Whole seconds until the window of {@code windowMillis} that holds {@code nowMillis} ends, at least 1. */
  public static long secondsLeft(long nowMillis, long windowMillis) {
    long end = (Math.floorDiv(nowMillis, windowMillis) + 1) * windowMillis;
    return Math.max(1, (end - nowMillis + 999) / 1000);
  }

  /** One of a token's limits, for the message of a refusal. */
  public enum Limit {
    REQUESTS_PER_MINUTE("requests per minute", MINUTE_MILLIS),
    REQUESTS_PER_DAY("requests per day", DAY_MILLIS),
    TOKENS_PER_MINUTE("tokens per minute", MINUTE_MILLIS),
    TOKENS_PER_DAY("tokens per day", DAY_MILLIS),
    CONCURRENT("requests at once", 0);

    private final String text;
    private final long windowMillis;

    Limit(String text, long windowMillis) {
      this.text = text;
      this.windowMillis = windowMillis;
    }

    public long windowMillis() {
      return windowMillis;
    }

    /**
     * The 429 of {@code token} over this limit: "token 'ci-bot' is over its limit of 60 requests per
     * minute", with the instance's share when it counts alone (Redis away).
     *
     * @param share what this instance allows of {@code limit} while it counts alone, or the limit
     */
    public TokenRefusal refusal(ClientToken token, long limit, long share, long retryAfterSeconds) {
      String alone = share == limit ? "" : " (this instance's share while Redis is away: " + share + ")";
      return new TokenRefusal(TokenRefusal.Kind.OVER_LIMIT, "token '" + token.name() + "' is over its limit of "
          + limit + " " + text + alone + "; retry in " + retryAfterSeconds + " s", retryAfterSeconds);
    }
  }
}
