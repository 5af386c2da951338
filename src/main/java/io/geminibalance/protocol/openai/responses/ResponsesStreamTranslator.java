package io.geminibalance.protocol.openai.responses;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.geminibalance.protocol.openai.ChatResponseTranslator;
import io.geminibalance.protocol.openai.FinishReasons;
import io.geminibalance.protocol.openai.Json;
import io.geminibalance.protocol.openai.MalformedUpstreamException;
import io.geminibalance.protocol.openai.PartRenderer;
import io.geminibalance.protocol.openai.ThoughtSignatureCache;
import io.geminibalance.protocol.openai.TranslationOptions;
import io.geminibalance.protocol.openai.Usage;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Gemini's answer (SSE events, or one whole body) to a Response object and the Responses event
 * sequence: {@code response.created}, {@code response.in_progress}, then per output item
 * {@code output_item.added}, its parts and deltas, {@code output_item.done}, and at the end
 * {@code response.completed} (or {@code response.incomplete}, or {@code response.failed} when the
 * upstream stream broke or reported an error). Every event has {@code type} and an increasing
 * {@code sequence_number}. One instance per answer; not thread-safe.
 *
 * <p>Output items: thought summaries are a {@code reasoning} item; Gemini's thought signature
 * goes into a reasoning item's {@code encrypted_content}, placed before the part that carried it
 * (or after the message it arrived in, when it came late), so that sending the items back keeps
 * it ({@link InputItems}). Text, images and code become one {@code message} with one
 * {@code output_text}; each function call a {@code function_call} item whose {@code call_id} is
 * Gemini's call id or a fresh {@code call_...}. Only the first candidate is read: the Responses
 * API has one output.
 */
public final class ResponsesStreamTranslator {

  private enum Open { NONE, REASONING, MESSAGE }

  private final TranslationOptions options;
  private final ResponsesContext context;
  private final ArrayNode output = Json.array();
  private int sequence;
  private boolean started;
  private boolean ended;
  private boolean failed;
  private Open open = Open.NONE;
  private ObjectNode item;
  private final StringBuilder text = new StringBuilder();
  private String lateSignature;
  private JsonNode lastUsage;
  private String finishReason;
  private String blockMessage;
  private ObjectNode finalResponse;

  public ResponsesStreamTranslator(TranslationOptions options, ResponsesContext context) {
    this.options = options;
    this.context = context;
  }

  /**
   * The whole answer as one Response object.
   *
   * @throws MalformedUpstreamException when the body is not a Gemini response
   */
  public static ObjectNode toResponse(JsonNode gemini, TranslationOptions options, ResponsesContext context) {
    String problem = ChatResponseTranslator.shapeProblem(gemini);
    if (problem != null) {
      throw new MalformedUpstreamException(problem);
    }
    ResponsesStreamTranslator translator = new ResponsesStreamTranslator(options, context);
    translator.onEvent(gemini);
    translator.onEnd();
    return translator.response();
  }

  /** The events for one upstream event (the first call also opens the response). Never throws. */
  public List<ObjectNode> onEvent(JsonNode event) {
    List<ObjectNode> events = new ArrayList<>();
    if (failed || ended) {
      return events;
    }
    start(events);
    if (event != null && event.hasNonNull("error")) {
      JsonNode error = event.get("error");
      String status = error.path("status").asText("");
      fail(events, error.path("message").asText("Upstream stream failed"),
          status.isEmpty() ? "server_error" : status.toLowerCase(Locale.ROOT));
      return events;
    }
    String problem = ChatResponseTranslator.shapeProblem(event);
    if (problem != null) {
      fail(events, "upstream stream event was malformed: " + problem, "bad_gateway");
      return events;
    }
    if (event.hasNonNull("usageMetadata")) {
      lastUsage = event.get("usageMetadata");
    }
    JsonNode candidates = event.path("candidates");
    if (candidates.isEmpty()) {
      if (event.path("promptFeedback").hasNonNull("blockReason")) {
        blockMessage = ChatResponseTranslator.blockMessage(event.get("promptFeedback"));
      }
      return events;
    }
    JsonNode candidate = candidates.get(0);
    for (JsonNode part : candidate.path("content").path("parts")) {
      part(events, part);
    }
    if (options.showSearchLink()) {
      String links = PartRenderer.searchLinks(candidate.path("groundingMetadata"));
      if (!links.isEmpty()) {
        text(events, links);
      }
    }
    if (candidate.hasNonNull("finishReason")) {
      finishReason = candidate.get("finishReason").asText();
    }
    return events;
  }

