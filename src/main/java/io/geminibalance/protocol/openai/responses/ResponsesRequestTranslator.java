package io.geminibalance.protocol.openai.responses;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.geminibalance.protocol.openai.Json;
import io.geminibalance.protocol.openai.ModelName;
import io.geminibalance.protocol.openai.ResponseFormats;
import io.geminibalance.protocol.openai.ThinkingConfigs;
import io.geminibalance.protocol.openai.ThoughtSignatureCache;
import io.geminibalance.protocol.gemini.FunctionSchemas;
import io.geminibalance.protocol.openai.ToolTranslator;
import io.geminibalance.protocol.openai.TranslatedPath;
import io.geminibalance.protocol.openai.TranslationException;
import io.geminibalance.protocol.openai.TranslationOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * An OpenAI {@code POST /responses} body to a Gemini {@code GenerateContentRequest}. Pure and
 * thread-safe.
 *
 * <p>{@code instructions} become the system instruction (they are not carried over by
 * {@code previous_response_id}, as at OpenAI). Function tools become function declarations
 * (their schemas through {@code FunctionSchemas}); {@code web_search} and
 * {@code web_search_preview} become Google Search, which Gemini does not combine with functions:
 * when both are declared, the functions win, as on the chat surface. {@code reasoning.effort}
 * chooses the thinking config as {@code reasoning_effort} does for chat; {@code reasoning.summary}
 * asks for thought summaries, answered as reasoning summary items. {@code text.format} gives
 * structured output. {@code parallel_tool_calls}, {@code metadata}, {@code user},
 * {@code truncation}, {@code include}, {@code service_tier} are accepted (Gemini decides on
 * parallel calls and truncation itself); {@code background}, {@code conversation} and
 * {@code prompt} are refused, the gateway keeps no such state.
 */
public final class ResponsesRequestTranslator {

  private static final Set<String> SEARCH_TOOLS = Set.of("web_search", "web_search_preview",
      "web_search_2025_08_26", "web_search_preview_2025_03_11");
  private static final int MAX_METADATA_PAIRS = 16;

  private final TranslationOptions options;
  private final ThoughtSignatureCache cache;

  /** @param cache restores thought signatures by call id; may be null */
  public ResponsesRequestTranslator(TranslationOptions options, ThoughtSignatureCache cache) {
    this.options = options;
    this.cache = cache;
  }

  /**
   * The request's {@code previous_response_id}, checked, before anything else is translated: the
   * relay looks it up before it leases a key.
   */
  public static Optional<String> previousResponseId(JsonNode request) {
    Optional<String> id = Json.optString(request, "previous_response_id", "previous_response_id");
    if (id.isPresent() && !TranslatedPath.RESPONSE_ID.matcher(id.get()).matches()) {
      throw new TranslationException("previous_response_id",
          "'previous_response_id' is not a response id (resp_...)", "invalid_value");
    }
    return id;
  }

  /**
   * @param history the stored conversation's items when continuing one (empty otherwise)
   * @throws TranslationException naming the field at fault
   */
  public TranslatedResponsesRequest translate(JsonNode request, ArrayNode history, long nowMillis) {
    if (request == null || !request.isObject()) {
      throw new TranslationException(null, "the request body must be a JSON object");
    }
    refuseUnsupported(request);
    ModelName model = model(request);
    ArrayNode input = InputItems.normalise(request.get("input"));
    InputItems.Conversation conversation = InputItems.translate(history, input, cache, nowMillis);
    if (conversation.contents().isEmpty()) {
      throw new TranslationException("input", "'input' needs at least one non-empty user or assistant item");
    }
    ObjectNode body = Json.object();
    body.set("contents", conversation.contents());
    List<String> system = new ArrayList<>();
    Json.optString(request, "instructions", "instructions").filter(s -> !s.isEmpty()).ifPresent(system::add);
    system.addAll(conversation.systemTexts());
    if (!model.image() && !system.isEmpty()) {
      ArrayNode parts = body.putObject("systemInstruction").putArray("parts");
      system.forEach(text -> parts.addObject().put("text", text));
    }
    tools(request, model, body);
    ObjectNode generationConfig = generationConfig(request, model);
    if (!generationConfig.isEmpty()) {
      body.set("generationConfig", generationConfig);
    }
    JsonNode safety = options.sharedSafetySettings();
    if (!safety.isEmpty()) {
      body.set("safetySettings", safety);
    }
    boolean stream = Json.optBoolean(request, "stream", "stream");
    boolean store = Json.isMissing(request, "store") || Json.optBoolean(request, "store", "store");
    return new TranslatedResponsesRequest(model, stream, store, body, conversation.mediaUrls(), input,
        echo(request, store));
  }

