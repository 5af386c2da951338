package io.geminibalance.relay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.geminibalance.protocol.openai.ChatStreamTranslator;
import io.geminibalance.protocol.sse.SseDecoder;
import io.geminibalance.streaming.ChunkTransformer;
import io.geminibalance.streaming.SseRelayTransformer;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Gemini SSE in, OpenAI {@code chat.completion.chunk} SSE out, one upstream event at a time. An
 * upstream error event, an event that cannot be read (not JSON, not a response object) or a
 * broken connection ends the stream with an OpenAI error event and no {@code [DONE]}, so SDKs
 * raise an error instead of accepting a truncated answer.
 */
final class OpenAiStreamTransformer implements ChunkTransformer {
  private static final Buffer DONE = Buffer.buffer("data: [DONE]\n\n");
  private final SseDecoder decoder = new SseDecoder();
  private final ChatStreamTranslator translator;
  private boolean stopped;

  OpenAiStreamTransformer(ChatStreamTranslator translator) {
    this.translator = translator;
  }

  @Override
  public List<Buffer> onChunk(Buffer chunk) {
    if (stopped) {
      return List.of();
    }
    return translate(decoder.feed(chunk.getBytes()));
  }

  @Override
  public List<Buffer> onEnd() {
    if (stopped) {
      return List.of();
    }
    List<Buffer> out = new ArrayList<>(translate(decoder.finish()));
    if (stopped) {
      return out;
    }
    translator.onEnd().forEach(c -> out.add(event(c)));
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

  // An upstream error event or an unreadable one ends the stream (the translator says so).
  private List<Buffer> translate(List<String> payloads) {
    List<Buffer> out = new ArrayList<>(payloads.size());
    for (String payload : payloads) {
      if (payload.isBlank()) {
        continue; // an empty data field carries nothing
      }
      translator.onEvent(parse(payload)).forEach(c -> out.add(event(c)));
      if (translator.failed()) {
        stopped = true;
        break;
      }
    }
    return out;
  }

  /** The event's JSON, or null when it is not JSON (the translator reports that as malformed). */
  static JsonNode parse(String payload) {
    try {
      return OpenAiRelay.JSON.readTree(payload);
    } catch (IOException e) {
      return null;
    }
  }

  private static Buffer event(ObjectNode chunk) {
    return Buffer.buffer("data: " + chunk + "\n\n");
  }
}
