package io.geminibalance.streaming;

import io.geminibalance.protocol.gemini.GeminiErrors;
import io.geminibalance.protocol.sse.SseFramer;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Native SSE pass-through: relays each upstream event, byte for byte, as soon as it is complete,
 * and guarantees every event ends with a blank line (SDK parsers reject a dangling last event).
 * A stream that breaks midway ends with a Gemini-shaped {@code error} event, which both official
 * SDKs raise as an error, instead of a silently truncated answer.
 */
public final class SseRelayTransformer implements ChunkTransformer {
  /**
   * An SSE comment, a whole event of its own: every SSE parser skips lines starting with a colon,
   * so clients see nothing while proxies see bytes.
   */
  public static final String KEEPALIVE = ": keepalive\n\n";
  private final SseFramer framer = new SseFramer();
  private final ErrorEvent errorEvent;

  /** The JSON of a final {@code data:} error event: a status (502 for a break) and a message. */
  @FunctionalInterface
  public interface ErrorEvent {
    String json(int status, String message);
  }

  /** Native streams: a break or a cut ends with a Gemini-shaped error event. */
  public SseRelayTransformer() {
    this(GeminiErrors::body);
  }

  public SseRelayTransformer(ErrorEvent errorEvent) {
    this.errorEvent = errorEvent;
  }

  @Override
  public List<Buffer> onChunk(Buffer chunk) {
    List<byte[]> events = framer.feed(chunk.getBytes());
    if (events.isEmpty()) {
      return List.of();
    }
    if (events.size() == 1) {
      return List.of(Buffer.buffer(events.get(0)));
    }
    List<Buffer> out = new ArrayList<>(events.size());
    for (byte[] event : events) {
      out.add(Buffer.buffer(event));
    }
    return out;
  }

  @Override
  public List<Buffer> onEnd() {
    byte[] last = framer.finish();
    return last == null ? List.of() : List.of(Buffer.buffer(last));
  }

  @Override
  public Buffer keepalive() {
    return Buffer.buffer(KEEPALIVE);
  }

  @Override
  public Buffer onFailure(Throwable cause) {
    return event(502, "upstream stream interrupted: " + cause.getMessage());
  }

  @Override
  public Buffer onCut(StreamCut cut) {
    return event(cut.status(), cut.getMessage());
  }

  private Buffer event(int status, String message) {
    return Buffer.buffer("data: " + errorEvent.json(status, message) + "\n\n");
  }
}
