package io.geminibalance.protocol.openai;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Locale;

/** Renders non-text Gemini parts as markdown, since OpenAI messages only carry text. */
public final class PartRenderer {

  private PartRenderer() {}

  /** Text as is, images as markdown data URLs, code and its output as fenced blocks. */
  public static String render(JsonNode part) {
    if (part.has("text")) {
      return part.path("text").asText("");
    }
    if (part.has("inlineData")) {
      JsonNode data = part.get("inlineData");
      return "\n\n![image](data:" + data.path("mimeType").asText("image/png") + ";base64,"
          + data.path("data").asText("") + ")\n\n";
    }
    if (part.has("executableCode")) {
      JsonNode code = part.get("executableCode");
      String language = code.path("language").asText("").toLowerCase(Locale.ROOT);
      return fence(language.equals("language_unspecified") ? "" : language, code.path("code").asText(""));
    }
    if (part.has("codeExecutionResult")) {
      return fence("", part.get("codeExecutionResult").path("output").asText(""));
    }
    return "";
  }

  private static String fence(String language, String body) {
    String trimmed = body.endsWith("\n") ? body : body + "\n";
    return "\n```" + language + "\n" + trimmed + "```\n";
  }

  /** A "sources" list with one markdown link per web grounding chunk; empty when none. */
  public static String searchLinks(JsonNode groundingMetadata) {
    StringBuilder links = new StringBuilder();
    for (JsonNode chunk : groundingMetadata.path("groundingChunks")) {
      JsonNode web = chunk.path("web");
      if (web.hasNonNull("uri")) {
        String title = web.path("title").asText(web.get("uri").asText());
        links.append("- [").append(title).append("](").append(web.get("uri").asText()).append(")\n");
      }
    }
    return links.isEmpty() ? "" : "\n\n---\n\n**Sources**\n\n" + links;
  }
}
