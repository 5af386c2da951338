package io.geminibalance.storage;

/**
 * Latency of the successful calls of one group (a model, a time bucket or all), in milliseconds,
 * by the nearest-rank method: p95 is the latency that 95 % of the calls did not exceed.
 *
 * @param group the model name, the bucket label or {@code ""} for all calls
 */
public record LatencyPercentiles(String group, long calls, int p50, int p95) {}
