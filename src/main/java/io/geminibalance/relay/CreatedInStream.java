package io.geminibalance.relay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.geminibalance.streaming.ChunkTransformer;
import io.geminibalance.streaming.StreamCut;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Predicate;

/**
 * Relays a stream unchanged (through {@code inner}) while looking, in its first events, for the
 * one that names the resource the request created: {@code recorder} gets each event's JSON and
 * says whether it found the name. Only the first {@value #EVENTS_LOOKED_AT} events are parsed, so
 * a long stream costs nothing more.
 */
final class CreatedInStream implements ChunkTransformer {
  static final int EVENTS_LOOKED_AT = 8;
  private static final ObjectMapper JSON = new ObjectMapper();

  private final ChunkTransformer inner;
  private final Predicate<JsonNode> recorder;
  private int looked;
  private boolean found;

  CreatedInStream(ChunkTransformer inner, Predicate<JsonNode> recorder) {
    this.inner = inner;
    this.recorder = recorder;
  }

  @Override
  public List<Buffer> onChunk(Buffer chunk) {
    List<Buffer> events = inner.onChunk(chunk);
    events.forEach(this::look);
    return events;
  }

  @Override
  public List<Buffer> onEnd() {
    List<Buffer> events = inner.onEnd();
    events.forEach(this::look);
    return events;
  }

  @Override
  public Buffer onFailure(Throwable cause) {
    return inner.onFailure(cause);
  }

  @Override
  public Buffer onCut(StreamCut cut) {
    return inner.onCut(cut);
  }

  @Override
  public Buffer keepalive() {
    return inner.keepalive();
  }

  private void look(Buffer event) {
    if (found || looked >= EVENTS_LOOKED_AT) {
      return;
    }
    looked++;
    for (String line : event.toString(StandardCharsets.UTF_8).split("\n")) {
      if (line.startsWith("data:")) {
        try {
          JsonNode json = JSON.readTree(line.substring(5).trim());
          if (json != null && json.isObject() && recorder.test(json)) {
            found = true;
            return;
          }
        } catch (IOException notJson) {
          // not an event with a JSON body: keep looking
        }
      }
    }
  }
}
