package io.geminibalance.streaming;

/**
 * The gateway stopped a body it was relaying on purpose (the client's token stopped being valid),
 * not a broken upstream: the client gets {@link ChunkTransformer#onCut} (an error event with this
 * status and message, in its protocol's shape) rather than {@link ChunkTransformer#onFailure}.
 * Raised as the cause of the upstream request's reset; no stack trace, it is no bug.
 */
public final class StreamCut extends RuntimeException {
  private final int status;

  public StreamCut(int status, String message) {
    super(message, null, false, false);
    this.status = status;
  }

  /** The HTTP status the same refusal gets before anything was sent (401 for a token). */
  public int status() {
    return status;
  }

  /** The cut {@code failure} is, or was caused by (a reset wraps its cause), or null. */
  public static StreamCut in(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof StreamCut cut) {
        return cut;
      }
    }
    return null;
  }
}
