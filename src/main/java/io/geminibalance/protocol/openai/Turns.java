package io.geminibalance.protocol.openai;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/** Conversation turns made into Gemini {@code contents}, shared by the chat and Responses translators. */
public final class Turns {

  /** One message's parts under its Gemini role ({@code user} or {@code model}). */
  public record Turn(String role, List<ObjectNode> parts) {}

  private Turns() {}

  /** {@code contents} with empty turns dropped and consecutive same-role turns merged, as Gemini wants. */
  public static ArrayNode merge(List<Turn> turns) {
    ArrayNode contents = Json.array();
    ObjectNode last = null;
    for (Turn turn : turns) {
      if (turn.parts().isEmpty()) {
        continue;
      }
      if (last == null || !last.get("role").asText().equals(turn.role())) {
        last = contents.addObject().put("role", turn.role());
        last.putArray("parts");
      }
      ((ArrayNode) last.get("parts")).addAll(turn.parts());
    }
    return contents;
  }
}
