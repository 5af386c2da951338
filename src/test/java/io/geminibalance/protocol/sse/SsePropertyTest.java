package io.geminibalance.protocol.sse;

import static org.assertj.core.api.Assertions.assertThat;

import io.geminibalance.streaming.SseRelayTransformer;
import io.geminibalance.testing.SseArbitraries;
import io.geminibalance.testing.SseArbitraries.Stream;
import io.vertx.core.buffer.Buffer;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * However a stream of server-sent events is cut into chunks (inside a UTF-8 character, between
 * CR and LF, byte by byte), it decodes to the same events. The defined ending: a last event
 * without its blank line still counts, once the input has ended.
 */
class SsePropertyTest {

  @Provide
  Arbitrary<Stream> streams() {
    return SseArbitraries.streams();
  }

  @Provide
  Arbitrary<List<Integer>> chunkSizes() {
    return SseArbitraries.chunkSizes();
  }

  @Provide
  Arbitrary<byte[]> noise() {
    return SseArbitraries.noise();
  }

  static List<String> decode(List<byte[]> chunks) {
    SseDecoder decoder = new SseDecoder();
    List<String> events = new ArrayList<>();
    chunks.forEach(chunk -> events.addAll(decoder.feed(chunk)));
    events.addAll(decoder.finish());
    return events;
  }

  @Property(tries = 1000)
  void anySplitDecodesToTheEventsOfTheStream(@ForAll("streams") Stream stream,
      @ForAll("chunkSizes") List<Integer> sizes) {
    assertThat(decode(SseArbitraries.cut(stream.bytes(), sizes))).isEqualTo(stream.events());
  }

  @Property(tries = 500)
  void anySplitOfAnyBytesDecodesAsTheWholeDoes(@ForAll("noise") byte[] bytes,
      @ForAll("chunkSizes") List<Integer> sizes) {
    assertThat(decode(SseArbitraries.cut(bytes, sizes))).isEqualTo(decode(List.of(bytes)));
  }

  /** The framer's events, then what finish() adds, for the chunks. */
  static List<byte[]> frame(List<byte[]> chunks) {
    SseFramer framer = new SseFramer();
    List<byte[]> frames = new ArrayList<>();
    chunks.forEach(chunk -> frames.addAll(framer.feed(chunk)));
    byte[] last = framer.finish();
    if (last != null) {
      frames.add(last);
    }
    return frames;
  }

  /**
   * Every frame is one whole event: a decoder that sees only that frame gives its events without
   * being told the input ended. Together they are the stream's events, for any split.
   */
  @Property(tries = 1000)
  void framesAreWholeEventsWhateverTheSplit(@ForAll("streams") Stream stream,
      @ForAll("chunkSizes") List<Integer> sizes) {
    List<byte[]> frames = frame(SseArbitraries.cut(stream.bytes(), sizes));
    List<byte[]> whole = frame(List.of(stream.bytes()));
    assertThat(frames).hasSameSizeAs(whole);
    for (int i = 0; i < frames.size(); i++) {
      assertThat(frames.get(i)).isEqualTo(whole.get(i));
    }
    List<String> events = new ArrayList<>();
    for (byte[] frame : frames) {
      SseDecoder decoder = new SseDecoder();
      events.addAll(decoder.feed(frame));
      assertThat(decoder.finish()).as("the frame %s ends its event", new String(frame)).isEmpty();
    }
    assertThat(events).isEqualTo(stream.events());
  }

  /** The native relay passes every byte on and only adds a missing last line end. */
  @Property(tries = 500)
  void theNativeRelayPassesTheSameBytesForAnySplit(@ForAll("streams") Stream stream,
      @ForAll("chunkSizes") List<Integer> sizes) {
    SseRelayTransformer relay = new SseRelayTransformer();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] chunk : SseArbitraries.cut(stream.bytes(), sizes)) {
      relay.onChunk(Buffer.buffer(chunk)).forEach(b -> out.writeBytes(b.getBytes()));
    }
    relay.onEnd().forEach(b -> out.writeBytes(b.getBytes()));
    byte[] relayed = out.toByteArray();

    SseDecoder decoder = new SseDecoder();
    assertThat(decoder.feed(relayed)).isEqualTo(stream.events());
    assertThat(decoder.finish()).isEmpty();
  }
}
