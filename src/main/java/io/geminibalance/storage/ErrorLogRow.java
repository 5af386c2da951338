package io.geminibalance.storage;

import java.time.Instant;

/** An error-log row as the admin UI shows it; the key is masked, old full keys included. */
public record ErrorLogRow(
    long id, Instant time, String keyFingerprint, String maskedKey, String model, String errorType,
    Integer statusCode, String message, String requestBody, String requestId) {}
