package io.geminibalance.keypool;

import io.geminibalance.config.ConfigValues;
import io.geminibalance.config.SettingsCatalog;
import java.time.Duration;
import java.util.Map;

/**
 * The pool's tunables. The durations are the gateway's reaction to Google's answers; only the
 * limits and MAX_FAILURES are operator settings.
 *
 * @param limits requests per key and model
 * @param maxFailures failures in a row with a key reason the classifier does not know before the
 *     key is disabled (known key reasons disable at once; the request's own errors never count)
 * @param cooldownCap the longest per-minute cooldown honoured before re-probing
 * @param shortCooldown the cooldown after a 429 that carries no usable details
 * @param minuteCooldown the cooldown after a per-minute 429 without RetryInfo
 * @param throttleBackoff how long a model pauses when many keys are refused at once
 * @param maxModels models with quota state of their own (MAX_MODELS); see {@link QuotaKeyPool}
 * @param projects the keys that share one project's quota (KEY_PROJECTS)
 */
public record QuotaPolicy(RateLimits limits, int maxFailures, Duration cooldownCap,
    Duration shortCooldown, Duration minuteCooldown, Duration throttleBackoff, int maxModels,
    KeyProjects projects) {

  public static final int DEFAULT_MAX_FAILURES = SettingsCatalog.definition("MAX_FAILURES").defaultInt();
  private static final SettingsCatalog.Definition MAX_MODELS = SettingsCatalog.definition("MAX_MODELS");
  public static final int DEFAULT_MAX_MODELS = MAX_MODELS.defaultInt();
  private static final int MAX_MODELS_CEILING = MAX_MODELS.range().intMax();

  public QuotaPolicy {
    if (maxFailures < 1) {
      throw new IllegalArgumentException("MAX_FAILURES: " + maxFailures + " (expected: an integer >= 1)");
    }
    if (maxModels < 1 || maxModels > MAX_MODELS_CEILING) {
      throw new IllegalArgumentException("MAX_MODELS: " + maxModels + " (expected: an integer from 1 to "
          + MAX_MODELS_CEILING + ")");
    }
  }

  public static QuotaPolicy of(RateLimits limits) {
    return new QuotaPolicy(limits, DEFAULT_MAX_FAILURES, Duration.ofSeconds(120),
        Duration.ofSeconds(5), Duration.ofSeconds(60), Duration.ofSeconds(5), DEFAULT_MAX_MODELS, KeyProjects.NONE);
  }

  /**
   * Reads the limits (see {@link RateLimits#fromEnv}), MAX_FAILURES, MAX_MODELS and KEY_PROJECTS.
   *
   * @throws io.geminibalance.config.ConfigException naming a bad setting
   */
  public static QuotaPolicy fromEnv(Map<String, String> env) {
    ConfigValues v = new ConfigValues(env);
    return of(RateLimits.from(v)).withMaxFailures(v.integer("MAX_FAILURES")).withMaxModels(v.integer("MAX_MODELS"))
        .withProjects(KeyProjects.from(v));
  }

  public QuotaPolicy withMaxFailures(int value) {
    return new QuotaPolicy(limits, value, cooldownCap, shortCooldown, minuteCooldown, throttleBackoff, maxModels,
        projects);
  }

  public QuotaPolicy withMaxModels(int value) {
    return new QuotaPolicy(limits, maxFailures, cooldownCap, shortCooldown, minuteCooldown, throttleBackoff, value,
        projects);
  }

  public QuotaPolicy withProjects(KeyProjects value) {
    return new QuotaPolicy(limits, maxFailures, cooldownCap, shortCooldown, minuteCooldown, throttleBackoff,
        maxModels, value);
  }
}
