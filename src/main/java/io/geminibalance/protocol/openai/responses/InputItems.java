package io.geminibalance.protocol.openai.responses;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.geminibalance.protocol.openai.Json;
import io.geminibalance.protocol.openai.ThoughtSignatureCache;
import io.geminibalance.protocol.openai.ToolArguments;
import io.geminibalance.protocol.openai.Turns;
import io.geminibalance.protocol.openai.Turns.Turn;
import io.geminibalance.protocol.openai.TranslationException;
import io.geminibalance.protocol.openai.UserParts;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Responses API input items to Gemini {@code contents}. One instance per request: it pairs
 * {@code function_call_output} items with their {@code function_call} by {@code call_id} (Gemini
 * wants the function's name), and carries Gemini's thought signatures, which the gateway hands
 * out as a reasoning item's {@code encrypted_content}: a reasoning item's signature goes on the
 * next model part of the same turn (the part Gemini had put it on), or on the turn's last model
 * part when nothing follows it.
 *
 * <p>Items of a stored conversation ({@code previous_response_id}) come first, then the request's
 * own; errors name the request's items ({@code input[2].call_id}), and the history's as
 * {@code previous_response_id}.
 */
final class InputItems {

  /** The translated conversation: {@code contents} with same-role turns merged. */
  record Conversation(ArrayNode contents, List<String> systemTexts, List<String> mediaUrls) {}

  private final ThoughtSignatureCache cache;
  private final long nowMillis;
  private record Call(String name, int order) {}

  private record Result(int order, ObjectNode part) {}

  private final Map<String, Call> calls = new HashMap<>();
  private final List<Result> pendingResults = new ArrayList<>();
  private final List<Turn> turns = new ArrayList<>();
  private final List<String> systemTexts = new ArrayList<>();
  private final List<String> mediaUrls = new ArrayList<>();
  private String pendingSignature;

  private InputItems(ThoughtSignatureCache cache, long nowMillis) {
    this.cache = cache;
    this.nowMillis = nowMillis;
  }

  /**
   * @param history items of the stored conversation, already checked when they were kept
   * @param input this request's items ({@link #normalise})
   * @param cache restores thought signatures by call id when the client dropped reasoning items; may be null
   */
  static Conversation translate(ArrayNode history, ArrayNode input, ThoughtSignatureCache cache, long nowMillis) {
    InputItems items = new InputItems(cache, nowMillis);
    for (JsonNode item : history) {
      items.accept(item, "previous_response_id");
    }
    for (int i = 0; i < input.size(); i++) {
      items.accept(input.get(i), "input[" + i + "]");
    }
    items.flushResults();
    items.placePendingSignature();
    return new Conversation(Turns.merge(items.turns), List.copyOf(items.systemTexts), List.copyOf(items.mediaUrls));
  }

  /** {@code input} as an array of items: a string is one user message. */
  static ArrayNode normalise(JsonNode input) {
    if (input == null || input.isNull()) {
      throw new TranslationException("input", "'input' is required: a string or an array of items");
    }
    if (input.isTextual()) {
      ArrayNode items = Json.array();
      items.addObject().put("type", "message").put("role", "user").put("content", input.asText());
      return items;
    }
    if (!input.isArray()) {
      throw new TranslationException("input", "'input' must be a string or an array of items");
    }
    return (ArrayNode) input;
  }

  private void accept(JsonNode item, String param) {
    if (item == null || !item.isObject()) {
      throw new TranslationException(param, "each input item must be an object");
    }
    String type = Json.optString(item, "type", param + ".type").orElse(item.has("role") ? "message" : "");
    if (!type.equals("function_call_output")) {
      flushResults();
    }
    switch (type) {
      case "message" -> message(item, param);
      case "function_call" -> functionCall(item, param);
      case "function_call_output" -> functionOutput(item, param);
      case "reasoning" -> reasoning(item, param);
      case "" -> throw new TranslationException(param + ".type", "input item needs a 'type'");
      default -> throw new TranslationException(param + ".type", "unsupported input item type '" + type + "'");
    }
  }

  private void message(JsonNode item, String param) {
    String role = Json.optString(item, "role", param + ".role")
        .orElseThrow(() -> new TranslationException(param + ".role", "message needs a 'role'"));
    JsonNode content = item.get("content");
    switch (role) {
      case "system", "developer" -> {
        String text = String.join("\n", texts(content, param + ".content"));
        if (!text.isEmpty()) {
          systemTexts.add(text);
        }
      }
      case "user" -> userParts(content, param + ".content");
      case "assistant" -> texts(content, param + ".content").forEach(text -> {
        List<ObjectNode> parts = new ArrayList<>();
        UserParts.addText(text, parts);
        parts.forEach(this::addModelPart);
      });
      default -> throw new TranslationException(param + ".role", "unsupported role '" + role + "'");
    }
  }

  private void userParts(JsonNode content, String param) {
    placePendingSignature();
    List<ObjectNode> parts = new ArrayList<>();
    if (content != null && content.isTextual()) {
      UserParts.addText(content.asText(), parts);
    } else if (content != null && content.isArray()) {
      for (int j = 0; j < content.size(); j++) {
        parts.add(userPart(content.get(j), param + "[" + j + "]"));
      }
    } else {
      throw new TranslationException(param, "'" + param + "' must be a string or an array of content parts");
    }
    parts.removeIf(p -> p == null);
    turns.add(new Turn("user", parts));
  }

  private ObjectNode userPart(JsonNode part, String param) {
    String type = Json.optString(part, "type", param + ".type")
        .orElseThrow(() -> new TranslationException(param + ".type", "content part needs a 'type'"));
    return switch (type) {
      case "input_text", "output_text" -> {
        List<ObjectNode> out = new ArrayList<>();
        UserParts.addText(Json.optString(part, "text", param + ".text").orElse(""), out);
        yield out.isEmpty() ? null : out.getFirst();
      }
      case "input_image" -> {
        if (!Json.isMissing(part, "file_id")) {
          throw new TranslationException(param + ".file_id", "file_id is not supported; send image_url");
        }
        String url = Json.optString(part, "image_url", param + ".image_url")
            .orElseThrow(() -> new TranslationException(param + ".image_url", "input_image needs 'image_url'"));
        yield UserParts.image(url, param + ".image_url", mediaUrls);
      }
      case "input_file" -> {
        if (!Json.isMissing(part, "file_url")) {
          throw new TranslationException(param + ".file_url", "file_url is not supported; send file_data");
        }
        yield UserParts.filePart(part, param);
      }
      default -> throw new TranslationException(param + ".type", "unsupported content part type '" + type + "'");
    };
  }

  /** The texts of a string or of {@code input_text}/{@code output_text}/{@code refusal} parts. */
  private static List<String> texts(JsonNode content, String param) {
    if (content != null && content.isTextual()) {
      return List.of(content.asText());
    }
    if (content == null || !content.isArray()) {
      throw new TranslationException(param, "'" + param + "' must be a string or an array of content parts");
    }
    List<String> texts = new ArrayList<>();
    for (int j = 0; j < content.size(); j++) {
      JsonNode part = content.get(j);
      String type = Json.optString(part, "type", param + "[" + j + "].type").orElse("");
      String field = type.equals("refusal") ? "refusal" : "text";
      switch (type) {
        case "input_text", "output_text", "refusal" ->
            Json.optString(part, field, param + "[" + j + "]." + field).filter(t -> !t.isEmpty())
                .ifPresent(texts::add);
        default -> throw new TranslationException(param + "[" + j + "].type",
            "only text parts are allowed here, not '" + type + "'");
      }
    }
    return texts;
  }

  private void functionCall(JsonNode item, String param) {
    String callId = Json.optString(item, "call_id", param + ".call_id")
        .orElseThrow(() -> new TranslationException(param + ".call_id", "function_call needs a 'call_id'"));
    String name = Json.optString(item, "name", param + ".name")
        .orElseThrow(() -> new TranslationException(param + ".name", "function_call needs a 'name'"));
    ThoughtSignatureCache.Entry cached = cache == null ? null : cache.get(callId, nowMillis).orElse(null);
    calls.put(callId, new Call(name, calls.size()));
    ObjectNode part = Json.object();
    ObjectNode call = part.putObject("functionCall").put("name", name);
    call.set("args", ToolArguments.parse(item.get("arguments"), param + ".arguments"));
    if (cached != null && cached.upstreamId() != null) {
      call.put("id", cached.upstreamId());
    }
    if (pendingSignature == null && cached != null && cached.thoughtSignature() != null) {
      pendingSignature = cached.thoughtSignature();
    }
    addModelPart(part);
  }

  private void functionOutput(JsonNode item, String param) {
    placePendingSignature();
    String callId = Json.optString(item, "call_id", param + ".call_id")
        .orElseThrow(() -> new TranslationException(param + ".call_id", "function_call_output needs a 'call_id'"));
    Call call = calls.get(callId);
    if (call == null) {
      throw new TranslationException(param + ".call_id",
          "call_id '" + callId + "' does not match any earlier function_call item");
    }
    JsonNode output = item.get("output");
    JsonNode text = output != null && output.isArray()
        ? Json.object().textNode(String.join("\n", texts(output, param + ".output")))
        : output;
    if (text == null || text.isNull() || !text.isTextual()) {
      throw new TranslationException(param + ".output", "'output' must be a string or an array of text parts");
    }
    ObjectNode response = Json.object().put("name", call.name());
    response.set("response", ToolArguments.resultObject(text, param + ".output"));
    ObjectNode part = Json.object();
    part.set("functionResponse", response);
    pendingResults.add(new Result(call.order(), part));
  }

  // Clients may send outputs out of order; Gemini pairs responses with calls by position.
  private void flushResults() {
    if (pendingResults.isEmpty()) {
      return;
    }
    pendingResults.sort(Comparator.comparingInt(Result::order));
    turns.add(new Turn("user", pendingResults.stream().map(Result::part).toList()));
    pendingResults.clear();
  }

  private void reasoning(JsonNode item, String param) {
    Json.optString(item, "encrypted_content", param + ".encrypted_content")
        .filter(s -> !s.isEmpty())
        .ifPresent(signature -> {
          placePendingSignature();
          pendingSignature = signature;
        });
  }

  private void addModelPart(ObjectNode part) {
    if (pendingSignature != null) {
      part.put("thoughtSignature", pendingSignature);
      pendingSignature = null;
    }
    Turn last = turns.isEmpty() ? null : turns.getLast();
    if (last == null || !last.role().equals("model")) {
      last = new Turn("model", new ArrayList<>());
      turns.add(last);
    }
    last.parts().add(part);
  }

  // A signature with no model part after it in its turn belongs to the turn's last one.
  private void placePendingSignature() {
    if (pendingSignature == null) {
      return;
    }
    Turn last = turns.isEmpty() ? null : turns.getLast();
    if (last != null && last.role().equals("model") && !last.parts().isEmpty()
        && !last.parts().getLast().has("thoughtSignature")) {
      last.parts().getLast().put("thoughtSignature", pendingSignature);
    }
    pendingSignature = null;
  }

}
