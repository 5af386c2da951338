package io.geminibalance.protocol.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Anthropic {@code messages} to Gemini {@code contents}. One instance per request: a
 * {@code tool_result} names only its {@code tool_use_id}, and Gemini wants the function's name,
 * so the names of the tool uses seen so far are remembered. Consecutive turns of one role are
 * merged (Anthropic allows them; Gemini wants turns to alternate).
 */
final class Conversation {
  private static final Set<String> IMAGE_TYPES = Set.of("image/jpeg", "image/png", "image/gif", "image/webp");
  private static final String PDF = "application/pdf";

  /** The translated conversation and the remote media it refers to, each URL once. */
  record Translated(ArrayNode contents, List<String> mediaUrls) {}

  private final Map<String, String> toolNames = new HashMap<>();
  private final List<String> mediaUrls = new ArrayList<>();
  private final ArrayNode contents = Fields.array();

  private Conversation() {}

  static Translated translate(JsonNode messages) {
    if (messages == null || messages.isNull()) {
      throw new AnthropicRequestException("messages", "Field required");
    }
    if (!messages.isArray() || messages.isEmpty()) {
      throw new AnthropicRequestException("messages", "must be a non-empty array");
    }
    Conversation conversation = new Conversation();
    for (int i = 0; i < messages.size(); i++) {
      conversation.accept(Fields.element(messages, i, "messages[" + i + "]"), "messages[" + i + "]");
    }
    if (conversation.contents.isEmpty()) {
      throw new AnthropicRequestException("messages", "every message is empty: there is nothing to answer");
    }
    return new Translated(conversation.contents, List.copyOf(conversation.mediaUrls));
  }

  private void accept(JsonNode message, String field) {
    String role = Fields.requiredString(message, "role", field + ".role");
    boolean user = switch (role) {
      case "user" -> true;
      case "assistant" -> false;
      default -> throw new AnthropicRequestException(field + ".role", "must be 'user' or 'assistant', not '"
          + role + "'");
    };
    JsonNode content = message.get("content");
    List<ObjectNode> parts = new ArrayList<>();
    if (content == null || content.isNull()) {
      throw new AnthropicRequestException(field + ".content", "Field required");
    } else if (content.isTextual()) {
      addText(content.asText(), parts);
    } else if (content.isArray()) {
      for (int j = 0; j < content.size(); j++) {
        String blockField = field + ".content[" + j + "]";
        JsonNode block = Fields.element(content, j, blockField);
        if (user) {
          userBlock(block, blockField, parts);
        } else {
          assistantBlock(block, blockField, parts);
        }
      }
    } else {
      throw new AnthropicRequestException(field + ".content", "must be a string or an array of content blocks");
    }
    add(user ? "user" : "model", parts);
  }

  private void add(String role, List<ObjectNode> parts) {
    if (parts.isEmpty()) {
      return;
    }
    JsonNode last = contents.isEmpty() ? null : contents.get(contents.size() - 1);
    ArrayNode into;
    if (last != null && last.path("role").asText().equals(role)) {
      into = (ArrayNode) last.get("parts");
    } else {
      ObjectNode turn = contents.addObject().put("role", role);
      into = turn.putArray("parts");
    }
    into.addAll(parts);
  }

  private void userBlock(JsonNode block, String field, List<ObjectNode> parts) {
    String type = Fields.requiredString(block, "type", field + ".type");
    switch (type) {
      case "text" -> addText(Fields.requiredString(block, "text", field + ".text"), parts);
      case "image" -> parts.add(image(block, field));
      case "document" -> document(block, field, parts);
      case "tool_result" -> toolResult(block, field, parts);
      case "tool_use", "thinking", "redacted_thinking" -> throw new AnthropicRequestException(field + ".type",
          "'" + type + "' blocks belong in assistant messages");
      default -> throw new AnthropicRequestException(field + ".type", "unsupported content block type '" + type
          + "' in a user message (supported: text, image, document, tool_result)");
    }
  }

