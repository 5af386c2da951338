package io.geminibalance.protocol.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.geminibalance.protocol.gemini.ModelAliases;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The gateway settings the OpenAI translation reads. Immutable; the config layer builds one
 * per settings revision and hands it to the translators.
 *
 * @param safetySettings Gemini {@code safetySettings} array injected into every translated chat
 *     request; an empty array injects nothing
 * @param thinkingModels base models that get a {@code -non-thinking} variant in the model list
 * @param thinkingBudgetMap base model to {@code thinkingBudget}, used when the client sends no
 *     {@code reasoning_effort}
 * @param showThinkingProcess ask for thought summaries and return them as {@code reasoning_content}
 * @param showSearchLink append grounding sources as markdown links to the answer
 * @param searchModels base models allowed with the {@code -search} suffix
 * @param imageModels base models allowed with the {@code -image} suffix
 * @param filteredModels model ids hidden from the model list
 * @param codeExecutionEnabled add the {@code codeExecution} built-in tool
 * @param urlContextEnabled add the {@code urlContext} built-in tool for {@code urlContextModels}
 * @param urlContextModels base models that get {@code urlContext}
 * @param aliases MODEL_ALIASES, applied to {@code model} before anything else reads it
 */
public record TranslationOptions(
    JsonNode safetySettings,
    Set<String> thinkingModels,
    Map<String, Integer> thinkingBudgetMap,
    boolean showThinkingProcess,
    boolean showSearchLink,
    Set<String> searchModels,
    Set<String> imageModels,
    Set<String> filteredModels,
    boolean codeExecutionEnabled,
    boolean urlContextEnabled,
    Set<String> urlContextModels,
    ModelAliases aliases) {

  /** Without MODEL_ALIASES. */
  public TranslationOptions(JsonNode safetySettings, Set<String> thinkingModels,
      Map<String, Integer> thinkingBudgetMap, boolean showThinkingProcess, boolean showSearchLink,
      Set<String> searchModels, Set<String> imageModels, Set<String> filteredModels,
      boolean codeExecutionEnabled, boolean urlContextEnabled, Set<String> urlContextModels) {
    this(safetySettings, thinkingModels, thinkingBudgetMap, showThinkingProcess, showSearchLink, searchModels,
        imageModels, filteredModels, codeExecutionEnabled, urlContextEnabled, urlContextModels, ModelAliases.NONE);
  }

  public TranslationOptions {
    Objects.requireNonNull(safetySettings, "safetySettings");
    if (!safetySettings.isArray()) {
      throw new IllegalArgumentException("safetySettings must be a JSON array");
    }
    safetySettings = safetySettings.deepCopy();
    thinkingModels = Set.copyOf(thinkingModels);
    thinkingBudgetMap = Map.copyOf(thinkingBudgetMap);
    searchModels = Set.copyOf(searchModels);
    imageModels = Set.copyOf(imageModels);
    filteredModels = Set.copyOf(filteredModels);
    urlContextModels = Set.copyOf(urlContextModels);
    Objects.requireNonNull(aliases, "aliases");
  }

  /** A copy: JSON trees are mutable, and one options object is shared by every request. */
  @Override
  public JsonNode safetySettings() {
    return safetySettings.deepCopy();
  }

  /**
   * The options' own tree, not a copy, for the request translator: a deep copy per request showed
   * in the OpenAI route's CPU profile. Translated bodies share it and nothing writes to them
   * ({@link MediaPlaceholders#withFetchedMedia} copies first), so it is never changed.
   */
  public JsonNode sharedSafetySettings() {
    return safetySettings;
  }

  /**
   * The original project's defaults, safety filters off, for the translator's tests: the gateway
   * builds its options from the settings catalogue (relay.OpenAiOptions), and
   * SettingsCatalogDefaultsTest holds the two equal.
   */
  public static TranslationOptions defaults() {
    return new TranslationOptions(
        defaultSafetySettings(),
        Set.of("gemini-2.5-flash", "gemini-2.5-pro"),
        Map.of(),
        true,
        true,
        Set.of("gemini-2.5-flash", "gemini-2.5-pro"),
        Set.of("gemini-2.0-flash-exp", "gemini-2.5-flash-image-preview"),
        Set.of("gemini-1.0-pro-vision-latest", "gemini-pro-vision", "chat-bison-001",
            "text-bison-001", "embedding-gecko-001"),
        false,
        false,
        Set.of("gemini-2.5-pro", "gemini-2.5-flash", "gemini-2.5-flash-lite", "gemini-2.0-flash",
            "gemini-2.0-flash-live-001"));
  }

  /** Every harm category off; civic integrity has no OFF threshold, so BLOCK_NONE. */
  public static ArrayNode defaultSafetySettings() {
    ArrayNode settings = JsonNodeFactory.instance.arrayNode();
    for (String category : List.of("HARASSMENT", "HATE_SPEECH", "SEXUALLY_EXPLICIT", "DANGEROUS_CONTENT")) {
      settings.add(setting("HARM_CATEGORY_" + category, "OFF"));
    }
    settings.add(setting("HARM_CATEGORY_CIVIC_INTEGRITY", "BLOCK_NONE"));
    return settings;
  }

  private static ObjectNode setting(String category, String threshold) {
    return JsonNodeFactory.instance.objectNode().put("category", category).put("threshold", threshold);
  }

  /** A copy with other safety settings (an empty array turns injection off). */
  public TranslationOptions withSafetySettings(JsonNode settings) {
    return new TranslationOptions(settings, thinkingModels, thinkingBudgetMap, showThinkingProcess,
        showSearchLink, searchModels, imageModels, filteredModels, codeExecutionEnabled,
        urlContextEnabled, urlContextModels, aliases);
  }
}
