package io.geminibalance.protocol.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * OpenAI {@code messages} to Gemini {@code contents} plus system instruction texts.
 *
 * <p>One instance per request; it remembers the tool calls seen so far, because a
 * {@code tool} message only carries the call id and Gemini wants the function name, and
 * because all results of one assistant turn must go back in call order.
 */
final class MessageTranslator {

  /** The translated conversation. {@code contents} has same-role turns merged. */
  record Conversation(ArrayNode contents, List<String> systemTexts, List<String> mediaUrls) {}

  private record Call(String name, String upstreamId, int order) {}

  private record ToolResult(int order, ObjectNode part) {}

  private final ThoughtSignatureCache cache;
  private final long nowMillis;
  private final Map<String, Call> calls = new HashMap<>();
  private final List<Turns.Turn> turns = new ArrayList<>();
  private final List<String> systemTexts = new ArrayList<>();
  private final List<String> mediaUrls = new ArrayList<>();
  private final List<ToolResult> pendingResults = new ArrayList<>();

  private MessageTranslator(ThoughtSignatureCache cache, long nowMillis) {
    this.cache = cache;
    this.nowMillis = nowMillis;
  }

  /**
   * @param cache restores thought signatures by tool call id; may be null
   */
  static Conversation translate(JsonNode messages, ThoughtSignatureCache cache, long nowMillis) {
    if (messages == null || !messages.isArray() || messages.isEmpty()) {
      throw new TranslationException("messages", "'messages' must be a non-empty array");
    }
    MessageTranslator translator = new MessageTranslator(cache, nowMillis);
    for (int i = 0; i < messages.size(); i++) {
      translator.accept(messages.get(i), "messages[" + i + "]");
    }
    translator.flushToolResults();
    return new Conversation(Turns.merge(translator.turns), List.copyOf(translator.systemTexts),
        List.copyOf(translator.mediaUrls));
  }

  private void accept(JsonNode message, String param) {
    if (message == null || !message.isObject()) {
      throw new TranslationException(param, "each message must be an object");
    }
    String role = Json.optString(message, "role", param + ".role")
        .orElseThrow(() -> new TranslationException(param + ".role", "message needs a 'role'"));
    if (!role.equals("tool") && !role.equals("function")) {
      flushToolResults();
    }
    switch (role) {
      case "system", "developer" -> addSystem(message.get("content"), param + ".content");
      case "user" -> addUser(message.get("content"), param + ".content");
      case "assistant" -> addAssistant(message, param);
      case "tool" -> addToolResult(message, param);
      case "function" -> addFunctionResult(message, param);
      default -> throw new TranslationException(param + ".role", "unsupported role '" + role + "'");
    }
  }

  private void addSystem(JsonNode content, String param) {
    String text = TextContent.join(content, param);
    if (!text.isEmpty()) {
      systemTexts.add(text);
    }
  }

  private void addUser(JsonNode content, String param) {
    List<ObjectNode> parts = new ArrayList<>();
    UserParts.translate(content, param, parts, mediaUrls);
    turns.add(new Turns.Turn("user", parts));
  }

  private void addAssistant(JsonNode message, String param) {
    List<ObjectNode> parts = new ArrayList<>();
    UserParts.addText(TextContent.join(message.get("content"), param + ".content"), parts);
    JsonNode toolCalls = message.get("tool_calls");
    if (toolCalls != null && !toolCalls.isNull()) {
      if (!toolCalls.isArray()) {
        throw new TranslationException(param + ".tool_calls", "'tool_calls' must be an array");
      }
      for (int j = 0; j < toolCalls.size(); j++) {
        parts.add(functionCall(toolCalls.get(j), param + ".tool_calls[" + j + "]"));
      }
    }
    if (!Json.isMissing(message, "function_call")) {
      parts.add(legacyFunctionCall(message.get("function_call"), param + ".function_call"));
    }
    turns.add(new Turns.Turn("model", parts));
  }

