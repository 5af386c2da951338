package io.geminibalance.protocol.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Gemini {@code GenerateContentResponse} to OpenAI {@code chat.completion} (PROTOCOL §7).
 * Thought signatures of function calls are recorded into the context's cache.
 */
public final class ChatResponseTranslator {

  private final TranslationOptions options;

  public ChatResponseTranslator(TranslationOptions options) {
    this.options = options;
  }

  /** @throws MalformedUpstreamException when the body is not a response object */
  public ObjectNode toCompletion(JsonNode response, ResponseContext context) {
    String problem = shapeProblem(response);
    if (problem != null) {
      throw new MalformedUpstreamException(problem);
    }
    ObjectNode completion = Json.object()
        .put("id", context.id())
        .put("object", "chat.completion")
        .put("created", context.created())
        .put("model", context.model());
    JsonNode candidates = response.path("candidates");
    ArrayNode choices = completion.putArray("choices");
    if (candidates.isEmpty() && response.path("promptFeedback").hasNonNull("blockReason")) {
      choices.add(blockedChoice(response.get("promptFeedback")));
    } else {
      readAll(candidates, context).forEach(read -> choices.add(choice(read, candidates)));
    }
    completion.set("usage", Usage.fromGemini(response.get("usageMetadata")));
    return completion;
  }

  /**
   * Why a response (or stream event) cannot be read at all, or null when it can. Anything else
   * of a wrong type is read leniently (a missing text is no text), but without an object and a
   * {@code candidates} array there is nothing to index into.
   */
  public static String shapeProblem(JsonNode response) {
    if (response == null || !response.isObject()) {
      return "Gemini response is not a JSON object";
    }
    JsonNode candidates = response.get("candidates");
    if (candidates != null && !candidates.isNull() && !candidates.isArray()) {
      return "Gemini response 'candidates' is not an array";
    }
    return null;
  }

  private List<CandidateReader.Read> readAll(JsonNode candidates, ResponseContext context) {
    List<CandidateReader.Read> reads = new ArrayList<>();
    for (int position = 0; position < candidates.size(); position++) {
      reads.add(CandidateReader.read(candidates.get(position), position, context, options));
    }
    reads.sort(Comparator.comparingInt(CandidateReader.Read::index));
    return reads;
  }

  private static ObjectNode choice(CandidateReader.Read read, JsonNode candidates) {
    ObjectNode choice = Json.object().put("index", read.index());
    ObjectNode message = choice.putObject("message").put("role", "assistant");
    message.put("content", read.content());
    message.putNull("refusal");
    if (read.reasoning() != null) {
      message.put("reasoning_content", read.reasoning());
    }
    if (!read.toolCalls().isEmpty()) {
      message.putArray("tool_calls").addAll(read.toolCalls());
    }
    choice.put("finish_reason", FinishReasons.map(read.finishReason(), !read.toolCalls().isEmpty()));
    choice.set("logprobs", Logprobs.fromGemini(candidates.path(read.position()).get("logprobsResult")));
    return choice;
  }

  /** The one choice of a blocked prompt: no content, the reason stated in {@code refusal}. */
  static ObjectNode blockedChoice(JsonNode promptFeedback) {
    ObjectNode choice = Json.object().put("index", 0);
    ObjectNode message = choice.putObject("message").put("role", "assistant");
    message.putNull("content");
    message.put("refusal", blockMessage(promptFeedback));
    choice.put("finish_reason", "content_filter");
    choice.putNull("logprobs");
    return choice;
  }

  static String blockMessage(JsonNode promptFeedback) {
    String reason = promptFeedback.path("blockReason").asText("BLOCKED_REASON_UNSPECIFIED");
    String detail = promptFeedback.path("blockReasonMessage").asText("");
    return "The prompt was blocked by Gemini (blockReason: " + reason + ")"
        + (detail.isEmpty() ? "." : ": " + detail);
  }
}
