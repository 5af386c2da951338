package io.geminibalance.protocol.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.geminibalance.protocol.openai.ImagesRequestTranslator.Format;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Imagen's {@code :predict} answer ({@code {"predictions":[{"bytesBase64Encoded","mimeType"}]}})
 * to OpenAI's images answer {@code {created, data:[{b64_json | url, revised_prompt}]}}. An answer
 * with no image is the safety filter's doing: a 400 {@code content_policy_violation}, the client's
 * prompt and not the key at fault.
 */
public final class ImagesResponseTranslator {

  /** One generated image: its type and its bytes as base64, as Imagen sent them. */
  public record GeneratedImage(String mimeType, String base64) {
    /** The image as a {@code data:} URL, what a {@code url} answer holds without an image host. */
    public String dataUrl() {
      return "data:" + mimeType + ";base64," + base64;
    }
  }

  /** Imagen answered without an image: why, in words for the client. */
  public static final class NoImages extends RuntimeException {
    private static final long serialVersionUID = 1L;

    NoImages(String message) {
      super(message, null, false, false);
    }

    /** The error to answer with. */
    public OpenAiErrors.OpenAiError error() {
      return OpenAiErrors.of(400, getMessage(), "prompt", "content_policy_violation");
    }
  }

  private ImagesResponseTranslator() {}

  /**
   * The images of a {@code :predict} answer, in order.
   *
   * @param fallbackMimeType the type asked for, for a prediction that names none
   * @throws NoImages when there is none (filtered, or an empty answer)
   * @throws MalformedUpstreamException when {@code predictions} is not a list of objects
   */
  public static List<GeneratedImage> images(JsonNode answer, String fallbackMimeType) {
    JsonNode predictions = answer == null ? null : answer.get("predictions");
    if (predictions != null && !predictions.isArray()) {
      throw new MalformedUpstreamException("Imagen 'predictions' is not an array");
    }
    List<GeneratedImage> images = new ArrayList<>();
    List<String> reasons = new ArrayList<>();
    for (JsonNode prediction : predictions == null ? Json.array() : predictions) {
      String bytes = prediction.path("bytesBase64Encoded").asText("");
      if (!bytes.isEmpty()) {
        images.add(new GeneratedImage(prediction.path("mimeType").asText(fallbackMimeType), bytes));
      } else if (prediction.hasNonNull("raiFilteredReason")) {
        reasons.add(prediction.get("raiFilteredReason").asText());
      }
    }
    if (images.isEmpty()) {
      throw new NoImages("No image was generated: the prompt was blocked by Imagen's safety filters"
          + (reasons.isEmpty() ? "." : " (" + String.join("; ", reasons) + ")."));
    }
    return images;
  }

  /**
   * The OpenAI answer.
   *
   * @param uploaded for a {@code url} answer, the hosted URL of image {@code i} by index; an image
   *     without one (no host, or its upload failed) is answered as a data URL
   */
  public static ObjectNode toOpenAi(ImagesRequestTranslator.ImagesRequest request, List<GeneratedImage> images,
      Map<Integer, String> uploaded, long createdSeconds) {
    ObjectNode out = Json.object().put("created", createdSeconds);
    ArrayNode data = out.putArray("data");
    for (int i = 0; i < images.size(); i++) {
      ObjectNode item = data.addObject();
      if (request.format() == Format.B64_JSON) {
        item.put("b64_json", images.get(i).base64());
      } else {
        String url = uploaded.get(i);
        item.put("url", url != null ? url : images.get(i).dataUrl());
      }
      item.put("revised_prompt", request.revisedPrompt());
    }
    return out;
  }
}
