package io.geminibalance.streaming;

import io.vertx.core.buffer.Buffer;
import java.util.List;

/**
 * Turns upstream body chunks into what the client receives, one chunk at a time. Implementations
 * keep their own per-stream state and never touch sockets.
 */
public interface ChunkTransformer {

  /** Output for one upstream chunk (possibly nothing, possibly several pieces). */
  List<Buffer> onChunk(Buffer chunk);

  /** Output once upstream ended normally. */
  List<Buffer> onEnd();

  /**
   * Output once upstream broke mid-body: a final error event to send before ending, or
   * {@code null} to reset the client connection (for bodies that cannot carry an error).
   */
  Buffer onFailure(Throwable cause);

  /**
   * Output once the gateway stopped the body on purpose ({@link StreamCut}): a final error event
   * in the client's protocol with the cut's status and message, or {@code null} to reset the client
   * connection. By default the same as a break.
   */
  default Buffer onCut(StreamCut cut) {
    return onFailure(cut);
  }

  /**
   * What to send the client when the upstream has been silent a while, so that proxies with an
   * idle timeout keep the connection: written only between two outputs of this transformer (which
   * are whole events), or {@code null} when the body has no room for one (raw bodies, JSON).
   */
  default Buffer keepalive() {
    return null;
  }

  /** Passes bytes through unchanged; a broken upstream resets the client. */
  ChunkTransformer IDENTITY = new ChunkTransformer() {
    @Override
    public List<Buffer> onChunk(Buffer chunk) {
      return List.of(chunk);
    }

    @Override
    public List<Buffer> onEnd() {
      return List.of();
    }

    @Override
    public Buffer onFailure(Throwable cause) {
      return null;
    }
  };
}
