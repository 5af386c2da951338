package io.geminibalance.protocol.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * A whole {@code generateContent} answer as the events a {@code streamGenerateContent} stream
 * would have sent, for fake streaming: the stream translators then turn it into what a real
 * stream gives, with no converter of its own. A single candidate's parts are cut where they turn
 * from thoughts to answer (or back), one event per run, as Google streams them; the last event
 * carries everything else of the answer (finish reason, usage, grounding, prompt feedback). An
 * answer with several candidates, or none, is one event. Pure: the input is not changed.
 */
public final class AnswerEvents {
  private AnswerEvents() {}

  public static List<ObjectNode> of(ObjectNode answer) {
    JsonNode candidates = answer.path("candidates");
    JsonNode parts = candidates.size() == 1 ? candidates.get(0).path("content").path("parts") : null;
    if (parts == null || !parts.isArray() || parts.size() < 2) {
      return List.of(answer);
    }
    List<ArrayNode> runs = runs((ArrayNode) parts);
    if (runs.size() == 1) {
      return List.of(answer);
    }
    List<ObjectNode> events = new ArrayList<>(runs.size());
    JsonNode candidate = candidates.get(0);
    for (int i = 0; i < runs.size() - 1; i++) {
      events.add(partial(answer, candidate, runs.get(i)));
    }
    ObjectNode last = answer.deepCopy();
    ((ObjectNode) last.path("candidates").get(0).path("content")).set("parts", runs.get(runs.size() - 1));
    events.add(last);
    return events;
  }

  /** An early event: the candidate's index and role with some parts, and the answer's identity. */
  private static ObjectNode partial(ObjectNode answer, JsonNode candidate, ArrayNode parts) {
    ObjectNode event = answer.objectNode();
    ObjectNode copy = event.putArray("candidates").addObject();
    ObjectNode content = copy.putObject("content");
    content.set("parts", parts);
    if (candidate.path("content").has("role")) {
      content.set("role", candidate.path("content").get("role"));
    }
    if (candidate.has("index")) {
      copy.set("index", candidate.get("index"));
    }
    for (String field : new String[] {"modelVersion", "responseId"}) {
      if (answer.has(field)) {
        event.set(field, answer.get(field));
      }
    }
    return event;
  }

  private static List<ArrayNode> runs(ArrayNode parts) {
    List<ArrayNode> runs = new ArrayList<>();
    ArrayNode run = null;
    boolean thought = false;
    for (JsonNode part : parts) {
      boolean isThought = part.path("thought").asBoolean(false);
      if (run == null || isThought != thought) {
        run = parts.arrayNode();
        runs.add(run);
        thought = isThought;
      }
      run.add(part.deepCopy());
    }
    return runs;
  }
}