  /** The closing events once upstream ended normally. */
  public List<ObjectNode> onEnd() {
    List<ObjectNode> events = new ArrayList<>();
    if (failed || ended) {
      return events;
    }
    start(events);
    close(events);
    if (lateSignature != null) {
      addReasoning(events, "", lateSignature);
      lateSignature = null;
    }
    if (blockMessage != null) {
      refusal(events, blockMessage);
    }
    ended = true;
    ObjectNode response = snapshot(status());
    if (!status().equals("completed")) {
      response.putObject("incomplete_details").put("reason", incompleteReason());
    }
    response.set("usage", usage(lastUsage));
    finalResponse = response;
    events.add(event(status().equals("completed") ? "response.completed" : "response.incomplete")
        .set("response", response));
    return events;
  }

  /** The closing event when the upstream stream broke: {@code response.failed}. */
  public List<ObjectNode> onFailure(String message) {
    return onFailure(message, "upstream_stream_interrupted");
  }

  /** {@code response.failed} with this error code (a token cut mid-stream: {@code invalid_api_key}). */
  public List<ObjectNode> onFailure(String message, String code) {
    List<ObjectNode> events = new ArrayList<>();
    if (failed || ended) {
      return events;
    }
    start(events);
    fail(events, message, code);
    return events;
  }

  /** True once the answer ended in {@code response.failed}. */
  public boolean failed() {
    return failed;
  }

  /** The final Response object after {@link #onEnd()} (or the failed one); null before. */
  public ObjectNode response() {
    return finalResponse;
  }

  /** The output items so far (complete ones only). */
  public ArrayNode output() {
    return output;
  }

  private void start(List<ObjectNode> events) {
    if (started) {
      return;
    }
    started = true;
    events.add(event("response.created").set("response", snapshot("in_progress")));
    events.add(event("response.in_progress").set("response", snapshot("in_progress")));
  }

  private void fail(List<ObjectNode> events, String message, String code) {
    close(events, "incomplete");
    failed = true;
    ObjectNode response = snapshot("failed");
    response.putObject("error").put("code", code).put("message", message);
    response.set("usage", usage(lastUsage));
    finalResponse = response;
    events.add(event("response.failed").set("response", response));
  }

  private void part(List<ObjectNode> events, JsonNode part) {
    String signature = part.hasNonNull("thoughtSignature") ? part.get("thoughtSignature").asText() : null;
    if (part.has("functionCall")) {
      if (open == Open.REASONING && signature != null) {
        item.put("encrypted_content", signature);
        close(events);
      } else {
        close(events);
        if (signature != null) {
          addReasoning(events, "", signature);
        }
      }
      functionCall(events, part.get("functionCall"), signature);
    } else if (part.path("thought").asBoolean(false)) {
      String thought = part.path("text").asText("");
      if (open != Open.REASONING) {
        close(events);
        openReasoning(events);
      }
      if (!thought.isEmpty()) {
        text.append(thought);
        events.add(itemEvent("response.reasoning_summary_text.delta").put("summary_index", 0)
            .put("delta", thought));
      }
      if (signature != null) {
        item.put("encrypted_content", signature);
      }
    } else {
      String rendered = PartRenderer.render(part);
      if (signature != null) {
        if (open == Open.REASONING) {
          item.put("encrypted_content", signature);
          close(events);
        } else if (open == Open.MESSAGE) {
          lateSignature = signature;
        } else {
          addReasoning(events, "", signature);
        }
      }
      if (!rendered.isEmpty()) {
        text(events, rendered);
      }
    }
  }

