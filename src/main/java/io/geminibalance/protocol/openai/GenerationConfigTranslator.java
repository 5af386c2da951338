package io.geminibalance.protocol.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * OpenAI sampling, length, stop, logprobs, {@code response_format} and reasoning fields to
 * Gemini {@code generationConfig}. Nothing is defaulted: a field the client leaves out is
 * left to Gemini's own default.
 */
final class GenerationConfigTranslator {

  private static final int MAX_STOP_SEQUENCES = 5;

  private GenerationConfigTranslator() {}

  static ObjectNode translate(JsonNode request, ModelName model, TranslationOptions options) {
    ObjectNode config = Json.object();
    copyNumber(request, "temperature", config, "temperature");
    copyNumber(request, "top_p", config, "topP");
    copyNumber(request, "top_k", config, "topK");
    copyNumber(request, "presence_penalty", config, "presencePenalty");
    copyNumber(request, "frequency_penalty", config, "frequencyPenalty");
    Json.optInt(request, "seed", "seed").ifPresent(seed -> config.put("seed", seed));
    maxOutputTokens(request, config);
    candidateCount(request, config);
    stopSequences(request, config);
    logprobs(request, config);
    ResponseFormats.apply(request, config);
    if (model.image()) {
      config.putArray("responseModalities").add("TEXT").add("IMAGE");
    }
    ThinkingConfigs.choose(model, request, options).ifPresent(t -> config.set("thinkingConfig", t));
    return config;
  }

  private static void copyNumber(JsonNode request, String field, ObjectNode config, String target) {
    Json.optNumber(request, field, field).ifPresent(value -> config.set(target, value.deepCopy()));
  }

  // max_completion_tokens replaced the deprecated max_tokens; it wins when both are sent.
  private static void maxOutputTokens(JsonNode request, ObjectNode config) {
    Integer tokens = Json.optInt(request, "max_completion_tokens", "max_completion_tokens")
        .orElseGet(() -> Json.optInt(request, "max_tokens", "max_tokens").orElse(null));
    if (tokens != null) {
      if (tokens < 1) {
        String param = Json.isMissing(request, "max_completion_tokens") ? "max_tokens" : "max_completion_tokens";
        throw new TranslationException(param, "'" + param + "' must be at least 1");
      }
      config.put("maxOutputTokens", tokens);
    }
  }

  private static void candidateCount(JsonNode request, ObjectNode config) {
    Json.optInt(request, "n", "n").ifPresent(n -> {
      if (n < 1) {
        throw new TranslationException("n", "'n' must be at least 1");
      }
      if (n > 1) {
        config.put("candidateCount", n);
      }
    });
  }

  private static void stopSequences(JsonNode request, ObjectNode config) {
    if (Json.isMissing(request, "stop")) {
      return;
    }
    JsonNode stop = request.get("stop");
    ArrayNode sequences = Json.array();
    if (stop.isTextual()) {
      sequences.add(stop.asText());
    } else if (stop.isArray() && stop.size() <= MAX_STOP_SEQUENCES) {
      for (JsonNode sequence : stop) {
        if (!sequence.isTextual()) {
          throw new TranslationException("stop", "'stop' entries must be strings");
        }
        sequences.add(sequence.asText());
      }
    } else {
      throw new TranslationException("stop", "'stop' must be a string or an array of at most 5 strings");
    }
    if (!sequences.isEmpty()) {
      config.set("stopSequences", sequences);
    }
  }

  private static void logprobs(JsonNode request, ObjectNode config) {
    if (Json.optBoolean(request, "logprobs", "logprobs")) {
      config.put("responseLogprobs", true);
      Json.optInt(request, "top_logprobs", "top_logprobs").ifPresent(n -> config.put("logprobs", n));
    }
  }
}
