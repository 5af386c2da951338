package io.geminibalance.storage;

/**
 * One group of a {@link UsageQuery}: each dimension not grouped by is null.
 *
 * @param bucketStart the bucket's start, epoch milliseconds (UTC-aligned)
 * @param client the client fingerprint, {@code ""} for calls without a client token
 * @param clientMasked the client token's last characters as shown (e.g. {@code ...a1B2}), or null
 * @param keyMasked the upstream key's masked form, or null
 */
public record UsageRow(Long bucketStart, String client, String clientMasked, String model, String key,
    String keyMasked, UsageSums sums) {}
