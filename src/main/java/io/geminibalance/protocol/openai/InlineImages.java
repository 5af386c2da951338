package io.geminibalance.protocol.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The images a translated chat answer carries as markdown data URLs ({@code ![image](data:...)},
 * as Gemini's {@code inlineData} parts are rendered), found so the relay can upload them to the
 * image host, and put back as the hosted URLs. The data URL itself marks the place: the
 * translation stays as it is without a host.
 */
public final class InlineImages {
  private static final String MARK = "![image](data:";
  private static final Pattern IMAGE = Pattern.compile(
      "!\\[image]\\(data:([A-Za-z0-9.+-]+/[A-Za-z0-9.+-]+);base64,([A-Za-z0-9+/=]+)\\)");

  /** One image: its data URL as written, its type and its bytes as base64. */
  public record Found(String dataUrl, String mimeType, String base64) {}

  private InlineImages() {}

  /** The distinct images in every choice's content, in order. */
  public static List<Found> find(JsonNode completion) {
    return find(completion, "message");
  }

  /** The distinct images in a stream chunk's ({@code chat.completion.chunk}) deltas, in order. */
  public static List<Found> findInChunk(JsonNode chunk) {
    return find(chunk, "delta");
  }

  /**
   * Whether a stream chunk's deltas may carry an image: a plain substring test, cheap enough for
   * every chunk of a stream; {@link #findInChunk} then reads the images.
   */
  public static boolean mayHaveImage(JsonNode chunk) {
    for (JsonNode choice : chunk.path("choices")) {
      JsonNode content = choice.path("delta").path("content");
      if (content.isTextual() && content.textValue().contains(MARK)) {
        return true;
      }
    }
    return false;
  }

  private static List<Found> find(JsonNode answer, String field) {
    Map<String, Found> found = new LinkedHashMap<>();
    for (JsonNode choice : answer.path("choices")) {
      Matcher m = IMAGE.matcher(choice.path(field).path("content").asText(""));
      while (m.find()) {
        String dataUrl = "data:" + m.group(1) + ";base64," + m.group(2);
        found.putIfAbsent(dataUrl, new Found(dataUrl, m.group(1), m.group(2)));
      }
    }
    return new ArrayList<>(found.values());
  }

  /** Replaces each data URL that has a hosted URL in {@code hosted} (the others stay) in every choice. */
  public static void replace(ObjectNode completion, Map<String, String> hosted) {
    replace(completion, "message", hosted);
  }

  /** As {@link #replace(ObjectNode, Map)} in a stream chunk's deltas. */
  public static void replaceInChunk(ObjectNode chunk, Map<String, String> hosted) {
    replace(chunk, "delta", hosted);
  }

  private static void replace(ObjectNode answer, String field, Map<String, String> hosted) {
    for (JsonNode choice : answer.path("choices")) {
      JsonNode message = choice.path(field);
      if (message instanceof ObjectNode object && message.path("content").isTextual()) {
        Matcher m = IMAGE.matcher(message.get("content").asText());
        object.put("content", m.replaceAll(match -> {
          String url = hosted.get("data:" + match.group(1) + ";base64," + match.group(2));
          return Matcher.quoteReplacement(url == null ? match.group() : "![image](" + url + ")");
        }));
      }
    }
  }
}
