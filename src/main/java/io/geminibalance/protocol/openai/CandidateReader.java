package io.geminibalance.protocol.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads one Gemini candidate (whole, or one stream event's slice of it) into the pieces an
 * OpenAI choice is built from. Shared by the complete and the streaming translator so both
 * render parts identically.
 */
final class CandidateReader {

  /**
   * @param content answer text incl. rendered images, code and search links; null when none
   * @param reasoning thought summary text; null when none or thoughts are not shown
   * @param toolCalls OpenAI tool call objects without {@code index}
   * @param finishReason the raw Gemini finish reason, null when absent
   * @param position where the candidate sat in the upstream array
   */
  record Read(int index, int position, String content, String reasoning, List<ObjectNode> toolCalls, String finishReason) {}

  private CandidateReader() {}

  static Read read(JsonNode candidate, int position, ResponseContext context, TranslationOptions options) {
    StringBuilder content = new StringBuilder();
    StringBuilder reasoning = new StringBuilder();
    List<ObjectNode> toolCalls = new ArrayList<>();
    for (JsonNode part : candidate.path("content").path("parts")) {
      if (part.has("functionCall")) {
        toolCalls.add(toolCall(part, context));
      } else if (part.path("thought").asBoolean(false)) {
        reasoning.append(part.path("text").asText(""));
      } else {
        content.append(PartRenderer.render(part));
      }
    }
    if (options.showSearchLink()) {
      content.append(PartRenderer.searchLinks(candidate.path("groundingMetadata")));
    }
    JsonNode finish = candidate.get("finishReason");
    return new Read(
        candidate.path("index").asInt(position),
        position,
        content.isEmpty() ? null : content.toString(),
        reasoning.isEmpty() || !options.showThinkingProcess() ? null : reasoning.toString(),
        toolCalls,
        finish == null || finish.isNull() ? null : finish.asText());
  }

  private static ObjectNode toolCall(JsonNode part, ResponseContext context) {
    JsonNode call = part.get("functionCall");
    String upstreamId = call.hasNonNull("id") ? call.get("id").asText() : null;
    String id = upstreamId != null ? upstreamId : context.toolCallIds().get();
    String name = call.path("name").asText();
    JsonNode args = call.hasNonNull("args") ? call.get("args") : Json.object();
    ObjectNode toolCall = Json.object().put("id", id).put("type", "function");
    toolCall.putObject("function").put("name", name).put("arguments", Json.write(args));
    String signature = part.hasNonNull("thoughtSignature") ? part.get("thoughtSignature").asText() : null;
    if (signature != null) {
      toolCall.putObject("extra_content").putObject("google").put("thought_signature", signature);
    }
    if (context.cache() != null && (signature != null || upstreamId != null)) {
      context.cache().put(id, new ThoughtSignatureCache.Entry(name, signature, upstreamId), context.nowMillis());
    }
    return toolCall;
  }
}
