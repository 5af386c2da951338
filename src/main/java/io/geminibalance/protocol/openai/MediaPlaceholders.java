package io.geminibalance.protocol.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import java.util.Objects;

/**
 * The hand-off for remote images. The translator may not do I/O, so an http(s) image becomes
 * a {@code fileData} part with the URL as {@code fileUri} (the shape Gemini itself uses for
 * external media) and the URL is listed in the translated request. The edge downloads the
 * listed URLs and calls {@link #withFetchedMedia} to swap the placeholders for
 * {@code inlineData}; a URL it did not fetch is left as {@code fileData}.
 *
 * <p>The downloaded bytes go into the tree as they are (a binary node): Jackson writes them as
 * base64 when the body is serialised, straight into the output, so no base64 copy of an image is
 * ever held, neither as a string in the tree nor as an array.
 */
public final class MediaPlaceholders {

  /**
   * A downloaded medium: its real MIME type (from the response) and its bytes, which the tree
   * shares and never changes.
   */
  public record FetchedMedia(String mimeType, byte[] bytes) {
    public FetchedMedia {
      Objects.requireNonNull(mimeType, "mimeType");
      Objects.requireNonNull(bytes, "bytes");
    }
  }

  private MediaPlaceholders() {}

  static ObjectNode placeholder(String url, String guessedMime) {
    ObjectNode part = Json.object();
    part.putObject("fileData").put("mimeType", guessedMime).put("fileUri", url);
    return part;
  }

  /**
   * A copy of a translated Gemini request body where every placeholder whose URL is in
   * {@code fetched} carries {@code inlineData} instead. The input body is not changed.
   */
  public static ObjectNode withFetchedMedia(ObjectNode body, Map<String, FetchedMedia> fetched) {
    ObjectNode copy = body.deepCopy();
    JsonNode contents = copy.path("contents");
    for (JsonNode content : contents) {
      for (JsonNode part : content.path("parts")) {
        fill((ObjectNode) part, fetched);
      }
    }
    return copy;
  }

  private static void fill(ObjectNode part, Map<String, FetchedMedia> fetched) {
    JsonNode fileData = part.get("fileData");
    if (fileData == null) {
      return;
    }
    FetchedMedia media = fetched.get(fileData.path("fileUri").asText());
    if (media != null) {
      part.remove("fileData");
      part.putObject("inlineData").put("mimeType", DataUrl.normalizeMime(media.mimeType())).put("data", media.bytes());
    }
  }
}
