package io.geminibalance.protocol.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.geminibalance.protocol.gemini.FunctionSchemas;
import io.geminibalance.protocol.gemini.ModelAliases;
import io.geminibalance.protocol.openai.ThinkingConfigs;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * An Anthropic Messages body ({@code POST /v1/messages}, {@code /v1/messages/count_tokens}) to a
 * Gemini {@code GenerateContentRequest}. Pure; the input tree is never changed.
 *
 * <p>{@code metadata}, {@code service_tier}, {@code cache_control} (anywhere) and fields this
 * gateway does not know are accepted and ignored, so clients that send newer fields keep working;
 * a known field of the wrong type or range is a 400 naming it.
 */
public final class MessagesRequestTranslator {
  private final ModelMap models;
  private final ModelAliases aliases;

  public MessagesRequestTranslator(ModelMap models) {
    this(models, ModelAliases.NONE);
  }

  /** @param aliases MODEL_ALIASES, applied to the requested name before ANTHROPIC_MODEL_MAP */
  public MessagesRequestTranslator(ModelMap models, ModelAliases aliases) {
    this.models = models;
    this.aliases = aliases;
  }

  /** A {@code POST /v1/messages} body; {@code max_tokens} is required, as Anthropic has it. */
  public TranslatedMessages messages(JsonNode request) {
    return translate(request, false);
  }

  /**
   * A {@code POST /v1/messages/count_tokens} body, as the generateContent request it counts:
   * {@link #countTokensBody} wraps it for Gemini's countTokens once its media are downloaded.
   */
  public TranslatedMessages countTokens(JsonNode request) {
    return translate(request, true);
  }

  /**
   * Gemini's countTokens body for a translated request: only inside a
   * {@code generateContentRequest} does countTokens take the system instruction and the tools.
   */
  public static ObjectNode countTokensBody(ObjectNode generateContentBody, String upstreamModel) {
    ObjectNode inner = Fields.object().put("model", "models/" + upstreamModel);
    for (String field : List.of("contents", "systemInstruction", "tools", "toolConfig")) {
      if (generateContentBody.has(field)) {
        inner.set(field, generateContentBody.get(field));
      }
    }
    ObjectNode body = Fields.object();
    body.set("generateContentRequest", inner);
    return body;
  }

  private TranslatedMessages translate(JsonNode request, boolean counting) {
    if (request == null || !request.isObject()) {
      throw new AnthropicRequestException(null, "the request body must be a JSON object");
    }
    String requested = Fields.requiredString(request, "model", "model");
    if (requested.isBlank()) {
      throw new AnthropicRequestException("model", "must not be empty");
    }
    String model = models.resolve(aliases.resolve(requested));
    OptionalLong maxTokens = Fields.integer(request, "max_tokens", "max_tokens", 1);
    if (!counting && maxTokens.isEmpty()) {
      throw new AnthropicRequestException("max_tokens", "Field required");
    }
    Conversation.Translated conversation = Conversation.translate(request.get("messages"));
    ObjectNode body = Fields.object();
    body.set("contents", conversation.contents());
    ArrayNode system = systemParts(request.get("system"));
    if (!system.isEmpty()) {
      body.putObject("systemInstruction").set("parts", system);
    }
    Set<String> toolNames = addTools(request, body);
    addToolChoice(request.get("tool_choice"), toolNames, body);
    ObjectNode generation = generationConfig(request, model, maxTokens);
    if (!generation.isEmpty()) {
      body.set("generationConfig", generation);
    }
    Fields.optString(request, "service_tier", "service_tier");
    if (!Fields.absent(request, "metadata") && !request.get("metadata").isObject()) {
      throw new AnthropicRequestException("metadata", "must be an object");
    }
    boolean stream = Fields.bool(request, "stream", "stream");
    return new TranslatedMessages(requested, model, stream && !counting, body, conversation.mediaUrls());
  }

  private static ArrayNode systemParts(JsonNode system) {
    ArrayNode parts = Fields.array();
    if (system == null || system.isNull()) {
      return parts;
    }
    if (system.isTextual()) {
      if (!system.asText().isEmpty()) {
        parts.addObject().put("text", system.asText());
      }
      return parts;
    }
    if (!system.isArray()) {
      throw new AnthropicRequestException("system", "must be a string or an array of text blocks");
    }
    for (int i = 0; i < system.size(); i++) {
      String field = "system[" + i + "]";
      JsonNode block = Fields.element(system, i, field);
      String type = Fields.requiredString(block, "type", field + ".type");
      if (!type.equals("text")) {
        throw new AnthropicRequestException(field + ".type", "must be 'text' in the system prompt, not '" + type + "'");
      }
      String text = Fields.requiredString(block, "text", field + ".text");
      if (!text.isEmpty()) {
        parts.addObject().put("text", text);
      }
    }
    return parts;
  }

