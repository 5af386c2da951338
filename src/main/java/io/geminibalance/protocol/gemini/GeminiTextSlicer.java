package io.geminibalance.protocol.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.geminibalance.protocol.sse.TextSlicer;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * Native stream events the optimizer may cut: one candidate whose content is one text part (a
 * thought or not). Only the last piece keeps the candidate's finish reason and metadata and the
 * event's usage, so a client sees one end, as from Google.
 */
public final class GeminiTextSlicer implements TextSlicer {
  public static final GeminiTextSlicer INSTANCE = new GeminiTextSlicer();

  private static final Set<String> TEXT_PART_FIELDS = Set.of("text", "thought");
  private static final String[] ONCE_PER_CANDIDATE = {"finishReason", "finishMessage", "groundingMetadata",
      "citationMetadata", "urlContextMetadata", "safetyRatings"};

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
      candidate.remove(List.of(ONCE_PER_CANDIDATE));
      copy.remove("usageMetadata");
    }
    return copy;
  }
}
