package io.geminibalance.relay;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.geminibalance.protocol.gemini.TokenUsage;
import io.geminibalance.protocol.openai.responses.ResponsesStreamTranslator;
import io.geminibalance.protocol.sse.SseDecoder;
import io.geminibalance.streaming.ChunkTransformer;
import io.geminibalance.streaming.SseRelayTransformer;
import io.geminibalance.streaming.StreamCut;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Gemini SSE in, the Responses API's event stream out ({@code event: <type>} and
 * {@code data: <json>} per event, no {@code [DONE]}, as OpenAI sends it). The stream ends with
 * {@code response.completed}/{@code response.incomplete}, or {@code response.failed} when the
 * upstream reports an error, sends an unreadable event or breaks; nothing follows that.
 */
final class ResponsesStreamTransformer implements ChunkTransformer {
  private final SseDecoder decoder = new SseDecoder();
  private final AnswerUsage reported = new AnswerUsage();
  private final ResponsesStreamTranslator translator;
  private final Consumer<ObjectNode> beforeFinal;
  private boolean stopped;

  /**
   * @param beforeFinal sees (and may change) the final Response object before its event is
   *     written: the relay decides there whether it is kept
   */
  ResponsesStreamTransformer(ResponsesStreamTranslator translator, Consumer<ObjectNode> beforeFinal) {
    this.translator = translator;
    this.beforeFinal = beforeFinal;
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
    List<ObjectNode> events = translator.onEnd();
    stopped = true;
    beforeFinal.accept(translator.response());
    events.forEach(e -> out.add(event(e)));
    return out;
  }

  /** None once the stream has ended: nothing may follow its last event. */
  @Override
  public Buffer keepalive() {
    return stopped ? null : Buffer.buffer(SseRelayTransformer.KEEPALIVE);
  }

  @Override
  public Buffer onFailure(Throwable cause) {
    return failed("upstream stream interrupted: " + cause.getMessage(), "upstream_stream_interrupted");
  }

  /** A token cut mid-stream: the Responses API's failure events, with the cut's own message. */
  @Override
  public Buffer onCut(StreamCut cut) {
    return failed(cut.getMessage(), cut.status() == 401 ? "invalid_api_key" : "upstream_stream_interrupted");
  }

  private Buffer failed(String message, String code) {
    stopped = true;
    Buffer out = Buffer.buffer();
    translator.onFailure(message, code).forEach(e -> out.appendBuffer(event(e)));
    return out.length() == 0 ? null : out;
  }

  private List<Buffer> translate(List<String> payloads) {
    List<Buffer> out = new ArrayList<>(payloads.size());
    for (String payload : payloads) {
      if (payload.isBlank()) {
        continue; // an empty data field carries nothing
      }
      translator.onEvent(reported.seen(TranslatedSseTransformer.parse(payload))).forEach(e -> out.add(event(e)));
      if (translator.failed()) {
        stopped = true;
        break;
      }
    }
    return out;
  }

  /** The usage the upstream events reported so far: the answer's once the stream has ended. */
  TokenUsage usage() {
    return reported.usage();
  }

  static Buffer event(ObjectNode event) {
    return Buffer.buffer("event: " + event.get("type").asText() + "\ndata: " + event + "\n\n");
  }
}