  /** Declares the client's tools; returns their names. */
  private static Set<String> addTools(JsonNode request, ObjectNode body) {
    JsonNode tools = Fields.optArray(request, "tools", "tools");
    Set<String> names = new LinkedHashSet<>();
    ArrayNode declarations = Fields.array();
    // One budget for every tool of the request: many schemas cannot add up past what one may inline.
    FunctionSchemas.Budget budget = new FunctionSchemas.Budget();
    for (int i = 0; i < tools.size(); i++) {
      String field = "tools[" + i + "]";
      JsonNode tool = Fields.element(tools, i, field);
      String type = Fields.optString(tool, "type", field + ".type").orElse("custom");
      if (!type.equals("custom")) {
        throw new AnthropicRequestException(field + ".type", "server tool '" + type + "' is not supported by"
            + " this gateway; declare client tools (with an input_schema) only");
      }
      String name = Fields.requiredString(tool, "name", field + ".name");
      if (name.isEmpty()) {
        throw new AnthropicRequestException(field + ".name", "must not be empty");
      }
      if (!names.add(name)) {
        throw new AnthropicRequestException(field + ".name", "tool names must be unique; '" + name
            + "' is declared twice");
      }
      ObjectNode declaration = declarations.addObject().put("name", name);
      Fields.optString(tool, "description", field + ".description")
          .ifPresent(description -> declaration.put("description", description));
      ObjectNode schema = Fields.requiredObject(tool, "input_schema", field + ".input_schema");
      try {
        declaration.set("parametersJsonSchema", FunctionSchemas.forGemini(schema, budget));
      } catch (FunctionSchemas.Invalid e) {
        String at = e.pointer().isEmpty() ? "" : " at " + e.pointer();
        throw new AnthropicRequestException(field + ".input_schema", "schema" + at + ": " + e.getMessage());
      }
    }
    if (!declarations.isEmpty()) {
      body.putArray("tools").addObject().set("functionDeclarations", declarations);
    }
    return names;
  }

  /** {@code disable_parallel_tool_use} has no Gemini counterpart and is ignored. */
  private static void addToolChoice(JsonNode choice, Set<String> toolNames, ObjectNode body) {
    if (choice == null || choice.isNull()) {
      return;
    }
    if (!choice.isObject()) {
      throw new AnthropicRequestException("tool_choice", "must be an object");
    }
    String type = Fields.requiredString(choice, "type", "tool_choice.type");
    Fields.bool(choice, "disable_parallel_tool_use", "tool_choice.disable_parallel_tool_use");
    ObjectNode config = Fields.object();
    switch (type) {
      case "auto" -> config.put("mode", "AUTO");
      case "any" -> config.put("mode", "ANY");
      case "none" -> config.put("mode", "NONE");
      case "tool" -> {
        String name = Fields.requiredString(choice, "name", "tool_choice.name");
        if (!toolNames.contains(name)) {
          throw new AnthropicRequestException("tool_choice.name", "no tool named '" + name + "' in tools");
        }
        config.put("mode", "ANY").putArray("allowedFunctionNames").add(name);
      }
      default -> throw new AnthropicRequestException("tool_choice.type",
          "must be one of auto, any, tool, none, not '" + type + "'");
    }
    if (toolNames.isEmpty()) {
      if (type.equals("any")) {
        throw new AnthropicRequestException("tool_choice", "'any' needs at least one tool in tools");
      }
      return; // nothing to choose from
    }
    body.putObject("toolConfig").set("functionCallingConfig", config);
  }

  private static ObjectNode generationConfig(JsonNode request, String model, OptionalLong maxTokens) {
    ObjectNode config = Fields.object();
    maxTokens.ifPresent(n -> config.put("maxOutputTokens", n));
    Fields.number(request, "temperature", "temperature", 0, 1).ifPresent(t -> config.put("temperature", t));
    Fields.number(request, "top_p", "top_p", 0, 1).ifPresent(p -> config.put("topP", p));
    Fields.integer(request, "top_k", "top_k", 0).ifPresent(k -> config.put("topK", k));
    JsonNode stops = Fields.optArray(request, "stop_sequences", "stop_sequences");
    if (!stops.isEmpty()) {
      ArrayNode sequences = config.putArray("stopSequences");
      for (int i = 0; i < stops.size(); i++) {
        if (!stops.get(i).isTextual()) {
          throw new AnthropicRequestException("stop_sequences[" + i + "]", "must be a string");
        }
        sequences.add(stops.get(i).asText());
      }
    }
    thinkingConfig(request.get("thinking"), model, maxTokens).ifPresent(t -> config.set("thinkingConfig", t));
    return config;
  }

  /**
   * {@code enabled} asks for thoughts with a budget (capped at what the model takes), {@code
   * adaptive} for thoughts at the model's own budget, {@code disabled} for as little thinking as
   * the model allows (2.5 Pro and Gemini 3 cannot stop thinking entirely). No {@code thinking}
   * leaves the model's default, thoughts not shown, as Anthropic's models do.
   */
  private static Optional<ObjectNode> thinkingConfig(JsonNode thinking, String model,
      OptionalLong maxTokens) {
    if (thinking == null || thinking.isNull()) {
      return Optional.empty();
    }
    if (!thinking.isObject()) {
      throw new AnthropicRequestException("thinking", "must be an object");
    }
    String type = Fields.requiredString(thinking, "type", "thinking.type");
    ObjectNode config = Fields.object();
    switch (type) {
      case "enabled" -> {
        long budget = Fields.integer(thinking, "budget_tokens", "thinking.budget_tokens", 1)
            .orElseThrow(() -> new AnthropicRequestException("thinking.budget_tokens", "Field required"));
        if (maxTokens.isPresent() && budget >= maxTokens.getAsLong()) {
          throw new AnthropicRequestException("thinking.budget_tokens", "must be less than max_tokens ("
              + maxTokens.getAsLong() + ")");
        }
        config.put("thinkingBudget", Math.min(budget, ThinkingConfigs.budget(model, "max")));
        config.put("includeThoughts", true);
      }
      case "adaptive" -> config.put("includeThoughts", true);
      case "disabled" -> {
        if (ThinkingConfigs.isGemini3(model)) {
          config.put("thinkingLevel", ThinkingConfigs.level(model, "none"));
        } else if (ThinkingConfigs.isGemini25(model)) {
          config.put("thinkingBudget", ThinkingConfigs.budget(model, "none"));
        } else {
          return Optional.empty(); // a model that does not think
        }
      }
      default -> throw new AnthropicRequestException("thinking.type",
          "must be one of enabled, disabled, adaptive, not '" + type + "'");
    }
    return Optional.of(config);
  }
}
