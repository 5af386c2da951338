package io.geminibalance.protocol.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * What one Gemini part is to an Anthropic answer. Read in one place, so a whole answer and a
 * stream render parts the same way.
 */
sealed interface Piece {
  /** A thought summary, with the signature Gemini put on it (null when none). */
  record Thought(String text, String signature) implements Piece {}

  /** Answer text. */
  record Text(String text) implements Piece {}

  /** A function call, with its thought signature (null when none) to carry in the tool use id. */
  record ToolCall(String name, ObjectNode input, String signature) implements Piece {}

  /**
   * Nothing for the client: an empty text, a signature on a plain text part (Gemini only needs
   * function call signatures back), media or code parts, which Anthropic's answer has no block for.
   */
  record Skipped() implements Piece {}

  Skipped SKIPPED = new Skipped();

  static Piece of(JsonNode part) {
    String signature = part.hasNonNull("thoughtSignature") ? part.get("thoughtSignature").asText() : null;
    if (part.hasNonNull("functionCall")) {
      JsonNode call = part.get("functionCall");
      JsonNode args = call.get("args");
      ObjectNode input = args != null && args.isObject() ? ((ObjectNode) args).deepCopy() : Fields.object();
      return new ToolCall(call.path("name").asText(""), input, signature);
    }
    String text = part.path("text").isTextual() ? part.get("text").asText() : null;
    if (part.path("thought").asBoolean(false)) {
      return text == null && signature == null ? SKIPPED : new Thought(text == null ? "" : text, signature);
    }
    return text == null || text.isEmpty() ? SKIPPED : new Text(text);
  }
}
