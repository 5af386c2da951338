package io.geminibalance.protocol.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * OpenAI {@code POST /images/generations} to Imagen's {@code models/{model}:predict} body.
 *
 * <p>Sizes: OpenAI names pixel sizes, Imagen aspect ratios (1:1, 3:4, 4:3, 9:16, 16:9). Each size
 * OpenAI documents maps to the nearest ratio: 256x256, 512x512, 1024x1024 to 1:1; 1792x1024 (1.75)
 * to 16:9; 1536x1024 (1.5) to 4:3; 1024x1792 to 9:16; 1024x1536 to 3:4; {@code auto} leaves the
 * ratio to Imagen (1:1). A ratio itself ({@code "16:9"}) is accepted as a size too.
 *
 * <p>The prompt may carry gemini-balance's tokens {@code {n:K}} (K images, 1 to 4, overriding
 * {@code n}) and {@code {ratio:W:H}} (one of Imagen's ratios, overriding {@code size}); they are
 * removed from the prompt, which comes back as {@code revised_prompt}. Everything is computed per
 * request: no state is shared between requests.
 */
public final class ImagesRequestTranslator {

  /** Imagen makes at most this many images per call. */
  public static final int MAX_IMAGES = 4;
  /** gpt-image-1's prompt limit, the longest OpenAI documents. */
  public static final int MAX_PROMPT_CHARS = 32_000;

  /** Imagen's aspect ratios. */
  public static final List<String> RATIOS = List.of("1:1", "3:4", "4:3", "9:16", "16:9");

  private static final Map<String, String> SIZES = Map.of(
      "256x256", "1:1", "512x512", "1:1", "1024x1024", "1:1",
      "1792x1024", "16:9", "1536x1024", "4:3",
      "1024x1792", "9:16", "1024x1536", "3:4");
  private static final List<String> SIZE_NAMES = List.of("256x256", "512x512", "1024x1024", "1792x1024",
      "1536x1024", "1024x1792", "1024x1536", "auto");

  /**
   * OpenAI's image model names (dall-e-2, dall-e-3, gpt-image-1 and the later gpt-image and
   * chatgpt-image names the SDKs list): they all mean CREATE_IMAGE_MODEL here.
   */
  private static final List<String> OPENAI_MODEL_PREFIXES = List.of("dall-e-", "gpt-image-", "chatgpt-image-");

  private static final Set<String> QUALITIES = Set.of("auto", "standard", "hd", "low", "medium", "high");
  private static final Set<String> STYLES = Set.of("vivid", "natural");
  private static final Set<String> MODERATION = Set.of("auto", "low");

  private static final Pattern N_TOKEN = Pattern.compile("\\{n:([^}]*)}");
  private static final Pattern RATIO_TOKEN = Pattern.compile("\\{ratio:([^}]*)}");

  /** How the images are returned. */
  public enum Format { URL, B64_JSON }

  /**
   * A translated request.
   *
   * @param requestedModel the model as the client sent it, or null
   * @param upstreamModel the Imagen model of the {@code :predict} path
   * @param predictBody the {@code :predict} body
   * @param format how the client wants the images
   * @param revisedPrompt the prompt without the gateway's tokens
   * @param mimeType the image type asked of Imagen
   */
  public record ImagesRequest(String requestedModel, String upstreamModel, ObjectNode predictBody, Format format,
      String revisedPrompt, String mimeType) {}

  private ImagesRequestTranslator() {}

  /**
   * Translates an images request.
   *
   * @param createImageModel CREATE_IMAGE_MODEL, used for a missing model and OpenAI's model names
   * @throws TranslationException naming the field at fault
   */
  public static ImagesRequest translate(JsonNode body, String createImageModel) {
    if (body == null || !body.isObject()) {
      throw new TranslationException(null, "the request body must be a JSON object");
    }
    String requested = Json.isMissing(body, "model") ? null : ModelName.requiredIn(body);
    String upstream = upstreamModel(requested, createImageModel);
    String prompt = Json.optString(body, "prompt", "prompt").orElseThrow(
        () -> new TranslationException("prompt", "Missing required parameter: 'prompt'.", ModelName.MISSING));
    if (prompt.length() > MAX_PROMPT_CHARS) {
      throw new TranslationException("prompt", "'prompt' is longer than " + MAX_PROMPT_CHARS + " characters",
          "string_above_max_length");
    }
    int n = Json.optInt(body, "n", "n").orElse(1);
    if (n < 1 || n > MAX_IMAGES) {
      throw new TranslationException("n", "'n' must be between 1 and " + MAX_IMAGES
          + " (the most Imagen makes per request)", "integer_out_of_range");
    }
    String ratio = ratioOfSize(Json.optString(body, "size", "size").orElse("auto"));
    Format format = format(Json.optString(body, "response_format", "response_format").orElse("url"));
    oneOf(body, "quality", QUALITIES);
    oneOf(body, "style", STYLES);
    oneOf(body, "moderation", MODERATION);
    background(body);
    Json.optString(body, "user", "user");
    String outputFormat = Json.optString(body, "output_format", "output_format").orElse(null);
    String mimeType = mimeType(outputFormat == null ? "png" : outputFormat);
    Integer compression = Json.optInt(body, "output_compression", "output_compression").orElse(null);
    if (compression != null && (compression < 0 || compression > 100)) {
      throw new TranslationException("output_compression", "'output_compression' must be between 0 and 100",
          "integer_out_of_range");
    }
    Tokens tokens = tokens(prompt);
    if (tokens.n() != null) {
      n = tokens.n();
    }
    if (tokens.ratio() != null) {
      ratio = tokens.ratio();
    }
    if (tokens.prompt().isBlank()) {
      throw new TranslationException("prompt", "'prompt' must not be empty", "empty_prompt");
    }
    ObjectNode predict = Json.object();
    predict.putArray("instances").addObject().put("prompt", tokens.prompt());
    ObjectNode parameters = predict.putObject("parameters").put("sampleCount", n);
    if (ratio != null) {
      parameters.put("aspectRatio", ratio);
    }
    parameters.put("personGeneration", "allow_adult");
    // A filtered image then comes back with its reason, which the client gets in the 400.
    parameters.put("includeRaiReason", true);
    if (outputFormat != null) {
      // Only when asked for: PNG is Imagen's default, and the body stays what Google's SDKs send.
      ObjectNode output = parameters.putObject("outputOptions").put("mimeType", mimeType);
      if (compression != null && mimeType.equals("image/jpeg")) {
        output.put("compressionQuality", compression);
      }
    }
    return new ImagesRequest(requested, upstream, predict, format, tokens.prompt(), mimeType);
  }

  /** What makes CREATE_IMAGE_MODEL's name the image chat model's. */
  public static final String CHAT_SUFFIX = "-chat";

  /** True when {@code model} (as a client sent it) names CREATE_IMAGE_MODEL's chat model. */
  public static boolean isChatModel(String model, String createImageModel) {
    return model != null && ModelName.stripPrefix(model).equals(createImageModel + CHAT_SUFFIX);
  }

  /** True for OpenAI's image model names ({@code dall-e-3}, {@code gpt-image-1}, ...), which mean CREATE_IMAGE_MODEL. */
  public static boolean isOpenAiModel(String model) {
    String bare = ModelName.stripPrefix(model);
    return OPENAI_MODEL_PREFIXES.stream().anyMatch(bare::startsWith);
  }

  private static String upstreamModel(String requested, String createImageModel) {
    if (requested == null) {
      return createImageModel;
    }
    String bare = ModelName.stripPrefix(requested);
    if (isOpenAiModel(bare) || bare.equals(createImageModel)) {
      return createImageModel;
    }
    if (bare.startsWith("imagen-")) {
      return bare;
    }
    throw new TranslationException("model", "The model '" + requested + "' does not generate images here: use "
        + createImageModel + ", another imagen-* model, or an OpenAI image model (dall-e-3, gpt-image-1, ...:"
        + " all mean " + createImageModel + ")", ModelName.INVALID);
  }

  private static String ratioOfSize(String size) {
    if (size.equals("auto")) {
      return null;
    }
    String ratio = SIZES.get(size.toLowerCase(Locale.ROOT));
    if (ratio != null) {
      return ratio;
    }
    if (RATIOS.contains(size)) {
      return size;
    }
    throw new TranslationException("size", "'size' must be one of " + String.join(", ", SIZE_NAMES)
        + ", or an Imagen aspect ratio (" + String.join(", ", RATIOS) + ")", "invalid_size");
  }

  private static Format format(String value) {
    return switch (value) {
      case "url" -> Format.URL;
      case "b64_json" -> Format.B64_JSON;
      default -> throw new TranslationException("response_format", "'response_format' must be 'url' or 'b64_json'",
          "invalid_response_format");
    };
  }

  private static void oneOf(JsonNode body, String field, Set<String> allowed) {
    Json.optString(body, field, field).ifPresent(value -> {
      if (!allowed.contains(value)) {
        throw new TranslationException(field, "'" + field + "' must be one of " + String.join(", ",
            allowed.stream().sorted().toList()), "invalid_value");
      }
    });
  }

  private static void background(JsonNode body) {
    Json.optString(body, "background", "background").ifPresent(value -> {
      switch (value) {
        case "auto", "opaque" -> { }
        case "transparent" -> throw new TranslationException("background",
            "Imagen makes no transparent images: 'background' may be 'auto' or 'opaque'", "invalid_value");
        default -> throw new TranslationException("background", "'background' must be 'auto' or 'opaque'",
            "invalid_value");
      }
    });
  }

  private static String mimeType(String outputFormat) {
    return switch (outputFormat) {
      case "png" -> "image/png";
      case "jpeg" -> "image/jpeg";
      default -> throw new TranslationException("output_format",
          "'output_format' must be 'png' or 'jpeg' (Imagen makes no webp)", "invalid_value");
    };
  }

  /** The prompt without its tokens, and what they asked for. */
  record Tokens(String prompt, Integer n, String ratio) {}

  static Tokens tokens(String prompt) {
    Integer n = null;
    Matcher nMatch = N_TOKEN.matcher(prompt);
    while (nMatch.find()) {
      n = tokenCount(nMatch.group(1).strip());
    }
    String ratio = null;
    Matcher ratioMatch = RATIO_TOKEN.matcher(prompt);
    while (ratioMatch.find()) {
      ratio = ratioMatch.group(1).strip();
      if (!RATIOS.contains(ratio)) {
        throw new TranslationException("prompt", "The prompt's {ratio:" + ratio + "} is not one of Imagen's ratios ("
            + String.join(", ", RATIOS) + ")", "invalid_value");
      }
    }
    String cleaned = RATIO_TOKEN.matcher(N_TOKEN.matcher(prompt).replaceAll("")).replaceAll("")
        .replaceAll("[ \\t]{2,}", " ").replaceAll("[ \\t]+\n", "\n").strip();
    return new Tokens(cleaned, n, ratio);
  }

  private static int tokenCount(String text) {
    try {
      int n = Integer.parseInt(text);
      if (n >= 1 && n <= MAX_IMAGES) {
        return n;
      }
    } catch (NumberFormatException e) {
      // answered below
    }
    throw new TranslationException("prompt", "The prompt's {n:" + text + "} must be a whole number from 1 to "
        + MAX_IMAGES, "invalid_value");
  }
}
