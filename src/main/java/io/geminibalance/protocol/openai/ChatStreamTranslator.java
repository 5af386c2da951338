package io.geminibalance.protocol.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Gemini SSE events to OpenAI {@code chat.completion.chunk}s for one stream (PROTOCOL §8).
 * Create one instance per stream; not thread-safe (a stream is handled in order anyway).
 *
 * <p>The caller frames every returned chunk as {@code data: <json>} and, after
 * {@link #onEnd()}, writes {@code data: [DONE]}, unless the stream {@link #failed()}: then it
 * closes without {@code [DONE]}, so the client sees an error rather than a short answer.
 */
public final class ChatStreamTranslator {

  /** The SSE data payload that ends an OpenAI stream. */
  public static final String DONE = "[DONE]";

  private static final class ChoiceState {
    boolean roleSent;
    int toolIndex;
    boolean sawToolCall;
    boolean finished;
  }

  private final TranslationOptions options;
  private final ResponseContext context;
  private final boolean includeUsage;
  private final Map<Integer, ChoiceState> choices = new TreeMap<>();
  private JsonNode lastUsage;
  private boolean failed;

  public ChatStreamTranslator(TranslationOptions options, ResponseContext context, boolean includeUsage) {
    this.options = options;
    this.context = context;
    this.includeUsage = includeUsage;
  }

  /**
   * The chunks for one upstream event (possibly none). Never throws: an {@code error} event, and
   * an event that cannot be read at all (not an object, {@code candidates} not an array, or null
   * for a payload that was not JSON), yield one error chunk and the stream has {@link #failed()}:
   * such an event may have carried part of the answer, so the client must not take the rest for
   * a whole answer.
   */
  public List<ObjectNode> onEvent(JsonNode event) {
    if (failed) {
      return List.of();
    }
    if (isError(event)) {
      failed = true;
      return List.of(errorEvent(event.get("error")));
    }
    String problem = ChatResponseTranslator.shapeProblem(event);
    if (problem != null) {
      failed = true;
      return List.of(errorEvent("upstream stream event was malformed: " + problem, "bad_gateway"));
    }
    if (event.hasNonNull("usageMetadata")) {
      lastUsage = event.get("usageMetadata");
    }
    JsonNode candidates = event.path("candidates");
    if (candidates.isEmpty() && event.path("promptFeedback").hasNonNull("blockReason")) {
      return blocked(event.get("promptFeedback"));
    }
    List<ObjectNode> chunks = new ArrayList<>();
    for (int position = 0; position < candidates.size(); position++) {
      CandidateReader.Read read = CandidateReader.read(candidates.get(position), position, context, options);
      ObjectNode choice = choiceDelta(read);
      if (choice != null) {
        chunks.add(chunk(choice));
      }
    }
    return chunks;
  }

  /** The closing chunks: a {@code stop} for every unfinished choice, then usage if asked for. */
  public List<ObjectNode> onEnd() {
    if (failed) {
      return List.of();
    }
    List<ObjectNode> chunks = new ArrayList<>();
    if (choices.isEmpty()) {
      choices.put(0, new ChoiceState());
    }
    for (Map.Entry<Integer, ChoiceState> entry : choices.entrySet()) {
      ChoiceState state = entry.getValue();
      if (!state.finished) {
        ObjectNode delta = Json.object();
        sendRole(state, delta, false);
        chunks.add(chunk(finish(entry.getKey(), state, delta, FinishReasons.map(null, state.sawToolCall))));
      }
    }
    if (includeUsage) {
      ObjectNode usageChunk = header();
      usageChunk.putArray("choices");
      usageChunk.set("usage", Usage.fromGemini(lastUsage));
      chunks.add(usageChunk);
    }
    return chunks;
  }

  /** True once an upstream error event was seen: end the client stream without {@code [DONE]}. */
  public boolean failed() {
    return failed;
  }

  /** Whether an upstream SSE event is an error report rather than a response. */
  public static boolean isError(JsonNode event) {
    return event != null && event.hasNonNull("error");
  }

  /** The OpenAI mid-stream error event for an upstream {@code error} object (Google's shape). */
  public static ObjectNode errorEvent(JsonNode upstreamError) {
    String message = upstreamError.path("message").asText("Upstream stream failed");
    String status = upstreamError.path("status").asText("");
    return errorEvent(message, status.isEmpty() ? "internal" : status.toLowerCase(java.util.Locale.ROOT));
  }

  /** The OpenAI mid-stream error event, e.g. for a broken upstream connection. */
  public static ObjectNode errorEvent(String message, String code) {
    ObjectNode event = Json.object();
    ObjectNode error = event.putObject("error").put("message", message).put("type", "server_error");
    error.putNull("param");
    error.put("code", code);
    return event;
  }

  private List<ObjectNode> blocked(JsonNode promptFeedback) {
    ChoiceState state = choices.computeIfAbsent(0, k -> new ChoiceState());
    if (state.finished) {
      return List.of();
    }
    ObjectNode delta = Json.object();
    sendRole(state, delta, false);
    delta.putNull("content");
    delta.put("refusal", ChatResponseTranslator.blockMessage(promptFeedback));
    return List.of(chunk(finish(0, state, delta, "content_filter")));
  }

  // Null when this event has nothing new for the choice (e.g. only an empty text part).
  private ObjectNode choiceDelta(CandidateReader.Read read) {
    ChoiceState state = choices.computeIfAbsent(read.index(), k -> new ChoiceState());
    if (state.finished) {
      return null;
    }
    ObjectNode delta = Json.object();
    boolean hasNews = read.content() != null || read.reasoning() != null || !read.toolCalls().isEmpty();
    if (read.content() != null) {
      delta.put("content", read.content());
    }
    if (read.reasoning() != null) {
      delta.put("reasoning_content", read.reasoning());
    }
    addToolCalls(state, delta, read.toolCalls());
    if (!hasNews && read.finishReason() == null) {
      return null;
    }
    sendRole(state, delta, true);
    if (read.finishReason() == null) {
      return open(read.index(), delta);
    }
    return finish(read.index(), state, delta, FinishReasons.map(read.finishReason(), state.sawToolCall));
  }

  private static void addToolCalls(ChoiceState state, ObjectNode delta, List<ObjectNode> toolCalls) {
    if (toolCalls.isEmpty()) {
      return;
    }
    ArrayNode calls = delta.putArray("tool_calls");
    for (ObjectNode call : toolCalls) {
      ObjectNode indexed = Json.object().put("index", state.toolIndex++);
      indexed.setAll(call);
      calls.add(indexed);
    }
    state.sawToolCall = true;
  }

  // The first delta of a choice announces the role; OpenAI's stream helper relies on it.
  private static void sendRole(ChoiceState state, ObjectNode delta, boolean contentIfEmpty) {
    if (state.roleSent) {
      return;
    }
    state.roleSent = true;
    ObjectNode withRole = Json.object().put("role", "assistant");
    if (!delta.has("content") && !delta.has("tool_calls") && contentIfEmpty) {
      withRole.put("content", "");
    }
    withRole.setAll(delta);
    delta.removeAll();
    delta.setAll(withRole);
  }

  private static ObjectNode open(int index, ObjectNode delta) {
    ObjectNode choice = Json.object().put("index", index);
    choice.set("delta", delta);
    choice.putNull("finish_reason");
    return choice;
  }

  private static ObjectNode finish(int index, ChoiceState state, ObjectNode delta, String reason) {
    state.finished = true;
    ObjectNode choice = open(index, delta);
    choice.put("finish_reason", reason);
    return choice;
  }

  private ObjectNode chunk(ObjectNode choice) {
    ObjectNode chunk = header();
    chunk.putArray("choices").add(choice);
    if (includeUsage) {
      chunk.putNull("usage");
    }
    return chunk;
  }

  private ObjectNode header() {
    return Json.object()
        .put("id", context.id())
        .put("object", "chat.completion.chunk")
        .put("created", context.created())
        .put("model", context.model());
  }
}