  private void assistantBlock(JsonNode block, String field, List<ObjectNode> parts) {
    String type = Fields.requiredString(block, "type", field + ".type");
    switch (type) {
      case "text" -> addText(Fields.requiredString(block, "text", field + ".text"), parts);
      case "thinking" -> thinking(block, field, parts);
      case "redacted_thinking" -> Fields.optString(block, "data", field + ".data"); // nothing Gemini can use
      case "tool_use" -> parts.add(toolUse(block, field));
      default -> throw new AnthropicRequestException(field + ".type", "unsupported content block type '" + type
          + "' in an assistant message (supported: text, thinking, redacted_thinking, tool_use)");
    }
  }

  private static void addText(String text, List<ObjectNode> parts) {
    if (!text.isEmpty()) {
      parts.add(Fields.object().put("text", text));
    }
  }

  /** A thought sent back: Gemini matches its signature to the turn that produced it. */
  private static void thinking(JsonNode block, String field, List<ObjectNode> parts) {
    String thinking = Fields.optString(block, "thinking", field + ".thinking").orElse("");
    String signature = Fields.optString(block, "signature", field + ".signature").orElse("");
    if (thinking.isEmpty() && signature.isEmpty()) {
      return;
    }
    ObjectNode part = Fields.object().put("text", thinking).put("thought", true);
    if (!signature.isEmpty()) {
      part.put("thoughtSignature", signature);
    }
    parts.add(part);
  }

  private ObjectNode toolUse(JsonNode block, String field) {
    String id = Fields.requiredString(block, "id", field + ".id");
    String name = Fields.requiredString(block, "name", field + ".name");
    JsonNode input = block.get("input");
    if (input == null || input.isNull()) {
      throw new AnthropicRequestException(field + ".input", "Field required");
    }
    if (!input.isObject()) {
      throw new AnthropicRequestException(field + ".input", "must be an object");
    }
    toolNames.put(id, name);
    ObjectNode part = Fields.object();
    part.putObject("functionCall").put("name", name).set("args", input.deepCopy());
    ToolUseIds.signature(id).ifPresent(signature -> part.put("thoughtSignature", signature));
    return part;
  }

  /**
   * A tool's result as Gemini's {@code functionResponse}: its text under {@code content} (or
   * {@code error} when {@code is_error}); images in it follow as parts of their own, since a
   * function response holds no media.
   */
  private void toolResult(JsonNode block, String field, List<ObjectNode> parts) {
    String id = Fields.requiredString(block, "tool_use_id", field + ".tool_use_id");
    String name = toolNames.get(id);
    if (name == null) {
      throw new AnthropicRequestException(field + ".tool_use_id", "'" + id
          + "' matches no tool_use block of an earlier assistant message");
    }
    boolean error = Fields.bool(block, "is_error", field + ".is_error");
    StringBuilder text = new StringBuilder();
    List<ObjectNode> media = new ArrayList<>();
    JsonNode content = block.get("content");
    if (content != null && content.isTextual()) {
      text.append(content.asText());
    } else if (content != null && content.isArray()) {
      for (int k = 0; k < content.size(); k++) {
        String inner = field + ".content[" + k + "]";
        JsonNode item = Fields.element(content, k, inner);
        String type = Fields.requiredString(item, "type", inner + ".type");
        switch (type) {
          case "text" -> {
            if (!text.isEmpty()) {
              text.append('\n');
            }
            text.append(Fields.requiredString(item, "text", inner + ".text"));
          }
          case "image" -> media.add(image(item, inner));
          case "document" -> document(item, inner, media);
          default -> throw new AnthropicRequestException(inner + ".type", "unsupported block type '" + type
              + "' in a tool result (supported: text, image, document)");
        }
      }
    } else if (content != null && !content.isNull()) {
      throw new AnthropicRequestException(field + ".content", "must be a string or an array of content blocks");
    }
    ObjectNode part = Fields.object();
    ObjectNode response = part.putObject("functionResponse").put("name", name);
    response.putObject("response").put(error ? "error" : "content", text.toString());
    parts.add(part);
    parts.addAll(media);
  }

