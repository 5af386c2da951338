package io.geminibalance.storage;

import java.time.Instant;

/**
 * A request-log row for the admin call list; the key is masked (old full keys are masked on read).
 * {@code requestId} finds the attempt's error-log rows ({@code ErrorLogStore.findByRequestId});
 * it and {@code attempt} are null on rows gemini-balance wrote.
 */
public record RequestLogRow(
    long id, Instant time, String model, String keyFingerprint, String maskedKey, boolean success,
    Integer statusCode, Integer latencyMs, String requestId, Integer attempt) {}
