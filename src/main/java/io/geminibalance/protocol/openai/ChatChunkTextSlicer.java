package io.geminibalance.protocol.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.geminibalance.protocol.sse.TextSlicer;
import java.util.Iterator;
import java.util.Set;

/**
 * {@code chat.completion.chunk}s the optimizer may cut: one choice whose delta is one text, its
 * {@code content} or its {@code reasoning_content} (with the role, maybe). The role stays on the
 * first piece; the finish reason and usage on the last (earlier pieces: {@code finish_reason:
 * null}, {@code usage: null} when the chunk has a usage key).
 */
public final class ChatChunkTextSlicer implements TextSlicer {
  public static final ChatChunkTextSlicer INSTANCE = new ChatChunkTextSlicer();

  private static final Set<String> DELTA_FIELDS = Set.of("role", "content", "reasoning_content");

  private ChatChunkTextSlicer() {}

  @Override
  public String text(ObjectNode event) {
    JsonNode choices = event.path("choices");
    if (!"chat.completion.chunk".equals(event.path("object").asText()) || choices.size() != 1) {
      return null;
    }
    JsonNode delta = choices.get(0).path("delta");
    String text = null;
    for (Iterator<String> names = delta.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!DELTA_FIELDS.contains(name)) {
        return null;
      }
      if (!name.equals("role") && delta.get(name).isTextual() && !delta.get(name).asText().isEmpty()) {
        if (text != null) {
          return null; // thoughts and answer in one delta: left whole
        }
        text = delta.get(name).asText();
      }
    }
    return text;
  }

  @Override
  public ObjectNode withText(ObjectNode event, String piece, int index, int count) {
    ObjectNode copy = event.deepCopy();
    ObjectNode choice = (ObjectNode) copy.path("choices").get(0);
    ObjectNode delta = (ObjectNode) choice.path("delta");
    String field = delta.path("content").isTextual() && !delta.path("content").asText().isEmpty()
        ? "content" : "reasoning_content";
    delta.put(field, piece);
    if (index > 0) {
      delta.remove("role");
    }
    if (index < count - 1) {
      choice.putNull("finish_reason");
      if (copy.has("usage")) {
        copy.putNull("usage");
      }
    }
    return copy;
  }
}
