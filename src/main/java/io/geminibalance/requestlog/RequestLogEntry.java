package io.geminibalance.requestlog;

import io.geminibalance.protocol.gemini.TokenUsage;
import java.time.Instant;
import java.util.Objects;

/**
 * One upstream attempt, as stored in {@code t_request_log}.
 *
 * @param model the model name as the client asked for it (with suffixes such as {@code -search})
 * @param statusCode the upstream HTTP status, or null when no response arrived (timeout, reset)
 * @param usage the tokens the answer used, {@link TokenUsage#NONE} when unknown (error, no usage read)
 * @param abandoned the client left before the answer's end
 * @param attempt 1 for the first try of a request, 2 for the first retry, ...
 * @param client the client token that made the request, or null when unauthenticated
 */
public record RequestLogEntry(
    Instant time,
    String model,
    KeyIdentity key,
    boolean success,
    Integer statusCode,
    long latencyMs,
    TokenUsage usage,
    boolean abandoned,
    boolean stream,
    int attempt,
    String requestId,
    KeyIdentity client) {

  public RequestLogEntry {
    Objects.requireNonNull(time, "time");
    Objects.requireNonNull(key, "key");
    usage = usage == null ? TokenUsage.NONE : usage;
  }

  /** A row with only prompt and completion counts known (completion taken as output), not abandoned. */
  public RequestLogEntry(Instant time, String model, KeyIdentity key, boolean success, Integer statusCode,
      long latencyMs, Integer promptTokens, Integer completionTokens, boolean stream, int attempt, String requestId,
      KeyIdentity client) {
    this(time, model, key, success, statusCode, latencyMs,
        new TokenUsage(promptTokens, null, completionTokens, null, null, null), false, stream, attempt, requestId,
        client);
  }

  /** Input tokens as billed (see {@link TokenUsage#prompt}), null when unknown. */
  public Integer promptTokens() {
    return usage.prompt();
  }

  /** Output and thinking tokens, null when unknown. */
  public Integer completionTokens() {
    return usage.completion();
  }
}
