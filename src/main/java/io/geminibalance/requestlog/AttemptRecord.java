package io.geminibalance.requestlog;

/**
 * One upstream attempt, as the request log stores it. Never holds a full key or token.
 *
 * @param errorMessage the upstream error text (secrets already redacted), or {@code null}
 * @param requestBody the request body for the error log, or {@code null} when not recorded
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
    String requestBody) {}
