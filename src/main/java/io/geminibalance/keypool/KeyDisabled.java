package io.geminibalance.keypool;

/**
 * A key taken out of service, for whoever watches the pool (alerts).
 *
 * @param model the base model the key was disabled for, or null when disabled as a whole
 * @param reason why, in the pool's words (as the admin's key list shows it)
 */
public record KeyDisabled(ApiKey key, String model, String reason) {}
