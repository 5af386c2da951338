package io.geminibalance.protocol.anthropic;

import java.util.Set;

/**
 * Gemini {@code finishReason} to Anthropic {@code stop_reason}. Gemini says STOP both at the end
 * of a turn and at a stop sequence, without saying which sequence, so a stop sequence is
 * {@code end_turn} and {@code stop_sequence} stays null.
 */
public final class StopReasons {
  private static final Set<String> REFUSED = Set.of("SAFETY", "RECITATION", "BLOCKLIST", "PROHIBITED_CONTENT",
      "SPII", "IMAGE_SAFETY", "IMAGE_PROHIBITED_CONTENT", "IMAGE_RECITATION");

  private StopReasons() {}

  /**
   * @param finishReason Gemini's, null when it sent none
   * @param toolUse whether the answer asks for a tool
   */
  public static String map(String finishReason, boolean toolUse) {
    if (finishReason != null && REFUSED.contains(finishReason)) {
      return "refusal";
    }
    if ("MAX_TOKENS".equals(finishReason)) {
      return "max_tokens";
    }
    return toolUse ? "tool_use" : "end_turn";
  }
}
