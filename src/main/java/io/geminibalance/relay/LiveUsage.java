package io.geminibalance.relay;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.geminibalance.protocol.gemini.TokenUsage;
import io.geminibalance.protocol.gemini.UsageTail;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocketFrame;
import io.vertx.core.internal.buffer.BufferInternal;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * The usage a Live session's server messages report. A server message may carry a top-level
 * {@code usageMetadata} ({@link TokenUsage#fromLiveUsage}); the Live API reference describes it as
 * the usage of the model response(s) the message belongs to, and says nothing of it adding up over
 * the session, so each one is taken as one turn's: charged and counted as it arrives, and summed
 * for the session's request-log row. (Each turn's prompt is the whole context so far, which is
 * what Google bills that turn for.)
 *
 * <p>Cheap on the audio and video that make most frames: a frame is searched for the bytes
 * {@code "usageMetadata"} in place, and only one that holds them is parsed, as a stream of tokens
 * that skips every other member, keeping only that object. A message in fragments goes through a
 * {@link UsageTail} instead (the key may straddle two fragments). Text and binary messages alike
 * carry JSON. One session, its event loop.
 */
final class LiveUsage {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String FIELD = "usageMetadata";
  /** Read only (its indices never move), so one is shared by every session. */
  private static final ByteBuf KEY = Unpooled.unreleasableBuffer(
      Unpooled.wrappedBuffer(("\"" + FIELD + "\"").getBytes(StandardCharsets.US_ASCII)));

  private final Consumer<TokenUsage> onTurn;
  /** The message being received in fragments, or null. */
  private UsageTail fragmented;
  private TokenUsage sum = TokenUsage.NONE;
  private boolean stopped;
  /** Frames parsed: what the meter has cost (for tests). */
  private long parsed;

  /** @param onTurn each usage reported, as it arrives (charged and counted there) */
  LiveUsage(Consumer<TokenUsage> onTurn) {
    this.onTurn = onTurn;
  }

  /** A frame from Google to the client. */
  void serverFrame(WebSocketFrame frame) {
    if (stopped) {
      return;
    }
    switch (frame.type()) {
      case TEXT, BINARY -> {
        fragmented = null;
        if (frame.isFinal()) {
          if (mentionsUsage(frame.binaryData())) {
            parsed++;
            turn(read(frame.binaryData()));
          }
        } else {
          fragmented = UsageTail.live();
          add(frame.binaryData());
        }
      }
      case CONTINUATION -> {
        if (fragmented != null) {
          add(frame.binaryData());
          if (frame.isFinal()) {
            turn(fragmented.usage());
            fragmented = null;
          }
        }
      }
      default -> { }
    }
  }

  /** The session's usage so far: its turns summed. */
  TokenUsage sum() {
    return sum;
  }

  /** The session has ended: later frames are neither charged nor summed (its row is written). */
  void stop() {
    stopped = true;
    fragmented = null;
  }

  long parsedFrames() {
    return parsed;
  }

  private void turn(TokenUsage usage) {
    if (usage.known()) {
      sum = sum.plus(usage);
      onTurn.accept(usage);
    }
  }

  private void add(Buffer data) {
    fragmented.add(data.length(), (from, to, at, n) -> data.getBytes(from, from + n, to, at));
  }

  /** Whether the frame holds the key's bytes, searched in place. */
  static boolean mentionsUsage(Buffer data) {
    if (data instanceof BufferInternal internal) {
      return ByteBufUtil.indexOf(KEY, internal.getByteBuf()) >= 0;
    }
    return data.toString(StandardCharsets.ISO_8859_1).contains("\"" + FIELD + "\"");
  }

  /** The top-level usage of a whole message; {@link TokenUsage#NONE} when it has none or is not JSON. */
  static TokenUsage read(Buffer data) {
    try (JsonParser parser = JSON.createParser(data.getBytes())) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        return TokenUsage.NONE;
      }
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String name = parser.currentName();
        JsonToken value = parser.nextToken();
        if (FIELD.equals(name) && value == JsonToken.START_OBJECT) {
          return TokenUsage.fromLiveUsage(parser.readValueAsTree());
        }
        parser.skipChildren();
      }
      return TokenUsage.NONE;
    } catch (IOException e) {
      return TokenUsage.NONE;
    }
  }
}
