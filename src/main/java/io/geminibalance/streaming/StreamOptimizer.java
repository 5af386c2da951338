package io.geminibalance.streaming;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.geminibalance.protocol.sse.SseDecoder;
import io.geminibalance.protocol.sse.TextSlicer;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

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
    List<Piece> all = new ArrayList<>();
    plan(event).forEachRemaining(all::add);
    return all;
  }

  /**
   * The pieces for one whole SSE event, each made when it is taken: a long text (a fake stream's
   * whole answer is one event) is never held cut up, as each piece is an event of its own, many
   * times the size of its few characters.
   */
  public Iterator<Piece> plan(Buffer event) {
    ObjectNode json = singleJsonEvent(event);
    String text = json == null ? null : slicer.text(json);
    Cuts cuts = text == null ? null : new Cuts(text, settings);
    if (cuts == null || cuts.count < 2) {
      return List.of(new Piece(event, 0)).iterator();
    }
    long delay = delayMillis(cuts.length);
    return new Iterator<>() {
      private int index;

      @Override
      public boolean hasNext() {
        return cuts.hasNext();
      }

      @Override
      public Piece next() {
        ObjectNode piece = slicer.withText(json, cuts.next(), index, cuts.count);
        return new Piece(Buffer.buffer("data: " + piece + "\n\n"), index++ == 0 ? 0 : delay);
      }
    };
  }

  /** The text cut as the settings say: whole code points, never half a surrogate pair. */
  List<String> slices(String text) {
    List<String> slices = new ArrayList<>();
    new Cuts(text, settings).forEachRemaining(slices::add);
    return slices;
  }

  /** A text's slices, one at a time: {@code chunkSize} code points for a long text, else one. */
  private static final class Cuts implements Iterator<String> {
    private final String text;
    private final int length;
    private final int size;
    private final int count;
    private int start;
    private int taken;

    Cuts(String text, StreamOptions.Optimizer settings) {
      this.text = text;
      this.length = text.codePointCount(0, text.length());
      this.size = length >= settings.longText() ? settings.chunkSize() : 1;
      this.count = (length + size - 1) / size;
    }

    @Override
    public boolean hasNext() {
      return taken < count;
    }

    @Override
    public String next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      int end = text.offsetByCodePoints(start, Math.min(size, length - taken * size));
      String slice = text.substring(start, end);
      start = end;
      taken++;
      return slice;
    }
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
