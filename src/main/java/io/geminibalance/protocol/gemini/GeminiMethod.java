package io.geminibalance.protocol.gemini;

/**
 * The model methods the native surface forwards ({@code POST models/{model}:{method}}), and the
 * translated surfaces call. This is the allow-list: a method not named here is answered 404 by the
 * gateway and never reaches upstream. Later resources (files, cached contents, batches,
 * operations, {@code :predict}) are added here and in {@link NativePath}.
 */
public enum GeminiMethod {
  GENERATE_CONTENT("generateContent", false),
  STREAM_GENERATE_CONTENT("streamGenerateContent", true),
  COUNT_TOKENS("countTokens", false),
  EMBED_CONTENT("embedContent", false),
  BATCH_EMBED_CONTENTS("batchEmbedContents", false);

  private static final GeminiMethod[] ALL = values();

  private final String wireName;
  private final boolean streaming;

  GeminiMethod(String wireName, boolean streaming) {
    this.wireName = wireName;
    this.streaming = streaming;
  }

  /** The name in the path, after the colon: {@code generateContent}. */
  public String wireName() {
    return wireName;
  }

  /** Whether the answer is a stream. */
  public boolean streaming() {
    return streaming;
  }

  /**
   * The upstream path below the version for {@code model}:
   * {@code /models/{model}:{method}}, the model percent-encoded as one segment.
   */
  public String pathFor(String model) {
    return "/models/" + PathSegments.encode(model) + ":" + wireName;
  }

  /** The method named exactly by {@code text[from, to)}, or {@code null} (no substring made). */
  static GeminiMethod find(String text, int from, int to) {
    int length = to - from;
    for (GeminiMethod method : ALL) {
      if (method.wireName.length() == length && text.regionMatches(from, method.wireName, 0, length)) {
        return method;
      }
    }
    return null;
  }
}
