package io.geminibalance.keypool;

import io.geminibalance.keypool.QuotaSnapshot.KeyModelRow;
import java.util.List;

/**
 * One key as the admin's key list shows it: its whole-key state and one row per model the pool
 * keeps quota state for ({@link QuotaSnapshot.KeyModelRow}). Holds the {@link ApiKey} itself so
 * the admin API can search it; it leaves the server masked.
 *
 * @param lastError the last problem the key caused since the gateway started ("model: reason"), or null
 * @param lastErrorAtMillis when, 0 if never
 */
public record KeyDetail(ApiKey key, boolean disabled, String disabledReason, int failures, String lastError,
    long lastErrorAtMillis, List<KeyModelRow> models) {}
