package io.geminibalance.relay;

import com.fasterxml.jackson.databind.JsonNode;
import io.geminibalance.config.ConfigValues;
import io.geminibalance.config.GatewayConfig;
import io.geminibalance.protocol.openai.TranslationOptions;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;

/** Builds the translator's options from the settings in force (gemini-balance's names). */
public final class OpenAiOptions {
  private OpenAiOptions() {}

  /** @throws io.geminibalance.config.ConfigException naming a bad setting */
  public static TranslationOptions from(GatewayConfig config) {
    try {
      return build(config);
    } catch (IllegalArgumentException e) {
      throw new io.geminibalance.config.ConfigException("SAFETY_SETTINGS", "SAFETY_SETTINGS: " + e.getMessage());
    }
  }

  private static TranslationOptions build(GatewayConfig config) {
    ConfigValues v = config.values();
    JsonNode safety = v.jsonArray("SAFETY_SETTINGS");
    return new TranslationOptions(
        safety == null ? TranslationOptions.defaultSafetySettings() : safety,
        new HashSet<>(v.list("THINKING_MODELS")),
        budgets(v),
        v.bool("SHOW_THINKING_PROCESS"),
        v.bool("SHOW_SEARCH_LINK"),
        new HashSet<>(v.list("SEARCH_MODELS")),
        new HashSet<>(v.list("IMAGE_MODELS")),
        new HashSet<>(config.filteredModels()),
        v.bool("TOOLS_CODE_EXECUTION_ENABLED"),
        v.bool("URL_CONTEXT_ENABLED"),
        new HashSet<>(v.list("URL_CONTEXT_MODELS")));
  }

  private static Map<String, Integer> budgets(ConfigValues v) {
    JsonNode map = v.jsonObject("THINKING_BUDGET_MAP");
    Map<String, Integer> budgets = new HashMap<>();
    if (map != null) {
      map.properties().forEach(e -> {
        if (e.getValue().isNumber()) {
          budgets.put(e.getKey(), (int) Math.round(e.getValue().asDouble()));
        } else {
          throw new io.geminibalance.config.ConfigException("THINKING_BUDGET_MAP", map.toString(),
              "a JSON object of model to a whole number budget (-1 to 32768)");
        }
      });
    }
    return budgets;
  }
}
