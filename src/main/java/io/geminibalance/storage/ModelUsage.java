package io.geminibalance.storage;

/** Calls and tokens of one model over a window. */
public record ModelUsage(String model, long success, long failure, long promptTokens, long completionTokens) {}