  private void text(List<ObjectNode> events, String delta) {
    if (open != Open.MESSAGE) {
      close(events);
      openMessage(events);
    }
    text.append(delta);
    events.add(itemEvent("response.output_text.delta").put("content_index", 0).put("delta", delta)
        .set("logprobs", Json.array()));
  }

  /** A blocked prompt's answer: one message whose content is a refusal stating Gemini's reason. */
  private void refusal(List<ObjectNode> events, String reason) {
    ObjectNode message = Json.object().put("id", "msg_" + context.ids().get()).put("type", "message")
        .put("status", "in_progress").put("role", "assistant");
    message.putArray("content");
    int index = output.size();
    String id = message.get("id").asText();
    events.add(event("response.output_item.added").put("output_index", index).set("item", message.deepCopy()));
    ObjectNode empty = Json.object().put("type", "refusal").put("refusal", "");
    events.add(event("response.content_part.added").put("item_id", id).put("output_index", index)
        .put("content_index", 0).set("part", empty));
    events.add(event("response.refusal.delta").put("item_id", id).put("output_index", index)
        .put("content_index", 0).put("delta", reason));
    events.add(event("response.refusal.done").put("item_id", id).put("output_index", index)
        .put("content_index", 0).put("refusal", reason));
    ObjectNode part = Json.object().put("type", "refusal").put("refusal", reason);
    events.add(event("response.content_part.done").put("item_id", id).put("output_index", index)
        .put("content_index", 0).set("part", part.deepCopy()));
    message.put("status", "completed");
    ((ArrayNode) message.get("content")).add(part);
    events.add(event("response.output_item.done").put("output_index", index).set("item", message.deepCopy()));
    output.add(message);
  }

  private void openReasoning(List<ObjectNode> events) {
    open = Open.REASONING;
    item = Json.object().put("id", "rs_" + context.ids().get()).put("type", "reasoning");
    item.putArray("summary");
    events.add(event("response.output_item.added").put("output_index", output.size()).set("item", item.deepCopy()));
    events.add(itemEvent("response.reasoning_summary_part.added").put("summary_index", 0)
        .set("part", summaryPart("")));
  }

  private void openMessage(List<ObjectNode> events) {
    open = Open.MESSAGE;
    item = Json.object().put("id", "msg_" + context.ids().get()).put("type", "message")
        .put("status", "in_progress").put("role", "assistant");
    item.putArray("content");
    events.add(event("response.output_item.added").put("output_index", output.size()).set("item", item.deepCopy()));
    events.add(itemEvent("response.content_part.added").put("content_index", 0).set("part", outputText("")));
  }

  /** Ends the open reasoning or message item, if any. */
  private void close(List<ObjectNode> events) {
    close(events, "completed");
  }

  /** Ends the open item; a message cut short by a failure is {@code incomplete}. */
  private void close(List<ObjectNode> events, String messageStatus) {
    switch (open) {
      case NONE -> {
        return;
      }
      case REASONING -> {
        String summary = text.toString();
        if (!summary.isEmpty()) {
          events.add(itemEvent("response.reasoning_summary_text.done").put("summary_index", 0)
              .put("text", summary));
          events.add(itemEvent("response.reasoning_summary_part.done").put("summary_index", 0)
              .set("part", summaryPart(summary)));
          ((ArrayNode) item.get("summary")).add(summaryPart(summary));
        }
      }
      case MESSAGE -> {
        String answer = text.toString();
        events.add(itemEvent("response.output_text.done").put("content_index", 0).put("text", answer)
            .set("logprobs", Json.array()));
        events.add(itemEvent("response.content_part.done").put("content_index", 0).set("part", outputText(answer)));
        item.put("status", messageStatus);
        ((ArrayNode) item.get("content")).add(outputText(answer));
      }
    }
    events.add(event("response.output_item.done").put("output_index", output.size()).set("item", item.deepCopy()));
    output.add(item);
    open = Open.NONE;
    item = null;
    text.setLength(0);
  }

