package io.geminibalance.protocol.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Gemini {@code logprobsResult} to OpenAI {@code choices[k].logprobs}: one entry per chosen
 * token, with the alternatives Gemini ranked at the same step as {@code top_logprobs}.
 * Gemini gives no token bytes, so {@code bytes} is null.
 */
final class Logprobs {

  private Logprobs() {}

  /** The OpenAI logprobs object, or null when the candidate carries none. */
  static ObjectNode fromGemini(JsonNode logprobsResult) {
    JsonNode chosen = logprobsResult == null ? null : logprobsResult.get("chosenCandidates");
    if (chosen == null || !chosen.isArray()) {
      return null;
    }
    JsonNode top = logprobsResult.path("topCandidates");
    ObjectNode logprobs = Json.object();
    ArrayNode content = logprobs.putArray("content");
    for (int i = 0; i < chosen.size(); i++) {
      ObjectNode entry = token(chosen.get(i));
      ArrayNode alternatives = entry.putArray("top_logprobs");
      for (JsonNode alternative : top.path(i).path("candidates")) {
        alternatives.add(token(alternative));
      }
      content.add(entry);
    }
    logprobs.putNull("refusal");
    return logprobs;
  }

  private static ObjectNode token(JsonNode candidate) {
    ObjectNode token = Json.object().put("token", candidate.path("token").asText(""));
    token.put("logprob", candidate.path("logProbability").asDouble(0));
    token.putNull("bytes");
    return token;
  }
}
