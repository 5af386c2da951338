package io.geminibalance.protocol.openai;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/** Reads the text of a system or assistant message: a string, or text/refusal parts. */
final class TextContent {

  private TextContent() {}

  /** The message text; several text parts are joined with a newline, other parts ignored. */
  static String join(JsonNode content, String param) {
    if (content == null || content.isNull()) {
      return "";
    }
    if (content.isTextual()) {
      return content.asText();
    }
    if (!content.isArray()) {
      throw new TranslationException(param, "'" + param + "' must be a string or an array of content parts");
    }
    List<String> texts = new ArrayList<>();
    for (JsonNode part : content) {
      String type = part.path("type").asText();
      JsonNode text = type.equals("refusal") ? part.get("refusal") : part.get("text");
      if ((type.equals("text") || type.equals("refusal")) && text != null && text.isTextual()
          && !text.asText().isEmpty()) {
        texts.add(text.asText());
      }
    }
    return String.join("\n", texts);
  }
}
