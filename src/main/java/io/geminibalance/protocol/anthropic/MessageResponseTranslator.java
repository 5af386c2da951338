package io.geminibalance.protocol.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.geminibalance.protocol.openai.ChatResponseTranslator;
import io.geminibalance.protocol.openai.MalformedUpstreamException;

/**
 * A Gemini {@code GenerateContentResponse} as an Anthropic {@code Message}. Only the first
 * candidate is read (Anthropic has no {@code n}). Consecutive thoughts become one thinking block
 * (a new one after a signature, which closes a thought), consecutive texts one text block.
 */
public final class MessageResponseTranslator {
  private MessageResponseTranslator() {}

  /** @throws MalformedUpstreamException when the body is not a response object */
  public static ObjectNode toMessage(JsonNode response, AnswerContext context) {
    String problem = shapeProblem(response);
    if (problem != null) {
      throw new MalformedUpstreamException(problem);
    }
    ObjectNode message = header(context);
    ArrayNode content = message.putArray("content");
    JsonNode candidate = response.path("candidates").path(0);
    String stopReason;
    String blocked = blockMessage(response);
    if (blocked != null) {
      content.addObject().put("type", "text").put("text", blocked);
      stopReason = "refusal";
    } else {
      boolean toolUse = false;
      for (JsonNode part : candidate.path("content").path("parts")) {
        toolUse |= add(content, Piece.of(part), context);
      }
      stopReason = StopReasons.map(textOrNull(candidate.get("finishReason")), toolUse);
    }
    message.put("stop_reason", stopReason);
    message.putNull("stop_sequence");
    message.set("usage", AnthropicUsage.fromGemini(response.get("usageMetadata")));
    return message;
  }

  /** A message's fixed fields, as {@code message_start} also carries them. */
  static ObjectNode header(AnswerContext context) {
    return Fields.object().put("id", context.messageId()).put("type", "message").put("role", "assistant")
        .put("model", context.model());
  }

  /** Why a response (or stream event) cannot be read at all, or null when it can (as on the OpenAI surface). */
  static String shapeProblem(JsonNode response) {
    return ChatResponseTranslator.shapeProblem(response);
  }

  /** The text for a prompt Gemini blocked (no candidates, a block reason), else null. */
  static String blockMessage(JsonNode response) {
    JsonNode feedback = response.path("promptFeedback");
    if (!response.path("candidates").isEmpty() || !feedback.hasNonNull("blockReason")) {
      return null;
    }
    String detail = feedback.path("blockReasonMessage").asText("");
    return "The prompt was blocked by Gemini (blockReason: " + feedback.path("blockReason").asText() + ")"
        + (detail.isEmpty() ? "." : ": " + detail);
  }

  static String textOrNull(JsonNode node) {
    return node == null || node.isNull() ? null : node.asText();
  }

  /** Adds a piece to the blocks; true when it was a tool use. */
  private static boolean add(ArrayNode content, Piece piece, AnswerContext context) {
    JsonNode last = content.isEmpty() ? null : content.get(content.size() - 1);
    switch (piece) {
      case Piece.Thought thought -> {
        ObjectNode block;
        if (last != null && last.path("type").asText().equals("thinking") && last.path("signature").asText().isEmpty()) {
          block = (ObjectNode) last;
          block.put("thinking", block.path("thinking").asText() + thought.text());
        } else {
          block = content.addObject().put("type", "thinking").put("thinking", thought.text()).put("signature", "");
        }
        if (thought.signature() != null) {
          block.put("signature", thought.signature());
        }
        return false;
      }
      case Piece.Text text -> {
        if (last != null && last.path("type").asText().equals("text")) {
          ((ObjectNode) last).put("text", last.path("text").asText() + text.text());
        } else {
          content.addObject().put("type", "text").put("text", text.text());
        }
        return false;
      }
      case Piece.ToolCall call -> {
        ObjectNode block = content.addObject().put("type", "tool_use")
            .put("id", ToolUseIds.create(context.random(), call.signature())).put("name", call.name());
        block.set("input", call.input());
        return true;
      }
      case Piece.Skipped skipped -> {
        return false;
      }
    }
  }
}
