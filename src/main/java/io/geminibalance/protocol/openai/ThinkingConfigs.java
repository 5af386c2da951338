package io.geminibalance.protocol.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Optional;

/**
 * Chooses {@code generationConfig.thinkingConfig} (PROTOCOL §6.1). The per-family budgets and
 * levels are public: the Anthropic surface maps its {@code thinking} onto the same ones.
 *
 * <p>Precedence: the {@code -non-thinking} suffix (the client picked that model on purpose),
 * then {@code reasoning_effort}, then the configured THINKING_BUDGET_MAP. Gemini 2.5 gets a
 * {@code thinkingBudget}, Gemini 3 a {@code thinkingLevel}, never both (upstream 400s).
 * Other families get no budget from {@code reasoning_effort}, since they do not think.
 */
public final class ThinkingConfigs {

  private static final int PRO_MINIMUM_BUDGET = 128;

  private ThinkingConfigs() {}

  static Optional<ObjectNode> choose(ModelName model, JsonNode request, TranslationOptions options) {
    return choose(model, Json.optString(request, "reasoning_effort", "reasoning_effort"), "reasoning_effort",
        options.showThinkingProcess(), options);
  }

  /**
   * The thinking config for an {@code effort} the client named in {@code effortParam};
   * {@code showThoughts} asks for thought summaries (when the model thinks at all).
   */
  public static Optional<ObjectNode> choose(ModelName model, Optional<String> effort, String effortParam,
      boolean showThoughts, TranslationOptions options) {
    ObjectNode config = Json.object();
    String base = model.base();
    if (model.nonThinking()) {
      setEffort(config, base, "none");
    } else if (effort.isPresent()) {
      validateEffort(effort.get(), effortParam);
      setEffort(config, base, effort.get());
    } else if (options.thinkingBudgetMap().containsKey(base)) {
      config.put("thinkingBudget", options.thinkingBudgetMap().get(base));
    }
    if (showThoughts && thinkingOn(config, model, options)) {
      config.put("includeThoughts", true);
    }
    return config.isEmpty() ? Optional.empty() : Optional.of(config);
  }

  private static void validateEffort(String effort, String param) {
    switch (effort) {
      case "none", "minimal", "low", "medium", "high", "xhigh", "max" -> { }
      default -> throw new TranslationException(param,
          param + " must be one of none, minimal, low, medium, high, xhigh, max");
    }
  }

  private static void setEffort(ObjectNode config, String base, String effort) {
    if (isGemini3(base)) {
      config.put("thinkingLevel", level(base, effort));
    } else if (isGemini25(base)) {
      config.put("thinkingBudget", budget(base, effort));
    } else if (effort.equals("none")) {
      config.put("thinkingBudget", 0);
    }
  }

  /** Gemini 2.5 budgets; low/medium/high follow Google's own OpenAI layer (1K, 8K, 24K). */
  public static int budget(String base, String effort) {
    boolean pro = base.contains("-pro");
    return switch (effort) {
      case "none" -> pro ? PRO_MINIMUM_BUDGET : 0;
      case "minimal" -> 512;
      case "low" -> 1024;
      case "medium" -> 8192;
      case "high" -> 24576;
      default -> pro ? 32768 : 24576;
    };
  }

  /** Gemini 3 levels; Flash accepts MINIMAL and MEDIUM, Pro only LOW and HIGH. */
  public static String level(String base, String effort) {
    boolean flash = base.contains("flash");
    return switch (effort) {
      case "none", "minimal" -> flash ? "MINIMAL" : "LOW";
      case "low" -> "LOW";
      case "medium" -> flash ? "MEDIUM" : "HIGH";
      default -> "HIGH";
    };
  }

  private static boolean thinkingOn(ObjectNode config, ModelName model, TranslationOptions options) {
    if (config.has("thinkingBudget")) {
      return config.get("thinkingBudget").intValue() != 0;
    }
    if (config.has("thinkingLevel")) {
      return true;
    }
    return options.thinkingModels().contains(model.base()) || thinksByDefault(model);
  }

  // Image and speech variants of these families reject thinkingConfig.
  private static boolean thinksByDefault(ModelName model) {
    String base = model.base();
    boolean family = isGemini25(base) || isGemini3(base);
    return family && !model.image() && !base.contains("image") && !base.contains("tts");
  }

  public static boolean isGemini25(String base) {
    return base.startsWith("gemini-2.5");
  }

  public static boolean isGemini3(String base) {
    return base.startsWith("gemini-3");
  }
}