  private static void refuseUnsupported(JsonNode request) {
    if (Json.optBoolean(request, "background", "background")) {
      throw new TranslationException("background", "background responses are not supported by this gateway");
    }
    for (String field : List.of("conversation", "prompt")) {
      if (!Json.isMissing(request, field)) {
        throw new TranslationException(field, "'" + field + "' is not supported by this gateway;"
            + " send the input items (or previous_response_id)");
      }
    }
    Json.optString(request, "truncation", "truncation").ifPresent(t -> {
      if (!t.equals("auto") && !t.equals("disabled")) {
        throw new TranslationException("truncation", "'truncation' must be 'auto' or 'disabled'");
      }
    });
    Json.optString(request, "user", "user");
    Json.optBoolean(request, "parallel_tool_calls", "parallel_tool_calls");
    JsonNode metadata = request.get("metadata");
    if (metadata != null && !metadata.isNull()) {
      if (!metadata.isObject() || metadata.size() > MAX_METADATA_PAIRS) {
        throw new TranslationException("metadata", "'metadata' must be an object of at most 16 string values");
      }
      metadata.properties().forEach(e -> {
        if (!e.getValue().isTextual()) {
          throw new TranslationException("metadata." + e.getKey(), "metadata values must be strings");
        }
      });
    }
  }

  private ModelName model(JsonNode request) {
    String requested = ModelName.requiredIn(request);
    ModelName model = ModelName.parse(requested, options.imageModels(), options.aliases());
    if (model.search() && !options.searchModels().contains(model.base())) {
      throw new TranslationException("model", "Model " + requested + " is not supported");
    }
    return model;
  }

  private void tools(JsonNode request, ModelName model, ObjectNode body) {
    List<ObjectNode> declarations = new ArrayList<>();
    FunctionSchemas.Budget budget = new FunctionSchemas.Budget();
    boolean search = model.search();
    JsonNode tools = request.get("tools");
    if (tools != null && !tools.isNull()) {
      if (!tools.isArray()) {
        throw new TranslationException("tools", "'tools' must be an array");
      }
      for (int i = 0; i < tools.size(); i++) {
        String param = "tools[" + i + "]";
        JsonNode tool = tools.get(i);
        if (!tool.isObject()) {
          throw new TranslationException(param, "each tool must be an object");
        }
        String type = Json.optString(tool, "type", param + ".type")
            .orElseThrow(() -> new TranslationException(param + ".type", "tool needs a 'type'"));
        if (type.equals("function")) {
          declarations.add(ToolTranslator.declaration(tool, param, budget));
        } else if (SEARCH_TOOLS.contains(type)) {
          search = true;
        } else {
          throw new TranslationException(param + ".type", "unsupported tool type '" + type
              + "'; this gateway serves 'function' and 'web_search' tools");
        }
      }
    }
    ArrayNode geminiTools = Json.array();
    if (!declarations.isEmpty()) {
      geminiTools.addObject().putArray("functionDeclarations").addAll(declarations);
      toolConfig(request).ifPresent(config -> body.set("toolConfig", config));
    } else {
      if (search) {
        geminiTools.addObject().putObject("googleSearch");
      }
      toolConfig(request); // checked even when there is nothing to choose from
    }
    if (!geminiTools.isEmpty()) {
      body.set("tools", geminiTools);
    }
  }

  // Responses' allowed_tools holds mode and tools itself; hosted tool choices leave Gemini to decide.
  private static Optional<ObjectNode> toolConfig(JsonNode request) {
    if (Json.isMissing(request, "tool_choice")) {
      return Optional.empty();
    }
    JsonNode choice = request.get("tool_choice");
    if (choice.isObject()) {
      String type = Json.optString(choice, "type", "tool_choice.type")
          .orElseThrow(() -> new TranslationException("tool_choice.type", "tool_choice needs a 'type'"));
      if (type.equals("allowed_tools")) {
        ObjectNode chat = Json.object().put("type", "allowed_tools");
        chat.set("allowed_tools", choice);
        return Optional.of(ToolTranslator.config(chat, "tool_choice"));
      }
      if (SEARCH_TOOLS.contains(type)) {
        return Optional.of(ToolTranslator.config(Json.object().textNode("auto"), "tool_choice"));
      }
    }
    return Optional.of(ToolTranslator.config(choice, "tool_choice"));
  }

