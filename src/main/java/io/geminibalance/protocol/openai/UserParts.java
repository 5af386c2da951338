package io.geminibalance.protocol.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Maps the parts of one OpenAI user message ({@code text}, {@code image_url},
 * {@code input_audio}, {@code file}) to Gemini parts. Remote image URLs become a
 * {@link MediaPlaceholders placeholder} and are reported so the edge can fetch them.
 */
public final class UserParts {

  private static final Map<String, String> MIME_BY_EXTENSION = Map.ofEntries(
      Map.entry("png", "image/png"), Map.entry("jpg", "image/jpeg"), Map.entry("jpeg", "image/jpeg"),
      Map.entry("gif", "image/gif"), Map.entry("webp", "image/webp"), Map.entry("heic", "image/heic"),
      Map.entry("heif", "image/heif"), Map.entry("pdf", "application/pdf"), Map.entry("txt", "text/plain"),
      Map.entry("md", "text/markdown"), Map.entry("csv", "text/csv"), Map.entry("html", "text/html"),
      Map.entry("mp3", "audio/mp3"), Map.entry("wav", "audio/wav"), Map.entry("mp4", "video/mp4"));

  private UserParts() {}

  /** Adds the Gemini parts for {@code content} to {@code out}; remote URLs go to {@code mediaUrls}. */
  static void translate(JsonNode content, String param, List<ObjectNode> out, List<String> mediaUrls) {
    if (content == null || content.isNull()) {
      return;
    }
    if (content.isTextual()) {
      addText(content.asText(), out);
      return;
    }
    if (!content.isArray()) {
      throw new TranslationException(param, "'" + param + "' must be a string or an array of content parts");
    }
    for (int j = 0; j < content.size(); j++) {
      translatePart(content.get(j), param + "[" + j + "]", out, mediaUrls);
    }
  }

  private static void translatePart(JsonNode part, String param, List<ObjectNode> out, List<String> mediaUrls) {
    String type = Json.optString(part, "type", param + ".type")
        .orElseThrow(() -> new TranslationException(param + ".type", "content part needs a 'type'"));
    switch (type) {
      case "text" -> addText(Json.optString(part, "text", param + ".text").orElse(""), out);
      case "image_url" -> out.add(imagePart(part.get("image_url"), param + ".image_url", mediaUrls));
      case "input_audio" -> out.add(audioPart(part.get("input_audio"), param + ".input_audio"));
      case "file" -> out.add(filePart(part.get("file"), param + ".file"));
      default -> throw new TranslationException(param + ".type", "unsupported content part type '" + type + "'");
    }
  }

  public static void addText(String text, List<ObjectNode> out) {
    if (!text.isEmpty()) {
      out.add(Json.object().put("text", text));
    }
  }

  private static ObjectNode imagePart(JsonNode image, String param, List<String> mediaUrls) {
    String url = image != null && image.isTextual()
        ? image.asText()
        : Json.optString(image == null ? Json.object() : image, "url", param + ".url").orElse("");
    return image(url, param + ".url", mediaUrls);
  }

  /**
   * An image by URL: a data: URL inline, an http(s) URL as a placeholder reported in
   * {@code mediaUrls} for the edge to download; {@code param} names the URL's field.
   */
  public static ObjectNode image(String url, String param, List<String> mediaUrls) {
    if (DataUrl.isDataUrl(url)) {
      DataUrl data = DataUrl.parse(url)
          .orElseThrow(() -> new TranslationException(param, "malformed data URL"));
      return inlineData(data.mimeType(), data.base64());
    }
    String lower = url.toLowerCase(Locale.ROOT);
    if (!lower.startsWith("http://") && !lower.startsWith("https://")) {
      throw new TranslationException(param, "image URL must be an http(s) or data: URL");
    }
    if (!mediaUrls.contains(url)) {
      mediaUrls.add(url);
    }
    return MediaPlaceholders.placeholder(url, guessMime(url, "image/jpeg"));
  }

  private static ObjectNode audioPart(JsonNode audio, String param) {
    JsonNode safe = audio == null ? Json.object() : audio;
    String data = Json.optString(safe, "data", param + ".data")
        .orElseThrow(() -> new TranslationException(param + ".data", "input_audio needs base64 'data'"));
    String format = Json.optString(safe, "format", param + ".format")
        .orElseThrow(() -> new TranslationException(param + ".format", "input_audio needs a 'format'"));
    return inlineData("audio/" + format.toLowerCase(Locale.ROOT), data);
  }

  /** A file given inline ({@code file_data}, with {@code filename}); {@code file_id} is refused. */
  public static ObjectNode filePart(JsonNode file, String param) {
    JsonNode safe = file == null ? Json.object() : file;
    if (!Json.isMissing(safe, "file_id")) {
      throw new TranslationException(param + ".file_id", "file_id is not supported; send file_data");
    }
    String data = Json.optString(safe, "file_data", param + ".file_data")
        .orElseThrow(() -> new TranslationException(param + ".file_data", "file needs 'file_data'"));
    if (DataUrl.isDataUrl(data)) {
      DataUrl url = DataUrl.parse(data)
          .orElseThrow(() -> new TranslationException(param + ".file_data", "malformed data URL"));
      return inlineData(url.mimeType(), url.base64());
    }
    String filename = Json.optString(safe, "filename", param + ".filename").orElse("");
    String mime = guessMime(filename, null);
    if (mime == null) {
      throw new TranslationException(param + ".file_data", "cannot tell the file type; send a data: URL");
    }
    return inlineData(mime, data);
  }

  static ObjectNode inlineData(String mimeType, String base64) {
    ObjectNode part = Json.object();
    part.putObject("inlineData").put("mimeType", mimeType).put("data", base64);
    return part;
  }

  /** MIME type from a path's extension, ignoring any query string; {@code fallback} when unknown. */
  static String guessMime(String path, String fallback) {
    String clean = path.replaceFirst("[?#].*$", "").toLowerCase(Locale.ROOT);
    int dot = clean.lastIndexOf('.');
    int slash = clean.lastIndexOf('/');
    if (dot < 0 || dot < slash) {
      return fallback;
    }
    return MIME_BY_EXTENSION.getOrDefault(clean.substring(dot + 1), fallback);
  }
}
