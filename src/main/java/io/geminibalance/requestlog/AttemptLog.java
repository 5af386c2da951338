package io.geminibalance.requestlog;

/**
 * Where attempt records go. Implementations must never block the caller: the data plane calls
 * this on event-loop threads.
 */
@FunctionalInterface
public interface AttemptLog {
  void record(AttemptRecord record);

  AttemptLog NONE = record -> { };
}
