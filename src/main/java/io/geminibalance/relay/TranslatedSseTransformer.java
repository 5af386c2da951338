package io.geminibalance.relay;

import com.fasterxml.jackson.databind.JsonNode;
import io.geminibalance.protocol.gemini.TokenUsage;
import io.geminibalance.protocol.sse.SseDecoder;
import io.geminibalance.streaming.ChunkTransformer;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Gemini SSE in, another protocol's stream out, one upstream event at a time: the decoding and the
 * end-of-stream rules every translated surface shares. A subclass translates one event and says
 * when the stream has failed (an upstream error event, an unreadable one): then nothing more is
 * written, not even the closing events, so a client never takes a cut answer for a whole one.
 */
abstract class TranslatedSseTransformer implements ChunkTransformer {
  private final SseDecoder decoder = new SseDecoder();
  private final AnswerUsage reported = new AnswerUsage();
  /** Set once the stream has ended (cleanly or with an error event): nothing may follow. */
  protected boolean stopped;

  /** The frames for one upstream event; {@code event} is null when its payload was not JSON. */
  protected abstract List<Buffer> translate(JsonNode event);

  /** Whether the last translated event ended the stream with an error. */
  protected abstract boolean failed();

  /** The frames that end a stream that did not fail. */
  protected abstract List<Buffer> closing();

  @Override
  public final List<Buffer> onChunk(Buffer chunk) {
    if (stopped) {
      return List.of();
    }
    return translateAll(decoder.feed(chunk.getBytes()));
  }

  @Override
  public final List<Buffer> onEnd() {
    if (stopped) {
      return List.of();
    }
    List<Buffer> out = new ArrayList<>(translateAll(decoder.finish()));
    if (!stopped) {
      out.addAll(closing());
      stopped = true;
    }
    return out;
  }

  private List<Buffer> translateAll(List<String> payloads) {
    List<Buffer> out = new ArrayList<>(payloads.size());
    for (String payload : payloads) {
      if (payload.isBlank()) {
        continue; // an empty data field carries nothing
      }
      out.addAll(translate(reported.seen(parse(payload))));
      if (failed()) {
        stopped = true;
        break;
      }
    }
    return out;
  }

  /** The usage the upstream events reported so far: the answer's once the stream has ended. */
  final TokenUsage usage() {
    return reported.usage();
  }

  /** The event's JSON, or null when it is not JSON (the translator reports that as malformed). */
  static JsonNode parse(String payload) {
    try {
      return OpenAiRelay.JSON.readTree(payload);
    } catch (IOException e) {
      return null;
    }
  }
}
