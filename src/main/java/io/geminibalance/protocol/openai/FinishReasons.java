package io.geminibalance.protocol.openai;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;
import java.util.Set;

/** Gemini {@code finishReason} to OpenAI {@code finish_reason} (PROTOCOL §7). */
public final class FinishReasons {

  private static final Set<String> FILTERED = Set.of("SAFETY", "RECITATION", "BLOCKLIST",
      "PROHIBITED_CONTENT", "SPII", "IMAGE_SAFETY", "IMAGE_PROHIBITED_CONTENT", "IMAGE_RECITATION");

  private FinishReasons() {}

  /**
   * @param geminiReason the upstream value; new values appear over time and map to {@code stop}
   * @param hasToolCalls whether the choice carries tool calls, which turns STOP into tool_calls
   */
  public static String map(String geminiReason, boolean hasToolCalls) {
    if (geminiReason == null || geminiReason.equals("STOP")) {
      return hasToolCalls ? "tool_calls" : "stop";
    }
    if (geminiReason.equals("MAX_TOKENS")) {
      return "length";
    }
    return FILTERED.contains(geminiReason) ? "content_filter" : "stop";
  }

  /**
   * Why Gemini refused to answer, when it did: the prompt's {@code blockReason}, or a first
   * candidate ended by a safety, recitation or policy filter. Empty for any other answer.
   */
  public static Optional<String> blockReason(JsonNode answer) {
    String prompt = answer.path("promptFeedback").path("blockReason").asText("");
    if (!prompt.isEmpty()) {
      return Optional.of(prompt);
    }
    String finish = answer.path("candidates").path(0).path("finishReason").asText("");
    return FILTERED.contains(finish) ? Optional.of(finish) : Optional.empty();
  }
}
