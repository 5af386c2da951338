package io.geminibalance.protocol.gemini;

/**
 * The model methods the native surface forwards ({@code POST models/{model}:{method}}), and the
 * translated surfaces call. This is the allow-list: a method not named here is answered 404 by the
 * gateway and never reaches upstream. Resources other than models (files, caches, batches,
 * operations, ...) are in {@link ResourcePath}.
 */
public enum GeminiMethod {
  GENERATE_CONTENT("generateContent", false, null),
  STREAM_GENERATE_CONTENT("streamGenerateContent", true, null),
  COUNT_TOKENS("countTokens", false, null),
  EMBED_CONTENT("embedContent", false, null),
  BATCH_EMBED_CONTENTS("batchEmbedContents", false, null),
  /** Imagen and other prediction models. */
  PREDICT("predict", false, null),
  /** Veo: answers with a long-running operation ({@code models/{m}/operations/{id}}). */
  PREDICT_LONG_RUNNING("predictLongRunning", false, "operations"),
  /** Batch mode: answers with the batch's operation ({@code batches/{id}}). */
  BATCH_GENERATE_CONTENT("batchGenerateContent", false, "batches"),
  ASYNC_BATCH_EMBED_CONTENT("asyncBatchEmbedContent", false, "batches");

  private static final GeminiMethod[] ALL = values();

  private final String wireName;
  private final boolean streaming;
  private final String creates;

  GeminiMethod(String wireName, boolean streaming, String creates) {
    this.wireName = wireName;
    this.streaming = streaming;
    this.creates = creates;
  }

  /**
   * Whether the answer names a new stateful resource (a batch, an operation) that belongs to the
   * key that sent the request.
   */
  public boolean createsResource() {
    return creates != null;
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