  private ObjectNode generationConfig(JsonNode request, ModelName model) {
    ObjectNode config = Json.object();
    Json.optNumber(request, "temperature", "temperature").ifPresent(v -> config.set("temperature", v.deepCopy()));
    Json.optNumber(request, "top_p", "top_p").ifPresent(v -> config.set("topP", v.deepCopy()));
    Json.optInt(request, "max_output_tokens", "max_output_tokens").ifPresent(tokens -> {
      if (tokens < 1) {
        throw new TranslationException("max_output_tokens", "'max_output_tokens' must be at least 1");
      }
      config.put("maxOutputTokens", tokens);
    });
    JsonNode text = request.get("text");
    if (text != null && !text.isNull()) {
      if (!text.isObject()) {
        throw new TranslationException("text", "'text' must be an object");
      }
      if (!Json.isMissing(text, "format")) {
        ResponseFormats.apply(text.get("format"), "text.format", null, config);
      }
    }
    if (model.image()) {
      config.putArray("responseModalities").add("TEXT").add("IMAGE");
    }
    JsonNode reasoning = request.path("reasoning");
    if (!reasoning.isMissingNode() && !reasoning.isNull() && !reasoning.isObject()) {
      throw new TranslationException("reasoning", "'reasoning' must be an object");
    }
    Optional<String> effort = Json.optString(reasoning, "effort", "reasoning.effort");
    boolean summaries = summaryRequested(reasoning);
    ThinkingConfigs.choose(model, effort, "reasoning.effort", summaries, options)
        .ifPresent(t -> config.set("thinkingConfig", t));
    return config;
  }

  private static boolean summaryRequested(JsonNode reasoning) {
    Optional<String> summary = Json.optString(reasoning, "summary", "reasoning.summary")
        .or(() -> Json.optString(reasoning, "generate_summary", "reasoning.generate_summary"));
    summary.ifPresent(s -> {
      if (!Set.of("auto", "concise", "detailed").contains(s)) {
        throw new TranslationException("reasoning.summary", "reasoning.summary must be auto, concise or detailed");
      }
    });
    return summary.isPresent();
  }

  /** The request fields a Response object repeats, with OpenAI's defaults for those left out. */
  private static ObjectNode echo(JsonNode request, boolean store) {
    ObjectNode echo = Json.object();
    echo.put("model", request.get("model").asText());
    copy(request, echo, "instructions", null);
    copy(request, echo, "max_output_tokens", null);
    copy(request, echo, "parallel_tool_calls", Json.object().booleanNode(true));
    copy(request, echo, "previous_response_id", null);
    ObjectNode reasoning = echo.putObject("reasoning");
    copy(request.path("reasoning"), reasoning, "effort", null);
    copy(request.path("reasoning"), reasoning, "summary", null);
    echo.put("store", store);
    copy(request, echo, "temperature", Json.object().numberNode(1.0));
    if (Json.isMissing(request, "text")) {
      echo.putObject("text").putObject("format").put("type", "text");
    } else {
      echo.set("text", request.get("text").deepCopy());
    }
    copy(request, echo, "tool_choice", Json.object().textNode("auto"));
    copy(request, echo, "tools", Json.array());
    copy(request, echo, "top_p", Json.object().numberNode(1.0));
    copy(request, echo, "truncation", Json.object().textNode("disabled"));
    copy(request, echo, "user", null);
    copy(request, echo, "metadata", Json.object());
    return echo;
  }

  private static void copy(JsonNode from, ObjectNode to, String field, JsonNode fallback) {
    JsonNode value = from.get(field);
    if (value != null && !value.isNull()) {
      to.set(field, value.deepCopy());
    } else if (fallback != null) {
      to.set(field, fallback);
    } else {
      to.putNull(field);
    }
  }
}
