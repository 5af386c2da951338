package io.geminibalance.requestlog;

import io.geminibalance.protocol.gemini.TokenUsage;

/**
 * One upstream attempt, as the request log stores it. Never holds a full key or token.
 *
 * @param errorMessage the upstream error text (secrets already redacted), or {@code null}
 * @param requestBody the request body for the error log, or {@code null} when not recorded
 * @param usage the tokens the answer used as Google reported them, {@link TokenUsage#NONE} when not
 *     read
 * @param abandoned the answer began (2xx) but the client left before its end: {@code usage} is what
 *     was reported up to then
 */
public record AttemptRecord(
    long timeMillis,
    String requestId,
    String model,
    KeyIdentity key,
    KeyIdentity client,
    int attempt,
    int statusCode,
    boolean success,
    long latencyMillis,
    boolean stream,
    String operation,
    String errorMessage,
    String requestBody,
    TokenUsage usage,
    boolean abandoned) {

  public AttemptRecord {
    usage = usage == null ? TokenUsage.NONE : usage;
  }

  /** The same attempt with the usage read from its answer. */
  public AttemptRecord withUsage(TokenUsage read) {
    return new AttemptRecord(timeMillis, requestId, model, key, client, attempt, statusCode, success, latencyMillis,
        stream, operation, errorMessage, requestBody, read, abandoned);
  }

  /** The same attempt, its answer abandoned by the client after {@code read} was reported. */
  public AttemptRecord abandonedWith(TokenUsage read) {
    return new AttemptRecord(timeMillis, requestId, model, key, client, attempt, statusCode, success, latencyMillis,
        stream, operation, errorMessage, requestBody, read, true);
  }
}
