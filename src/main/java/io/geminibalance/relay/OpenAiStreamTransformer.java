package io.geminibalance.relay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.geminibalance.protocol.openai.ChatStreamTranslator;
import io.geminibalance.streaming.SseRelayTransformer;
import io.geminibalance.streaming.StreamCut;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Gemini SSE in, OpenAI {@code chat.completion.chunk} SSE out, one upstream event at a time. An
 * upstream error event, an event that cannot be read (not JSON, not a response object) or a
 * broken connection ends the stream with an OpenAI error event and no {@code [DONE]}, so SDKs
 * raise an error instead of accepting a truncated answer.
 */
final class OpenAiStreamTransformer extends TranslatedSseTransformer {
  private static final Buffer DONE = Buffer.buffer("data: [DONE]\n\n");
  private final ChatStreamTranslator translator;
  /** Notes the events that carry images, for the image host; null without one. */
  private final StreamedImages images;

  OpenAiStreamTransformer(ChatStreamTranslator translator) {
    this(translator, null);
  }

  OpenAiStreamTransformer(ChatStreamTranslator translator, StreamedImages images) {
    this.translator = translator;
    this.images = images;
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
    List<Buffer> out = new ArrayList<>(frames(translator.onEnd()));
    out.add(DONE);
    return out;
  }

  /** None once the stream has ended with an error event: nothing may follow it. */
  @Override
  public Buffer keepalive() {
    return stopped ? null : Buffer.buffer(SseRelayTransformer.KEEPALIVE);
  }

  @Override
  public Buffer onFailure(Throwable cause) {
    stopped = true;
    return event(ChatStreamTranslator.errorEvent("upstream stream interrupted: " + cause.getMessage(),
        "upstream_stream_interrupted"));
  }

  @Override
  public Buffer onCut(StreamCut cut) {
    stopped = true;
    return Buffer.buffer("data: " + OpenAiResponses.cutEvent(cut.status(), cut.getMessage()) + "\n\n");
  }

  private List<Buffer> frames(List<ObjectNode> chunks) {
    List<Buffer> out = new ArrayList<>(chunks.size());
    for (ObjectNode chunk : chunks) {
      Buffer event = event(chunk);
      if (images != null) {
        images.note(chunk, event);
      }
      out.add(event);
    }
    return out;
  }

  static Buffer event(ObjectNode chunk) {
    return Buffer.buffer("data: " + chunk + "\n\n");
  }
}
