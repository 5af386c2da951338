package io.geminibalance.keypool;

/**
 * One key handed to one upstream attempt for one model. Must be released exactly once through
 * {@link KeyPool#release(KeyLease, KeyOutcome)}.
 *
 * @param key the key to send
 * @param model the base model the attempt is for (virtual suffixes already stripped)
 * @param acquiredAtMillis when the lease was granted, from the pool's clock
 * @param lane the lane that granted it: {@code model} itself when the model has quota state of its
 *     own, else a shared lane ({@link QuotaKeyPool#UNLISTED}, {@link QuotaKeyPool#OVERFLOW})
 */
public record KeyLease(ApiKey key, String model, long acquiredAtMillis, String lane) {}
