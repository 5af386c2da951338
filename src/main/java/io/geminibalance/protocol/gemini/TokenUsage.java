package io.geminibalance.protocol.gemini;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The tokens one answer used, as Google's {@code usageMetadata} reports them: what the request log
 * stores, the roll-ups add up, per-token limits charge and prices multiply. Every count is null
 * when the answer did not say (no usage read: an error, a stream cut before its last chunk).
 *
 * @param prompt input tokens as billed: {@code promptTokenCount} (cached content included, as
 *     Google counts it) plus {@code toolUsePromptTokenCount}
 * @param cached {@code cachedContentTokenCount}: the part of {@code prompt} served from a cache
 * @param output {@code candidatesTokenCount}
 * @param thinking {@code thoughtsTokenCount} (billed as output)
 * @param image image tokens of the prompt and the answer ({@code modality: IMAGE} in the details)
 * @param audio audio tokens of the prompt and the answer ({@code modality: AUDIO} in the details)
 */
public record TokenUsage(Integer prompt, Integer cached, Integer output, Integer thinking, Integer image,
    Integer audio) {

  /** No usage known. */
  public static final TokenUsage NONE = new TokenUsage(null, null, null, null, null, null);

  /** Whether any count is known. */
  public boolean known() {
    return prompt != null || output != null || thinking != null || cached != null || image != null || audio != null;
  }

  /** Answer tokens as billed: output and thinking (null when neither is known). */
  public Integer completion() {
    return output == null && thinking == null ? null : sum(output, thinking);
  }

  /** Prompt and completion: what per-token limits count. 0 when nothing is known. */
  public long total() {
    return (long) zero(prompt) + zero(output) + zero(thinking);
  }

  /**
   * The usage of one {@code usageMetadata} object (missing fields stay null; a missing or non-object
   * node is {@link #NONE}). A stream's chunks each carry the counts so far: the last one is the
   * answer's.
   */
  public static TokenUsage fromUsageMetadata(JsonNode usageMetadata) {
    return of(usageMetadata, "candidatesTokenCount", "candidatesTokensDetails");
  }

  /**
   * The usage of a Live API server message's {@code usageMetadata}: the same fields as
   * {@link #fromUsageMetadata}, but the answer's are {@code responseTokenCount} and
   * {@code responseTokensDetails}.
   */
  public static TokenUsage fromLiveUsage(JsonNode usageMetadata) {
    return of(usageMetadata, "responseTokenCount", "responseTokensDetails");
  }

  /** Both usages added, count by count, saturating; a count neither knows stays null. */
  public TokenUsage plus(TokenUsage other) {
    return new TokenUsage(added(prompt, other.prompt), added(cached, other.cached), added(output, other.output),
        added(thinking, other.thinking), added(image, other.image), added(audio, other.audio));
  }

  private static Integer added(Integer a, Integer b) {
    return a == null && b == null ? null : sum(a, b);
  }

  private static TokenUsage of(JsonNode usageMetadata, String outputField, String outputDetails) {
    if (usageMetadata == null || !usageMetadata.isObject()) {
      return NONE;
    }
    Integer prompt = count(usageMetadata, "promptTokenCount");
    Integer toolPrompt = count(usageMetadata, "toolUsePromptTokenCount");
    if (toolPrompt != null) {
      prompt = sum(prompt, toolPrompt);
    }
    Integer image = null;
    Integer audio = null;
    for (String details : new String[] {"promptTokensDetails", outputDetails, "toolUsePromptTokensDetails"}) {
      for (JsonNode entry : usageMetadata.path(details)) {
        Integer tokens = count(entry, "tokenCount");
        if (tokens == null) {
          continue;
        }
        switch (entry.path("modality").asText("")) {
          case "IMAGE" -> image = sum(image, tokens);
          case "AUDIO" -> audio = sum(audio, tokens);
          default -> { }
        }
      }
    }
    return new TokenUsage(prompt, count(usageMetadata, "cachedContentTokenCount"),
        count(usageMetadata, outputField), count(usageMetadata, "thoughtsTokenCount"), image, audio);
  }

  /**
   * The usage of an answer of Google's OpenAI-compatible API, its {@code usage} object: prompt
   * ({@code prompt_tokens}), cached ({@code prompt_tokens_details.cached_tokens}), thinking
   * ({@code completion_tokens_details.reasoning_tokens}), output the rest of the completion, audio
   * from both details. OpenAI counts reasoning inside {@code completion_tokens}; Google's endpoint
   * has left it out (its {@code total_tokens} is then prompt, completion and reasoning): the total
   * says which, so output is never the thinking counted twice.
   */
  public static TokenUsage fromOpenAiUsage(JsonNode usage) {
    if (usage == null || !usage.isObject()) {
      return NONE;
    }
    Integer prompt = count(usage, "prompt_tokens");
    Integer completion = count(usage, "completion_tokens");
    Integer total = count(usage, "total_tokens");
    JsonNode promptDetails = usage.path("prompt_tokens_details");
    JsonNode completionDetails = usage.path("completion_tokens_details");
    Integer reasoning = count(completionDetails, "reasoning_tokens");
    Integer output = completion;
    if (completion != null && reasoning != null && reasoning <= completion
        && (total == null || (long) zero(prompt) + completion + reasoning != total)) {
      output = completion - reasoning;
    }
    Integer audio = count(promptDetails, "audio_tokens");
    Integer answerAudio = count(completionDetails, "audio_tokens");
    if (answerAudio != null) {
      audio = sum(audio, answerAudio);
    }
    return new TokenUsage(prompt, count(promptDetails, "cached_tokens"), output, reasoning, null, audio);
  }

  /** The usage of a whole Gemini answer ({@code GenerateContentResponse}): its {@code usageMetadata}. */
  public static TokenUsage fromAnswer(JsonNode answer) {
    return answer == null ? NONE : fromUsageMetadata(answer.get("usageMetadata"));
  }

  /**
   * A count, at most {@link Integer#MAX_VALUE}: a larger one (a hostile or broken upstream) is
   * taken as that, not dropped, so it still costs what it says; a negative or non-integral one is
   * not known.
   */
  private static Integer count(JsonNode node, String field) {
    JsonNode value = node.get(field);
    if (value == null || !value.isIntegralNumber()) {
      return null;
    }
    if (value.canConvertToInt()) {
      return value.asInt() < 0 ? null : value.asInt();
    }
    return value.bigIntegerValue().signum() < 0 ? null : Integer.MAX_VALUE;
  }

  /**
   * Two counts added, at most {@link Integer#MAX_VALUE}: counts come from Google's bytes, and a sum
   * that wrapped would be logged, charged and counted as negative.
   */
  private static int sum(Integer a, Integer b) {
    return (int) Math.min(Integer.MAX_VALUE, (long) zero(a) + zero(b));
  }

  private static int zero(Integer value) {
    return value == null ? 0 : value;
  }
}