  private ObjectNode image(JsonNode block, String field) {
    ObjectNode source = Fields.requiredObject(block, "source", field + ".source");
    String type = Fields.requiredString(source, "type", field + ".source.type");
    return switch (type) {
      case "base64" -> {
        String mime = Fields.requiredString(source, "media_type", field + ".source.media_type")
            .toLowerCase(Locale.ROOT);
        if (!IMAGE_TYPES.contains(mime)) {
          throw new AnthropicRequestException(field + ".source.media_type", "must be one of image/jpeg, image/png,"
              + " image/gif, image/webp, not '" + mime + "'");
        }
        yield inlineData(mime, base64(source, field));
      }
      case "url" -> remote(source, field, "image/jpeg");
      case "file" -> throw new AnthropicRequestException(field + ".source.type",
          "file sources (Anthropic's Files API) are not supported; send base64 or url");
      default -> throw new AnthropicRequestException(field + ".source.type", "must be base64 or url, not '" + type
          + "'");
    };
  }

  private void document(JsonNode block, String field, List<ObjectNode> parts) {
    ObjectNode source = Fields.requiredObject(block, "source", field + ".source");
    String type = Fields.requiredString(source, "type", field + ".source.type");
    Fields.optString(block, "title", field + ".title");
    Fields.optString(block, "context", field + ".context");
    switch (type) {
      case "base64" -> {
        String mime = Fields.requiredString(source, "media_type", field + ".source.media_type")
            .toLowerCase(Locale.ROOT);
        if (!mime.equals(PDF)) {
          throw new AnthropicRequestException(field + ".source.media_type", "must be application/pdf, not '"
              + mime + "'");
        }
        parts.add(inlineData(PDF, base64(source, field)));
      }
      case "text" -> addText(Fields.requiredString(source, "data", field + ".source.data"), parts);
      case "url" -> parts.add(remote(source, field, PDF));
      case "content" -> {
        JsonNode content = source.get("content");
        if (content != null && content.isTextual()) {
          addText(content.asText(), parts);
          return;
        }
        if (content == null || !content.isArray()) {
          throw new AnthropicRequestException(field + ".source.content", "must be a string or an array of blocks");
        }
        for (int k = 0; k < content.size(); k++) {
          String inner = field + ".source.content[" + k + "]";
          JsonNode item = Fields.element(content, k, inner);
          String itemType = Fields.requiredString(item, "type", inner + ".type");
          switch (itemType) {
            case "text" -> addText(Fields.requiredString(item, "text", inner + ".text"), parts);
            case "image" -> parts.add(image(item, inner));
            default -> throw new AnthropicRequestException(inner + ".type", "must be text or image, not '"
                + itemType + "'");
          }
        }
      }
      case "file" -> throw new AnthropicRequestException(field + ".source.type",
          "file sources (Anthropic's Files API) are not supported; send base64, text, url or content");
      default -> throw new AnthropicRequestException(field + ".source.type",
          "must be base64, text, url or content, not '" + type + "'");
    }
  }

  private static String base64(JsonNode source, String field) {
    String data = Fields.requiredString(source, "data", field + ".source.data");
    if (data.isEmpty()) {
      throw new AnthropicRequestException(field + ".source.data", "must not be empty");
    }
    return data;
  }

  /**
   * A remote medium: a {@code fileData} placeholder with the URL, listed for the relay to
   * download (the translator does no I/O) and replace with {@code inlineData}.
   */
  private ObjectNode remote(JsonNode source, String field, String guessedMime) {
    String url = Fields.requiredString(source, "url", field + ".source.url");
    String lower = url.toLowerCase(Locale.ROOT);
    if (!lower.startsWith("http://") && !lower.startsWith("https://")) {
      throw new AnthropicRequestException(field + ".source.url", "must be an http(s) URL");
    }
    if (!mediaUrls.contains(url)) {
      mediaUrls.add(url);
    }
    ObjectNode part = Fields.object();
    part.putObject("fileData").put("mimeType", guessedMime).put("fileUri", url);
    return part;
  }

  private static ObjectNode inlineData(String mime, String base64) {
    ObjectNode part = Fields.object();
    part.putObject("inlineData").put("mimeType", mime).put("data", base64);
    return part;
  }
}
