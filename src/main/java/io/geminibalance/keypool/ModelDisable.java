package io.geminibalance.keypool;

/** A key that has no quota for one model (its tier's limit is 0), for the periodic re-check. */
public record ModelDisable(ApiKey key, String model, String reason) {}
