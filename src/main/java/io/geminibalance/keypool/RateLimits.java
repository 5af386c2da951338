package io.geminibalance.keypool;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.geminibalance.config.ConfigException;
import io.geminibalance.config.ConfigValues;
import io.geminibalance.config.SettingsCatalog;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * The request limits per key and model, with gemini-balance's names and precedence:
 * {@code KEY_RATE_LIMITS} (by the key's last 8 characters) over {@code MODEL_RATE_LIMITS} over
 * {@code DEFAULT_RPM}/{@code DEFAULT_RPD}. A limit of 0 means unlimited.
 *
 * <p>{@code DEFAULT_RPM} and {@code DEFAULT_RPD} may be {@code auto} (the default): each model
 * then starts from Google's published free-tier row ({@link FreeTierLimits}). The per-minute row
 * is trusted without a probe, and a key may go beyond it up to {@link #AUTO_CEILING_RPM} one
 * probe at a time, so a key of a paid tier (or a model more generous than the table) is raised to
 * what Google accepts at the cost of at most one 429. The per-day row is shown, not enforced: a
 * day cannot be probed without spending it, so a key stops for the day when Google says so (a
 * per-day 429 parks it until the Pacific midnight).
 *
 * @param defaults DEFAULT_RPM / DEFAULT_RPD where they are numbers (ignored where auto)
 * @param byModel base model name to limit
 * @param byKeyLast8 last 8 characters of a key to limit
 * @param autoRpm DEFAULT_RPM is auto
 * @param autoRpd DEFAULT_RPD is auto
 */
public record RateLimits(Limit defaults, Map<String, Limit> byModel, Map<String, Limit> byKeyLast8,
    boolean autoRpm, boolean autoRpd) {

  /** The value of DEFAULT_RPM / DEFAULT_RPD that asks for {@link FreeTierLimits}. */
  public static final String AUTO = "auto";
  /**
   * How far an auto per-minute limit may be raised by probing: beyond every tier Google
   * publishes, so only Google's own 429 (or its stated quota value) bounds a key.
   */
  public static final int AUTO_CEILING_RPM = 1_000_000;
  private static final int MAX_NUMBER = 1_000_000_000;
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String PAIR_SHAPE = "JSON object {\"%s\": [rpm, rpd]}";

  /**
   * Requests per minute and per day for one key and model; 0 means unlimited.
   *
   * @param rpm the most a key may send in a minute (with auto limits: {@link #AUTO_CEILING_RPM})
   * @param rpd the most a key may send in a day, enforced by the gateway (0 with auto limits)
   * @param trustedRpm with an auto per-minute limit, the table's figure: requests up to it need
   *     no probe; 0 when the limit is a configured number
   * @param tableRpd with an auto per-day limit, the table's figure (shown, not enforced); else 0
   */
  public record Limit(int rpm, int rpd, int trustedRpm, int tableRpd) {
    public static final Limit UNLIMITED = new Limit(0, 0);

    public Limit {
      if (rpm < 0 || rpd < 0 || trustedRpm < 0 || tableRpd < 0) {
        throw new IllegalArgumentException("rate limit: [" + rpm + ", " + rpd + "] (expected: [rpm, rpd] >= 0)");
      }
    }

    /** A configured limit. */
    public Limit(int rpm, int rpd) {
      this(rpm, rpd, 0, 0);
    }

    /** The per-minute limit starts from the free-tier table and is raised by probing. */
    public boolean autoRpm() {
      return trustedRpm > 0;
    }

    /** The per-day figure comes from the free-tier table. */
    public boolean autoRpd() {
      return tableRpd > 0;
    }

    /** The per-minute limit to plan with (capacity, display): the table's figure when auto. */
    public int nominalRpm() {
      return autoRpm() ? trustedRpm : rpm;
    }

    /** The per-day limit to plan with (capacity, display): the table's figure when auto. */
    public int nominalRpd() {
      return autoRpd() ? tableRpd : rpd;
    }

    public boolean rpmUnlimited() {
      return rpm == 0;
    }

    public boolean rpdUnlimited() {
      return rpd == 0;
    }
  }

  public RateLimits {
    byModel = normaliseModels(byModel);
    byKeyLast8 = Map.copyOf(byKeyLast8);
  }

  /** Configured numbers only, no auto limit. */
  public RateLimits(Limit defaults, Map<String, Limit> byModel, Map<String, Limit> byKeyLast8) {
    this(defaults, byModel, byKeyLast8, false, false);
  }

  /** Reads DEFAULT_RPM, DEFAULT_RPD, MODEL_RATE_LIMITS and KEY_RATE_LIMITS; absent means default. */
  public static RateLimits fromEnv(Map<String, String> env) {
    return from(new ConfigValues(env));
  }

  /** @throws IllegalArgumentException or a ConfigException, naming the bad setting */
  public static RateLimits from(ConfigValues v) {
    int rpm = autoOrNumber(v, "DEFAULT_RPM");
    int rpd = autoOrNumber(v, "DEFAULT_RPD");
    Limit defaults = new Limit(Math.max(rpm, 0), Math.max(rpd, 0));
    return new RateLimits(defaults, pairs(v, "MODEL_RATE_LIMITS", "model"),
        pairs(v, "KEY_RATE_LIMITS", "<last 8 chars of key>"), rpm < 0, rpd < 0);
  }

  /** The setting as a whole number, or -1 for {@link #AUTO}. */
  private static int autoOrNumber(ConfigValues v, String name) {
    String value = v.string(name);
    if (value == null || value.equalsIgnoreCase(AUTO)) {
      return -1;
    }
    try {
      // gemini-balance writes some numbers as floats ("3.0"); accept whole floats.
      double parsed = Double.parseDouble(value);
      if (parsed == Math.rint(parsed) && parsed >= 0 && parsed <= MAX_NUMBER) {
        return (int) parsed;
      }
    } catch (NumberFormatException e) {
      // answered below
    }
    throw new ConfigException(name, value, AUTO + " or a whole number from 0 to " + MAX_NUMBER);
  }

  /**
   * A bucket for calls no generation quota covers (model lists): never limited by the gateway.
   */
  public static final String UNMETERED = "(unmetered)";

  /** The limit for this key and base model, by precedence key > model > default. */
  public Limit limitFor(ApiKey key, String baseModel) {
    if (UNMETERED.equals(baseModel)) {
      return Limit.UNLIMITED;
    }
    Limit byKey = byKeyLast8.get(key.last8());
    if (byKey != null) {
      return byKey;
    }
    Limit configured = byModel.get(baseModel);
    return configured != null ? configured : byDefault(baseModel);
  }

  /** What DEFAULT_RPM / DEFAULT_RPD give a model without a limit of its own. */
  public Limit byDefault(String baseModel) {
    if (!autoRpm && !autoRpd) {
      return defaults;
    }
    FreeTierLimits.Row row = FreeTierLimits.of(baseModel);
    return new Limit(autoRpm ? AUTO_CEILING_RPM : defaults.rpm(), autoRpd ? 0 : defaults.rpd(),
        autoRpm ? row.rpm() : 0, autoRpd ? row.rpd() : 0);
  }

  private static Map<String, Limit> normaliseModels(Map<String, Limit> models) {
    Map<String, Limit> normalised = new HashMap<>();
    models.forEach((model, limit) -> normalised.put(ModelNames.base(model), limit));
    return Map.copyOf(normalised);
  }

  private static Map<String, Limit> pairs(ConfigValues v, String name, String keyName) {
    SettingsCatalog.definition(name);
    String raw = v.get(name);
    if (raw == null) {
      return Map.of();
    }
    IllegalArgumentException invalid = new IllegalArgumentException(
        name + ": '" + raw + "' (expected: " + PAIR_SHAPE.formatted(keyName) + ")");
    JsonNode root;
    try {
      root = JSON.readTree(raw);
    } catch (JsonProcessingException e) {
      throw invalid;
    }
    if (root == null || !root.isObject()) {
      throw invalid;
    }
    Map<String, Limit> limits = new HashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> entry = it.next();
      limits.put(entry.getKey(), pair(entry.getValue(), invalid));
    }
    return limits;
  }

  private static Limit pair(JsonNode node, IllegalArgumentException invalid) {
    boolean wellFormed = node.isArray() && node.size() == 2
        && node.get(0).canConvertToInt() && node.get(1).canConvertToInt()
        && node.get(0).isIntegralNumber() && node.get(1).isIntegralNumber()
        && node.get(0).asInt() >= 0 && node.get(1).asInt() >= 0;
    if (!wellFormed) {
      throw invalid;
    }
    return new Limit(node.get(0).asInt(), node.get(1).asInt());
  }
}
