package io.geminibalance.protocol.openai;

import java.util.HexFormat;
import java.util.Objects;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;

/**
 * What a response translation needs besides the upstream body; passed in so the translators
 * stay free of clocks and randomness.
 *
 * @param id the completion id ({@code chatcmpl-...}), the same for every chunk of a stream
 * @param created unix seconds, the same for every chunk of a stream
 * @param model the model id the client requested (echoed back)
 * @param toolCallIds makes ids for function calls that came without one
 * @param cache records thought signatures by tool call id; may be null
 * @param nowMillis the current time, for the cache's time-to-live
 */
public record ResponseContext(
    String id, long created, String model, Supplier<String> toolCallIds, ThoughtSignatureCache cache,
    long nowMillis) {

  public ResponseContext {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(toolCallIds, "toolCallIds");
  }

  /** Tool call ids of the form {@code call_} + 24 lowercase hex digits. */
  public static Supplier<String> randomToolCallIds(RandomGenerator random) {
    return () -> {
      byte[] bytes = new byte[12];
      random.nextBytes(bytes);
      return "call_" + HexFormat.of().formatHex(bytes);
    };
  }
}
