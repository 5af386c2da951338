package io.geminibalance.keypool;

/**
 * One key handed to one upstream attempt for one model. Must be released exactly once through
 * {@link KeyPool#release(KeyLease, KeyOutcome)}.
 *
 * @param key the key to send
 * @param model the base model the attempt counts against (virtual suffixes already stripped)
 * @param acquiredAtMillis when the lease was granted, from the pool's clock
 */
public record KeyLease(ApiKey key, String model, long acquiredAtMillis) {}
