package io.geminibalance.relay;

import io.geminibalance.streaming.StreamOptions;

/**
 * How a request that asked for a stream is served, decided once per request from the settings in
 * force; the relays apply it. A real stream relays Google's stream; a fake one
 * ({@code FAKE_STREAM_ENABLED}) makes one non-streamed call while the client gets heartbeats, then
 * the whole answer as stream events ({@link FakeStream}).
 */
sealed interface StreamPlan {
  /** Google's own stream (or no stream at all). */
  record Real() implements StreamPlan {}

  /** One non-streamed call, a heartbeat every {@code heartbeatMillis} until it is answered. */
  record Fake(long heartbeatMillis) implements StreamPlan {}

  StreamPlan REAL = new Real();

  /**
   * The plan for a request: fake only for an SSE stream ({@code streamedAsSse}) while fake
   * streaming is on. Native streams without {@code alt=sse} (a JSON array) stay real: a heartbeat
   * has no place in them.
   */
  static StreamPlan of(StreamOptions options, boolean streamedAsSse) {
    return streamedAsSse && options.fakeStream() ? new Fake(options.heartbeatMillis()) : REAL;
  }
}
