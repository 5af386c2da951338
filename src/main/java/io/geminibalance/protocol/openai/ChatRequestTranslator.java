package io.geminibalance.protocol.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * OpenAI {@code POST /chat/completions} body to a Gemini {@code GenerateContentRequest}
 * (PROTOCOL §6). Pure: it reads the request tree and builds a new one, never mutating input.
 * Thread-safe; one instance can serve every request of a settings revision.
 *
 * <p>Built-in tools ({@code googleSearch}, {@code codeExecution}, {@code urlContext}) are
 * dropped when the request declares functions, because Gemini rejects the mix. So a
 * {@code -search} model called with tools does function calling without search.
 *
 * <p>{@code -image} models get no {@code systemInstruction} (Gemini's image models reject it),
 * so system and developer messages are dropped for them. {@code tool_choice} without any
 * declared function is ignored: there is nothing to choose from.
 */
public final class ChatRequestTranslator {

  private final TranslationOptions options;
  private final ThoughtSignatureCache cache;

  /**
   * @param cache where thought signatures are restored from when the client dropped them;
   *     may be null (no restoring)
   */
  public ChatRequestTranslator(TranslationOptions options, ThoughtSignatureCache cache) {
    this.options = options;
    this.cache = cache;
  }

  /**
   * @param nowMillis the current time, for the signature cache's time-to-live
   * @throws TranslationException when the request is malformed (400 for the client)
   */
  public TranslatedChatRequest translate(JsonNode request, long nowMillis) {
    if (request == null || !request.isObject()) {
      throw new TranslationException(null, "the request body must be a JSON object");
    }
    ModelName model = parseModel(request);
    MessageTranslator.Conversation conversation =
        MessageTranslator.translate(request.get("messages"), cache, nowMillis);
    if (conversation.contents().isEmpty()) {
      throw new TranslationException("messages", "'messages' needs at least one non-empty user or assistant message");
    }
    ObjectNode body = Json.object();
    body.set("contents", conversation.contents());
    if (!model.image() && !conversation.systemTexts().isEmpty()) {
      body.set("systemInstruction", systemInstruction(conversation.systemTexts()));
    }
    addTools(request, model, body);
    ObjectNode generationConfig = GenerationConfigTranslator.translate(request, model, options);
    if (!generationConfig.isEmpty()) {
      body.set("generationConfig", generationConfig);
    }
    JsonNode safetySettings = options.sharedSafetySettings();
    if (!safetySettings.isEmpty()) {
      body.set("safetySettings", safetySettings);
    }
    boolean stream = Json.optBoolean(request, "stream", "stream");
    boolean includeUsage = stream
        && Json.optBoolean(request.path("stream_options"), "include_usage", "stream_options.include_usage");
    return new TranslatedChatRequest(model, stream, includeUsage, body, conversation.mediaUrls());
  }

  private ModelName parseModel(JsonNode request) {
    String requested = ModelName.requiredIn(request);
    ModelName model = ModelName.parse(requested, options.imageModels(), options.aliases());
    if (model.search() && !options.searchModels().contains(model.base())) {
      throw new TranslationException("model", "Model " + requested + " is not supported");
    }
    return model;
  }

  private static ObjectNode systemInstruction(List<String> texts) {
    ObjectNode instruction = Json.object();
    ArrayNode parts = instruction.putArray("parts");
    texts.forEach(text -> parts.addObject().put("text", text));
    return instruction;
  }

  private void addTools(JsonNode request, ModelName model, ObjectNode body) {
    List<ObjectNode> declarations = ToolTranslator.declarations(request);
    ArrayNode tools = Json.array();
    if (!declarations.isEmpty()) {
      tools.addObject().putArray("functionDeclarations").addAll(declarations);
      ToolTranslator.toolConfig(request).ifPresent(config -> body.set("toolConfig", config));
    } else {
      addBuiltIns(request, model, tools);
    }
    if (!tools.isEmpty()) {
      body.set("tools", tools);
    }
  }

  private void addBuiltIns(JsonNode request, ModelName model, ArrayNode tools) {
    if (model.search() || !Json.isMissing(request, "web_search_options")) {
      tools.addObject().putObject("googleSearch");
    }
    if (options.codeExecutionEnabled() && !model.search() && !model.image()) {
      tools.addObject().putObject("codeExecution");
    }
    if (options.urlContextEnabled() && options.urlContextModels().contains(model.base())) {
      tools.addObject().putObject("urlContext");
    }
  }
}
