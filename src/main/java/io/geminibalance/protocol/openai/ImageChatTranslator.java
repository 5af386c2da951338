package io.geminibalance.protocol.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * The chat model {@code <CREATE_IMAGE_MODEL>-chat}: a chat completion request whose last user
 * message is an Imagen prompt (with the same {@code {n:K}} and {@code {ratio:W:H}} tokens as
 * {@code /images/generations}), answered with one markdown image line per image.
 */
public final class ImageChatTranslator {
  private ImageChatTranslator() {}

  /**
   * The Imagen request of a chat request.
   *
   * @throws TranslationException naming {@code messages} when no user message has text
   */
  public static ImagesRequestTranslator.ImagesRequest request(JsonNode chat, String createImageModel) {
    JsonNode messages = chat.get("messages");
    if (messages == null || !messages.isArray() || messages.isEmpty()) {
      throw new TranslationException("messages", "'messages' must be a non-empty array");
    }
    for (int i = messages.size() - 1; i >= 0; i--) {
      JsonNode message = messages.get(i);
      if ("user".equals(message.path("role").asText())) {
        String prompt = text(message.get("content"), "messages[" + i + "].content");
        ObjectNode images = Json.object().put("prompt", prompt).put("response_format", "url");
        try {
          return ImagesRequestTranslator.translate(images, createImageModel);
        } catch (TranslationException e) {
          throw new TranslationException("messages[" + i + "].content", e.getMessage(), e.code());
        }
      }
    }
    throw new TranslationException("messages", "an image chat model needs a user message with the prompt");
  }

  private static String text(JsonNode content, String param) {
    if (content != null && content.isTextual()) {
      return content.asText();
    }
    if (content != null && content.isArray()) {
      List<String> texts = new ArrayList<>();
      for (JsonNode part : content) {
        if ("text".equals(part.path("type").asText()) && part.path("text").isTextual()) {
          texts.add(part.get("text").asText());
        }
      }
      if (!texts.isEmpty()) {
        return String.join("\n", texts);
      }
    }
    throw new TranslationException(param, "'" + param + "' must hold the prompt as text");
  }

  /** One markdown line per image, {@code ![image i](url)}, numbered from 1. */
  public static List<String> markdownLines(List<String> urls) {
    List<String> lines = new ArrayList<>(urls.size());
    for (int i = 0; i < urls.size(); i++) {
      lines.add("![image " + (i + 1) + "](" + urls.get(i) + ")");
    }
    return lines;
  }

  /** The whole answer. */
  public static ObjectNode completion(String id, long created, String model, List<String> lines) {
    ObjectNode completion = Json.object().put("id", id).put("object", "chat.completion").put("created", created)
        .put("model", model);
    ObjectNode choice = completion.putArray("choices").addObject().put("index", 0);
    choice.putObject("message").put("role", "assistant").put("content", String.join("\n\n", lines))
        .putNull("refusal");
    choice.put("finish_reason", "stop").putNull("logprobs");
    completion.putObject("usage").put("prompt_tokens", 0).put("completion_tokens", 0).put("total_tokens", 0);
    return completion;
  }

  /** The answer as a stream: the role, one chunk per image line, then the finish reason. */
  public static List<ObjectNode> chunks(String id, long created, String model, List<String> lines) {
    List<ObjectNode> chunks = new ArrayList<>();
    chunks.add(chunk(id, created, model, Json.object().put("role", "assistant").put("content", ""), null));
    for (int i = 0; i < lines.size(); i++) {
      chunks.add(chunk(id, created, model, Json.object().put("content", (i == 0 ? "" : "\n\n") + lines.get(i)),
          null));
    }
    chunks.add(chunk(id, created, model, Json.object(), "stop"));
    return chunks;
  }

  private static ObjectNode chunk(String id, long created, String model, ObjectNode delta, String finishReason) {
    ObjectNode chunk = Json.object().put("id", id).put("object", "chat.completion.chunk").put("created", created)
        .put("model", model);
    ObjectNode choice = chunk.putArray("choices").addObject().put("index", 0);
    choice.set("delta", delta);
    choice.put("finish_reason", finishReason);
    return chunk;
  }
}
