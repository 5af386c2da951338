package io.geminibalance.relay;

import com.fasterxml.jackson.databind.JsonNode;
import io.geminibalance.protocol.anthropic.AnthropicErrors;
import io.geminibalance.protocol.anthropic.MessageStreamTranslator;
import io.geminibalance.protocol.anthropic.MessageStreamTranslator.Event;
import io.geminibalance.streaming.StreamCut;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Gemini SSE in, Anthropic's named SSE events out, one upstream event at a time. Keepalives are
 * Anthropic's own {@code ping} event, which its SDKs read and skip, rather than an SSE comment.
 */
final class AnthropicStreamTransformer extends TranslatedSseTransformer {
  private static final Buffer PING = Buffer.buffer("event: ping\ndata: {\"type\":\"ping\"}\n\n");
  private final MessageStreamTranslator translator;

  AnthropicStreamTransformer(MessageStreamTranslator translator) {
    this.translator = translator;
  }

  /**
   * {@code message_start}, written as soon as Google has answered, before any upstream event (as
   * Anthropic's API does): so every ping follows it, and the client sees the answer begin.
   */
  Buffer opening() {
    Buffer out = Buffer.buffer();
    frames(translator.start()).forEach(out::appendBuffer);
    return out;
  }

  @Override
  protected List<Buffer> translate(JsonNode event) {
    return frames(translator.onEvent(event));
  }

  @Override
  protected boolean failed() {
    return translator.failed();
  }

  @Override
  protected List<Buffer> closing() {
    return frames(translator.onEnd());
  }

  @Override
  public Buffer keepalive() {
    return stopped ? null : PING;
  }

  @Override
  public Buffer onFailure(Throwable cause) {
    stopped = true;
    return frame(translator.onFailure("upstream stream interrupted: " + cause.getMessage()));
  }

  /** A token cut mid-stream: {@code authentication_error} (its type for a 401), as at admission. */
  @Override
  public Buffer onCut(StreamCut cut) {
    stopped = true;
    return frame(MessageStreamTranslator.errorEvent(AnthropicErrors.typeFor(cut.status()), cut.getMessage()));
  }

  private static List<Buffer> frames(List<Event> events) {
    List<Buffer> out = new ArrayList<>(events.size());
    events.forEach(e -> out.add(frame(e)));
    return out;
  }

  private static Buffer frame(Event event) {
    return Buffer.buffer("event: " + event.name() + "\ndata: " + event.data() + "\n\n");
  }
}
