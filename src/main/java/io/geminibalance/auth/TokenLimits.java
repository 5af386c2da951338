package io.geminibalance.auth;

/**
 * A managed token's own limits; null means none. Tokens count prompt and completion (thinking
 * included), charged when an answer ends, so one answer may overshoot a token limit.
 *
 * @param requestsPerMinute requests in one clock minute
 * @param requestsPerDay requests in one day (UTC)
 * @param tokensPerMinute prompt and completion tokens in one clock minute
 * @param tokensPerDay prompt and completion tokens in one day (UTC)
 * @param maxConcurrent requests in progress at once
 */
public record TokenLimits(Long requestsPerMinute, Long requestsPerDay, Long tokensPerMinute, Long tokensPerDay,
    Integer maxConcurrent) {

  public static final TokenLimits NONE = new TokenLimits(null, null, null, null, null);

  public boolean any() {
    return requestsPerMinute != null || requestsPerDay != null || tokensPerMinute != null || tokensPerDay != null
        || maxConcurrent != null;
  }
}
