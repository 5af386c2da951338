package io.geminibalance.protocol.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Gemini {@code usageMetadata} as Anthropic {@code usage}. Anthropic counts the prompt in three
 * parts that add up to the whole (uncached {@code input_tokens}, {@code cache_read_input_tokens},
 * {@code cache_creation_input_tokens}), and clients such as Claude Code add them up for the
 * context size; so Gemini's cached tokens go to {@code cache_read_input_tokens} and are taken out
 * of {@code input_tokens}, or they would be counted twice. Thoughts count as output, as
 * Anthropic bills thinking.
 */
public final class AnthropicUsage {
  private AnthropicUsage() {}

  /** The {@code usage} of a message; all counts 0 when Google sent none. */
  public static ObjectNode fromGemini(JsonNode usageMetadata) {
    JsonNode usage = usageMetadata == null ? Fields.object() : usageMetadata;
    long prompt = count(usage, "promptTokenCount") + count(usage, "toolUsePromptTokenCount");
    long cached = Math.min(prompt, count(usage, "cachedContentTokenCount"));
    ObjectNode out = Fields.object()
        .put("input_tokens", prompt - cached)
        .put("output_tokens", count(usage, "candidatesTokenCount") + count(usage, "thoughtsTokenCount"))
        .put("cache_creation_input_tokens", 0)
        .put("cache_read_input_tokens", cached);
    out.putNull("server_tool_use");
    out.put("service_tier", "standard");
    return out;
  }

  private static long count(JsonNode usage, String field) {
    return usage.path(field).asLong(0);
  }
}
