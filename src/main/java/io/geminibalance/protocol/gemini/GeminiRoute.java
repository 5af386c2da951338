package io.geminibalance.protocol.gemini;

import java.util.Optional;

/**
 * A parsed native model path, {@code models/{model}:{method}}. The model is kept exactly as the
 * client wrote it (tuned models and versions pass through untouched).
 */
public record GeminiRoute(String model, String method) {

  /** Methods whose answer is a stream. */
  public boolean streaming() {
    return method.equals("streamGenerateContent");
  }

  /** Parses the part of the path after the version prefix, e.g. {@code models/x:generateContent}. */
  public static Optional<GeminiRoute> parse(String resourcePath) {
    if (resourcePath == null || !resourcePath.startsWith("models/")) {
      return Optional.empty();
    }
    String rest = resourcePath.substring("models/".length());
    int colon = rest.lastIndexOf(':');
    if (colon <= 0 || colon == rest.length() - 1 || rest.indexOf('/') >= 0) {
      return Optional.empty();
    }
    return Optional.of(new GeminiRoute(rest.substring(0, colon), rest.substring(colon + 1)));
  }
}
