package io.geminibalance.requestlog;

import java.time.Instant;
import java.util.Objects;

/**
 * One upstream attempt, as stored in {@code t_request_log}.
 *
 * @param model the model name as the client asked for it (with suffixes such as {@code -search})
 * @param statusCode the upstream HTTP status, or null when no response arrived (timeout, reset)
 * @param promptTokens null when unknown (stream cut, error)
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
    Integer promptTokens,
    Integer completionTokens,
    boolean stream,
    int attempt,
    String requestId,
    KeyIdentity client) {

  public RequestLogEntry {
    Objects.requireNonNull(time, "time");
    Objects.requireNonNull(key, "key");
  }
}
