package io.geminibalance.protocol.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** Tool call arguments and tool results between OpenAI's JSON strings and Gemini's objects. */
public final class ToolArguments {

  private ToolArguments() {}

  /**
   * OpenAI {@code arguments} (a JSON string) as Gemini {@code args} (an object). Blank means no
   * arguments. Anything that is not a JSON object is the client's error: guessing would call
   * the function with made-up input.
   */
  public static ObjectNode parse(JsonNode arguments, String param) {
    if (arguments == null || arguments.isNull()) {
      return Json.object();
    }
    if (arguments.isObject()) {
      Json.requireShallow(arguments, param);
      return arguments.deepCopy();
    }
    if (!arguments.isTextual()) {
      throw new TranslationException(param, "tool call arguments must be a JSON string");
    }
    if (arguments.asText().isBlank()) {
      return Json.object();
    }
    JsonNode parsed = Json.tryParse(arguments.asText())
        .orElseThrow(() -> new TranslationException(param, "tool call arguments are not valid JSON"));
    if (!parsed.isObject()) {
      throw new TranslationException(param, "tool call arguments must be a JSON object");
    }
    Json.requireShallow(parsed, param);
    return (ObjectNode) parsed;
  }

  /**
   * A tool message's content as a Gemini {@code response} object: a JSON object is used as
   * is; any other value (text, number, array) is wrapped as {@code {"content": value}}.
   */
  public static ObjectNode resultObject(JsonNode content, String param) {
    String text = TextContent.join(content, param);
    JsonNode parsed = Json.tryParse(text).orElse(null);
    if (parsed != null) {
      Json.requireShallow(parsed, param);
    }
    if (parsed != null && parsed.isObject()) {
      return (ObjectNode) parsed;
    }
    ObjectNode wrapped = Json.object();
    if (parsed == null) {
      wrapped.put("content", text);
    } else {
      wrapped.set("content", parsed);
    }
    return wrapped;
  }
}
