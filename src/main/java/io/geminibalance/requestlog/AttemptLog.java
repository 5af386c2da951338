package io.geminibalance.requestlog;

/**
 * Where attempt records go. Implementations must never block the caller: the data plane calls
 * this on event-loop threads.
 */
@FunctionalInterface
public interface AttemptLog {
  void record(AttemptRecord record);

  /** Whether failed attempts should carry the request body (ERROR_LOG_RECORD_REQUEST_BODY). */
  default boolean wantsRequestBodies() {
    return false;
  }

  /** The most of a request body one error-log row keeps (see {@link RequestBodyExcerpt}). */
  default int requestBodyMaxBytes() {
    return RequestBodyExcerpt.DEFAULT_MAX_BYTES;
  }

  /**
   * The answer of {@code record}'s attempt was cut before it reached the client whole (the
   * gateway shut down: 503; the client's token stopped being valid: 401): an error-log row with
   * that status only, the attempt's own request-log row stands.
   */
  default void cut(AttemptRecord record, int status, String message) {
  }

  AttemptLog NONE = record -> { };
}
