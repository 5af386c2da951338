package io.geminibalance.protocol.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.geminibalance.protocol.sse.TextSlicer;
import java.util.Iterator;
import java.util.Set;

/**
 * Native stream events the optimizer may cut: one candidate whose content is one text part (a
 * thought or not). Only the last piece keeps the candidate's finish reason and metadata and the
 * event's usage, so a client sees one end, as from Google. Earlier pieces keep only what names the
 * event and its text (an allow-list): logprobs, prompt feedback or a field Google adds later
 * describe the whole event and would be counted once per piece if every piece carried them.
 */
public final class GeminiTextSlicer implements TextSlicer {
  public static final GeminiTextSlicer INSTANCE = new GeminiTextSlicer();

  private static final Set<String> TEXT_PART_FIELDS = Set.of("text", "thought");
  /** What a piece before the last keeps of the event, and of its candidate. */
  private static final Set<String> EVERY_PIECE = Set.of("candidates", "modelVersion", "responseId", "createTime");
  private static final Set<String> EVERY_PIECE_CANDIDATE = Set.of("content", "index");

  private GeminiTextSlicer() {}

  @Override
  public String text(ObjectNode event) {
    JsonNode candidates = event.path("candidates");
    if (event.has("error") || candidates.size() != 1) {
      return null;
    }
    JsonNode parts = candidates.get(0).path("content").path("parts");
    if (parts.size() != 1 || !parts.get(0).path("text").isTextual()) {
      return null;
    }
    for (Iterator<String> names = parts.get(0).fieldNames(); names.hasNext(); ) {
      if (!TEXT_PART_FIELDS.contains(names.next())) {
        return null; // a thought signature, say, belongs to the whole text
      }
    }
    return parts.get(0).path("text").asText();
  }

  @Override
  public ObjectNode withText(ObjectNode event, String piece, int index, int count) {
    ObjectNode copy = event.deepCopy();
    ObjectNode candidate = (ObjectNode) copy.path("candidates").get(0);
    ((ObjectNode) candidate.path("content").path("parts").get(0)).put("text", piece);
    if (index < count - 1) {
      candidate.retain(EVERY_PIECE_CANDIDATE);
      copy.retain(EVERY_PIECE);
    }
    return copy;
  }
}
