package io.geminibalance.streaming;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.geminibalance.protocol.sse.SseDecoder;
import io.geminibalance.protocol.sse.TextSlicer;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * gemini-balance's stream smoother (STREAM_OPTIMIZER_*): the text of a stream event is re-sent in
 * small pieces with a pause before each, so that clients render a steady flow instead of bursts.
 * A text of at least {@code longText} characters goes in pieces of {@code chunkSize} characters,
 * shorter texts a character (code point) at a time; the pause is {@code maxDelay} for texts of at
 * most {@code shortText} characters, {@code minDelay} for long ones, and in between falls with the
 * logarithm of the length. Events that are not one plain text ({@link TextSlicer}), comments,
 * errors and {@code [DONE]} pass whole, without a pause.
 *
 * <p>This class only plans the pieces (pure); {@link PacedWriter} writes them with timers.
 */
public final class StreamOptimizer {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** One write: an SSE event and the pause before it. */
  public record Piece(Buffer bytes, long delayMillis) {}

  private final StreamOptions.Optimizer settings;
  private final TextSlicer slicer;

  private StreamOptimizer(StreamOptions.Optimizer settings, TextSlicer slicer) {
    this.settings = settings;
    this.slicer = slicer;
  }

  /** The optimizer for a stream of {@code slicer}'s format, or null when it is off. */
  public static StreamOptimizer of(StreamOptions.Optimizer settings, TextSlicer slicer) {
    return settings.enabled() ? new StreamOptimizer(settings, slicer) : null;
  }

  /** The pieces for one whole SSE event (as a stream transformer outputs it). */
  public List<Piece> pieces(Buffer event) {
    ObjectNode json = singleJsonEvent(event);
    String text = json == null ? null : slicer.text(json);
    if (text == null) {
      return List.of(new Piece(event, 0));
    }
    List<String> slices = slices(text);
    if (slices.size() < 2) {
      return List.of(new Piece(event, 0));
    }
    long delay = delayMillis(text.codePointCount(0, text.length()));
    List<Piece> pieces = new ArrayList<>(slices.size());
    for (int i = 0; i < slices.size(); i++) {
      ObjectNode piece = slicer.withText(json, slices.get(i), i, slices.size());
      pieces.add(new Piece(Buffer.buffer("data: " + piece + "\n\n"), i == 0 ? 0 : delay));
    }
    return pieces;
  }

  /** The text cut as the settings say: whole code points, never half a surrogate pair. */
  List<String> slices(String text) {
    int length = text.codePointCount(0, text.length());
    int size = length >= settings.longText() ? settings.chunkSize() : 1;
    List<String> slices = new ArrayList<>(length / size + 1);
    int start = 0;
    while (start < text.length()) {
      int end = text.offsetByCodePoints(start, Math.min(size, text.codePointCount(start, text.length())));
      slices.add(text.substring(start, end));
      start = end;
    }
    return slices;
  }

  /** The pause between the pieces of a text of {@code length} characters. */
  long delayMillis(int length) {
    double min = settings.minDelayMicros();
    double max = settings.maxDelayMicros();
    double micros;
    if (length <= settings.shortText()) {
      micros = max;
    } else if (length >= settings.longText() || settings.longText() <= settings.shortText()) {
      micros = min;
    } else {
      double position = (Math.log(length) - Math.log(settings.shortText()))
          / (Math.log(settings.longText()) - Math.log(settings.shortText()));
      micros = max - (max - min) * position;
    }
    return Math.round(micros / 1000);
  }

  /** The JSON object of an event with one data field, or null (a comment, [DONE], not JSON). */
  private static ObjectNode singleJsonEvent(Buffer event) {
    SseDecoder decoder = new SseDecoder();
    List<String> data = new ArrayList<>(decoder.feed(event.getBytes()));
    data.addAll(decoder.finish());
    if (data.size() != 1 || !data.get(0).startsWith("{")) {
      return null;
    }
    try {
      JsonNode node = JSON.readTree(data.get(0));
      return node instanceof ObjectNode object ? object : null;
    } catch (IOException e) {
      return null;
    }
  }
}
