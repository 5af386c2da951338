package io.geminibalance.protocol.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * Gemini SSE events to Anthropic's stream for one message: {@code message_start}, for each block
 * {@code content_block_start}, its deltas ({@code text_delta}, {@code thinking_delta},
 * {@code signature_delta}, {@code input_json_delta}) and {@code content_block_stop}, then
 * {@code message_delta} (stop reason, usage) and {@code message_stop}. One instance per stream,
 * used in order.
 *
 * <p>An upstream error event, or one that cannot be read, ends the stream with an {@code error}
 * event and nothing after it: the client must not take what came before for a whole answer.
 */
public final class MessageStreamTranslator {
  /** One event to send: its SSE event name and its data. */
  public record Event(String name, ObjectNode data) {}

  private enum Open { NONE, TEXT, THINKING }

  private final AnswerContext context;
  private boolean started;
  private boolean failed;
  private boolean ended;
  private Open open = Open.NONE;
  private boolean openSigned;
  private int index = -1;
  private boolean toolUse;
  private String finishReason;
  private boolean refused;
  private JsonNode lastUsage;

  public MessageStreamTranslator(AnswerContext context) {
    this.context = context;
  }

  /**
   * {@code message_start}, once; empty when already sent. Sent before the first upstream event,
   * its usage is 0 until {@code message_delta} reports the counts; sent with the first event (when
   * the caller does not start the stream itself), it has that event's prompt count.
   */
  public List<Event> start() {
    List<Event> out = new ArrayList<>(1);
    start(out);
    return out;
  }

  /** The events for one upstream event (null when it was not JSON). */
  public List<Event> onEvent(JsonNode event) {
    List<Event> out = new ArrayList<>();
    if (failed || ended) {
      return out;
    }
    if (event != null && event.hasNonNull("error")) {
      JsonNode error = event.get("error");
      return fail(error.path("status").asText("").equals("UNAVAILABLE") ? "overloaded_error" : "api_error",
          error.path("message").asText("Upstream stream failed"));
    }
    String problem = MessageResponseTranslator.shapeProblem(event);
    if (problem != null) {
      return fail("api_error", "upstream stream event was malformed: " + problem);
    }
    if (event.hasNonNull("usageMetadata")) {
      lastUsage = event.get("usageMetadata");
    }
    start(out);
    String blocked = MessageResponseTranslator.blockMessage(event);
    if (blocked != null) {
      text(blocked, out);
      refused = true;
      return out;
    }
    JsonNode candidate = event.path("candidates").path(0);
    for (JsonNode part : candidate.path("content").path("parts")) {
      piece(Piece.of(part), out);
    }
    String finish = MessageResponseTranslator.textOrNull(candidate.get("finishReason"));
    if (finish != null) {
      finishReason = finish;
    }
    return out;
  }

  /** The closing events once upstream ended cleanly; none after a failure. */
  public List<Event> onEnd() {
    List<Event> out = new ArrayList<>();
    if (failed || ended) {
      return out;
    }
    ended = true;
    start(out);
    close(out);
    ObjectNode delta = Fields.object();
    ObjectNode reason = delta.putObject("delta")
        .put("stop_reason", refused ? "refusal" : StopReasons.map(finishReason, toolUse));
    reason.putNull("stop_sequence");
    ObjectNode usage = AnthropicUsage.fromGemini(lastUsage);
    usage.remove("service_tier");
    delta.set("usage", usage);
    out.add(event("message_delta", delta));
    out.add(event("message_stop", Fields.object()));
    return out;
  }

  /** The error event that ends a stream whose upstream broke; nothing follows it. */
  public Event onFailure(String message) {
    failed = true;
    return errorEvent("api_error", message);
  }

  /** Whether the stream ended with an error event. */
  public boolean failed() {
    return failed;
  }

  /** A stream's {@code error} event. */
  public static Event errorEvent(String type, String message) {
    return new Event("error", AnthropicErrors.body(type, message));
  }

  private List<Event> fail(String type, String message) {
    failed = true;
    return List.of(errorEvent(type, message));
  }

  private void start(List<Event> out) {
    if (started) {
      return;
    }
    started = true;
    ObjectNode message = MessageResponseTranslator.header(context);
    message.putArray("content");
    message.putNull("stop_reason");
    message.putNull("stop_sequence");
    ObjectNode usage = AnthropicUsage.fromGemini(lastUsage);
    usage.put("output_tokens", 0);
    message.set("usage", usage);
    ObjectNode data = Fields.object();
    data.set("message", message);
    out.add(event("message_start", data));
  }

  private void piece(Piece piece, List<Event> out) {
    switch (piece) {
      case Piece.Thought thought -> thought(thought, out);
      case Piece.Text text -> text(text.text(), out);
      case Piece.ToolCall call -> {
        close(out);
        index++;
        ObjectNode block = Fields.object().put("type", "tool_use")
            .put("id", ToolUseIds.create(context.random(), call.signature())).put("name", call.name());
        block.putObject("input");
        out.add(blockStart(block));
        out.add(delta(Fields.object().put("type", "input_json_delta").put("partial_json", call.input().toString())));
        out.add(event("content_block_stop", Fields.object().put("index", index)));
        toolUse = true;
      }
      case Piece.Skipped skipped -> { }
    }
  }

  private void thought(Piece.Thought thought, List<Event> out) {
    if (open != Open.THINKING || openSigned) {
      close(out);
      index++;
      open = Open.THINKING;
      openSigned = false;
      out.add(blockStart(Fields.object().put("type", "thinking").put("thinking", "").put("signature", "")));
    }
    if (!thought.text().isEmpty()) {
      out.add(delta(Fields.object().put("type", "thinking_delta").put("thinking", thought.text())));
    }
    if (thought.signature() != null) {
      out.add(delta(Fields.object().put("type", "signature_delta").put("signature", thought.signature())));
      openSigned = true;
    }
  }

  private void text(String text, List<Event> out) {
    if (open != Open.TEXT) {
      close(out);
      index++;
      open = Open.TEXT;
      out.add(blockStart(Fields.object().put("type", "text").put("text", "")));
    }
    out.add(delta(Fields.object().put("type", "text_delta").put("text", text)));
  }

  private void close(List<Event> out) {
    if (open != Open.NONE) {
      out.add(event("content_block_stop", Fields.object().put("index", index)));
      open = Open.NONE;
    }
  }

  private Event blockStart(ObjectNode block) {
    ObjectNode data = Fields.object().put("index", index);
    data.set("content_block", block);
    return event("content_block_start", data);
  }

  private Event delta(ObjectNode delta) {
    ObjectNode data = Fields.object().put("index", index);
    data.set("delta", delta);
    return event("content_block_delta", data);
  }

  private static Event event(String name, ObjectNode data) {
    ObjectNode withType = Fields.object().put("type", name);
    withType.setAll(data);
    return new Event(name, withType);
  }
}