  private void addReasoning(List<ObjectNode> events, String summary, String signature) {
    ObjectNode reasoning = Json.object().put("id", "rs_" + context.ids().get()).put("type", "reasoning");
    ArrayNode parts = reasoning.putArray("summary");
    if (!summary.isEmpty()) {
      parts.add(summaryPart(summary));
    }
    reasoning.put("encrypted_content", signature);
    events.add(event("response.output_item.added").put("output_index", output.size())
        .set("item", reasoning.deepCopy()));
    events.add(event("response.output_item.done").put("output_index", output.size()).set("item", reasoning.deepCopy()));
    output.add(reasoning);
  }

  private void functionCall(List<ObjectNode> events, JsonNode call, String signature) {
    String upstreamId = call.hasNonNull("id") ? call.get("id").asText() : null;
    String callId = upstreamId != null ? upstreamId : "call_" + context.ids().get();
    String name = call.path("name").asText();
    String arguments = Json.write(call.hasNonNull("args") ? call.get("args") : Json.object());
    String itemId = "fc_" + context.ids().get();
    ObjectNode fc = Json.object().put("id", itemId).put("type", "function_call").put("status", "in_progress")
        .put("arguments", "").put("call_id", callId).put("name", name);
    int index = output.size();
    events.add(event("response.output_item.added").put("output_index", index).set("item", fc.deepCopy()));
    events.add(event("response.function_call_arguments.delta").put("item_id", itemId).put("output_index", index)
        .put("delta", arguments));
    events.add(event("response.function_call_arguments.done").put("item_id", itemId).put("output_index", index)
        .put("name", name).put("arguments", arguments));
    fc.put("status", "completed").put("arguments", arguments);
    events.add(event("response.output_item.done").put("output_index", index).set("item", fc.deepCopy()));
    output.add(fc);
    ThoughtSignatureCache cache = context.cache();
    if (cache != null && (signature != null || upstreamId != null)) {
      cache.put(callId, new ThoughtSignatureCache.Entry(name, signature, upstreamId), context.nowMillis());
    }
  }

  private String status() {
    return incompleteReason() == null ? "completed" : "incomplete";
  }

  private String incompleteReason() {
    if (blockMessage != null) {
      return "content_filter";
    }
    if (finishReason == null) {
      return null;
    }
    return switch (FinishReasons.map(finishReason, false)) {
      case "length" -> "max_output_tokens";
      case "content_filter" -> "content_filter";
      default -> null;
    };
  }

  /** The Response object with the output so far. */
  private ObjectNode snapshot(String status) {
    ObjectNode response = Json.object().put("id", context.id()).put("object", "response")
        .put("created_at", context.createdAt()).put("status", status).put("background", false);
    response.putNull("error");
    response.putNull("incomplete_details");
    response.setAll(context.echo().deepCopy());
    response.set("output", output.deepCopy());
    response.putNull("usage");
    return response;
  }

  private ObjectNode event(String type) {
    return Json.object().put("type", type).put("sequence_number", sequence++);
  }

  private ObjectNode itemEvent(String type) {
    return event(type).put("item_id", item.get("id").asText()).put("output_index", output.size());
  }

  private static ObjectNode summaryPart(String summary) {
    return Json.object().put("type", "summary_text").put("text", summary);
  }

  private static ObjectNode outputText(String text) {
    ObjectNode part = Json.object().put("type", "output_text").put("text", text);
    part.putArray("annotations");
    part.putArray("logprobs");
    return part;
  }

  /** Gemini usage in the Responses API's names: input/output tokens and their details. */
  static ObjectNode usage(JsonNode usageMetadata) {
    ObjectNode chat = Usage.fromGemini(usageMetadata);
    ObjectNode usage = Json.object()
        .put("input_tokens", chat.get("prompt_tokens").longValue());
    usage.putObject("input_tokens_details")
        .put("cached_tokens", chat.path("prompt_tokens_details").path("cached_tokens").longValue())
        .put("cache_write_tokens", 0); // Gemini's implicit cache reports reads only
    usage.put("output_tokens", chat.get("completion_tokens").longValue());
    usage.putObject("output_tokens_details")
        .put("reasoning_tokens", chat.path("completion_tokens_details").path("reasoning_tokens").longValue());
    usage.put("total_tokens", chat.get("total_tokens").longValue());
    return usage;
  }
}
