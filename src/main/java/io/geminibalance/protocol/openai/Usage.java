package io.geminibalance.protocol.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** Gemini {@code usageMetadata} to OpenAI {@code usage} (PROTOCOL §7). */
public final class Usage {

  private Usage() {}

  /**
   * OpenAI counts reasoning inside completion tokens and tool-use prompts inside prompt
   * tokens, so thoughts and tool-use prompt tokens are added in. Missing counts are 0.
   */
  public static ObjectNode fromGemini(JsonNode usageMetadata) {
    JsonNode usage = usageMetadata == null ? Json.object() : usageMetadata;
    long prompt = count(usage, "promptTokenCount") + count(usage, "toolUsePromptTokenCount");
    long thoughts = count(usage, "thoughtsTokenCount");
    long completion = count(usage, "candidatesTokenCount") + thoughts;
    long total = usage.has("totalTokenCount") ? count(usage, "totalTokenCount") : prompt + completion;
    ObjectNode out = Json.object()
        .put("prompt_tokens", prompt)
        .put("completion_tokens", completion)
        .put("total_tokens", total);
    out.putObject("prompt_tokens_details").put("cached_tokens", count(usage, "cachedContentTokenCount"));
    out.putObject("completion_tokens_details").put("reasoning_tokens", thoughts);
    return out;
  }

  private static long count(JsonNode usage, String field) {
    return usage.path(field).asLong(0);
  }
}
