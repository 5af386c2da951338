package io.geminibalance.keypool;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.geminibalance.config.ConfigValues;
import io.geminibalance.config.SettingsCatalog;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * The configured request limits per key and model, with gemini-balance's names and precedence:
 * {@code KEY_RATE_LIMITS} (by the key's last 8 characters) over {@code MODEL_RATE_LIMITS} over
 * {@code DEFAULT_RPM}/{@code DEFAULT_RPD}. A limit of 0 means unlimited.
 *
 * @param byModel base model name to limit
 * @param byKeyLast8 last 8 characters of a key to limit
 */
public record RateLimits(Limit defaults, Map<String, Limit> byModel, Map<String, Limit> byKeyLast8) {

  public static final int DEFAULT_RPM = SettingsCatalog.definition("DEFAULT_RPM").defaultInt();
  public static final int DEFAULT_RPD = SettingsCatalog.definition("DEFAULT_RPD").defaultInt();
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String PAIR_SHAPE = "JSON object {\"%s\": [rpm, rpd]}";

  /** Requests per minute and per day for one key and model; 0 means unlimited. */
  public record Limit(int rpm, int rpd) {
    public static final Limit UNLIMITED = new Limit(0, 0);

    public Limit {
      if (rpm < 0 || rpd < 0) {
        throw new IllegalArgumentException("rate limit: [" + rpm + ", " + rpd + "] (expected: [rpm, rpd] >= 0)");
      }
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

  public static RateLimits defaultsOnly() {
    return new RateLimits(new Limit(DEFAULT_RPM, DEFAULT_RPD), Map.of(), Map.of());
  }

  /** Reads DEFAULT_RPM, DEFAULT_RPD, MODEL_RATE_LIMITS and KEY_RATE_LIMITS; absent means default. */
  public static RateLimits fromEnv(Map<String, String> env) {
    return from(new ConfigValues(env));
  }

  /** @throws IllegalArgumentException or a ConfigException, naming the bad setting */
  public static RateLimits from(ConfigValues v) {
    Limit defaults = new Limit(v.integer("DEFAULT_RPM"), v.integer("DEFAULT_RPD"));
    return new RateLimits(defaults, pairs(v, "MODEL_RATE_LIMITS", "model"),
        pairs(v, "KEY_RATE_LIMITS", "<last 8 chars of key>"));
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
    return byModel.getOrDefault(baseModel, defaults);
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
