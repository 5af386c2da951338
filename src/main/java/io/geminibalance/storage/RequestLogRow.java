package io.geminibalance.storage;

import java.time.Instant;

/** A request-log row for the admin call list; {@code key} is masked (old full keys are masked on read). */
public record RequestLogRow(
    long id, Instant time, String model, String keyFingerprint, String maskedKey, boolean success,
    Integer statusCode, Integer latencyMs) {}