  private ObjectNode functionCall(JsonNode toolCall, String param) {
    String id = Json.optString(toolCall, "id", param + ".id")
        .orElseThrow(() -> new TranslationException(param + ".id", "tool call needs an 'id'"));
    JsonNode function = toolCall.path("function");
    String name = Json.optString(function, "name", param + ".function.name")
        .orElseThrow(() -> new TranslationException(param + ".function.name", "tool call needs a function name"));
    ThoughtSignatureCache.Entry cached = cache == null ? null : cache.get(id, nowMillis).orElse(null);
    String upstreamId = cached == null ? null : cached.upstreamId();
    calls.put(id, new Call(name, upstreamId, calls.size()));
    ObjectNode part = Json.object();
    ObjectNode call = part.putObject("functionCall").put("name", name);
    call.set("args", ToolArguments.parse(function.get("arguments"), param + ".function.arguments"));
    if (upstreamId != null) {
      call.put("id", upstreamId);
    }
    String signature = signatureOf(toolCall, cached);
    if (signature != null) {
      part.put("thoughtSignature", signature);
    }
    return part;
  }

  // The client's copy wins: it is exactly what it received, the cache is only a fallback.
  private static String signatureOf(JsonNode toolCall, ThoughtSignatureCache.Entry cached) {
    JsonNode fromClient = toolCall.path("extra_content").path("google").path("thought_signature");
    if (fromClient.isTextual() && !fromClient.asText().isEmpty()) {
      return fromClient.asText();
    }
    return cached == null ? null : cached.thoughtSignature();
  }

  private ObjectNode legacyFunctionCall(JsonNode functionCall, String param) {
    String name = Json.optString(functionCall, "name", param + ".name")
        .orElseThrow(() -> new TranslationException(param + ".name", "function_call needs a 'name'"));
    ObjectNode part = Json.object();
    part.putObject("functionCall").put("name", name)
        .set("args", ToolArguments.parse(functionCall.get("arguments"), param + ".arguments"));
    return part;
  }

  private void addToolResult(JsonNode message, String param) {
    String id = Json.optString(message, "tool_call_id", param + ".tool_call_id")
        .orElseThrow(() -> new TranslationException(param + ".tool_call_id", "tool message needs a 'tool_call_id'"));
    Call call = calls.get(id);
    if (call == null) {
      throw new TranslationException(param + ".tool_call_id",
          "tool_call_id '" + id + "' does not match any tool call of an earlier assistant message");
    }
    ObjectNode response = Json.object().put("name", call.name());
    response.set("response", ToolArguments.resultObject(message.get("content"), param + ".content"));
    if (call.upstreamId() != null) {
      response.put("id", call.upstreamId());
    }
    pendingResults.add(new ToolResult(call.order(), wrapResponse(response)));
  }

  private void addFunctionResult(JsonNode message, String param) {
    String name = Json.optString(message, "name", param + ".name")
        .orElseThrow(() -> new TranslationException(param + ".name", "function message needs a 'name'"));
    ObjectNode response = Json.object().put("name", name);
    response.set("response", ToolArguments.resultObject(message.get("content"), param + ".content"));
    pendingResults.add(new ToolResult(Integer.MAX_VALUE, wrapResponse(response)));
  }

  private static ObjectNode wrapResponse(ObjectNode functionResponse) {
    ObjectNode part = Json.object();
    part.set("functionResponse", functionResponse);
    return part;
  }

  // Clients may send results out of order; Gemini pairs responses with calls by position.
  private void flushToolResults() {
    if (pendingResults.isEmpty()) {
      return;
    }
    List<ToolResult> ordered = new ArrayList<>(pendingResults);
    ordered.sort(Comparator.comparingInt(ToolResult::order));
    turns.add(new Turns.Turn("user", ordered.stream().map(ToolResult::part).toList()));
    pendingResults.clear();
  }

}
