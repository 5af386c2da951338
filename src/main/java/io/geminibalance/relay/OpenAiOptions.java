package io.geminibalance.relay;

import com.fasterxml.jackson.databind.JsonNode;
import io.geminibalance.config.ConfigValues;
import io.geminibalance.config.ConfigException;
import io.geminibalance.config.GatewayConfig;
import io.geminibalance.protocol.gemini.ModelAliases;
import io.geminibalance.protocol.gemini.ModelIdSyntax;
import io.geminibalance.protocol.openai.AudioOptions;
import io.geminibalance.protocol.openai.SpeechTranslator;
import io.geminibalance.protocol.openai.TranslationOptions;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
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
        new HashSet<>(v.list("URL_CONTEXT_MODELS")),
        aliases(config));
  }

  /**
   * MODEL_ALIASES in force; {@link ModelAliases#NONE} when empty, so that surfaces pay nothing for it.
   *
   * @throws ConfigException naming MODEL_ALIASES when an alias or target is not a well-formed model id
   */
  public static ModelAliases aliases(GatewayConfig config) {
    JsonNode map = config.values().jsonObject("MODEL_ALIASES");
    if (map == null || map.isEmpty()) {
      return ModelAliases.NONE;
    }
    Map<String, String> pairs = new LinkedHashMap<>();
    map.properties().forEach(e -> {
      if (!e.getValue().isTextual()) {
        throw new ConfigException("MODEL_ALIASES", map.toString(),
            "a JSON object of alias to model id, e.g. {\"fast\": \"gemini-2.5-flash\"}");
      }
      pairs.put(e.getKey(), e.getValue().asText());
    });
    try {
      return ModelAliases.of(pairs);
    } catch (IllegalArgumentException e) {
      throw new ConfigException("MODEL_ALIASES", "MODEL_ALIASES: " + e.getMessage());
    }
  }

  /**
   * The audio settings (TTS_MODEL, TTS_VOICE_NAME, TTS_SPEED, TRANSCRIPTION_MODEL) with MODEL_ALIASES.
   *
   * @throws ConfigException naming the first bad setting
   */
  public static AudioOptions audio(GatewayConfig config) {
    ConfigValues v = config.values();
    String voice = v.string("TTS_VOICE_NAME").strip();
    String canonical = SpeechTranslator.GEMINI_VOICES.stream().filter(name -> name.equalsIgnoreCase(voice))
        .findFirst().orElseThrow(() -> new ConfigException("TTS_VOICE_NAME", voice,
            "one of Gemini's voices: " + String.join(", ", SpeechTranslator.GEMINI_VOICES)));
    return new AudioOptions(model(v, "TTS_MODEL"), canonical, v.choice("TTS_SPEED"),
        model(v, "TRANSCRIPTION_MODEL"), aliases(config));
  }

  private static String model(ConfigValues v, String name) {
    String model = v.string(name).strip();
    String id = model.startsWith("models/") ? model.substring("models/".length()) : model;
    String problem = ModelIdSyntax.problem(id);
    if (problem != null) {
      throw new ConfigException(name, name + ": not a model id: " + problem);
    }
    return id;
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
