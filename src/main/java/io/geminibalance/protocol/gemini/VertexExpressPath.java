package io.geminibalance.protocol.gemini;

/**
 * What a Vertex AI Express request path ({@code /vertex-express/v1beta/...}) may reach upstream:
 * the native allow-list ({@link NativePath}) narrowed to the model methods Vertex AI in express
 * mode serves ({@code generateContent}, {@code streamGenerateContent}, {@code countTokens}), plus
 * the model list and one model's metadata, which the gateway answers from the Gemini API (express
 * mode has no model list). A method body may also be named as Vertex names its models,
 * {@code publishers/google/models/{model}:{method}}, which is how Google's Gen AI SDK calls
 * express mode; the upstream path is rebuilt as {@code /models/{model}:{method}} below
 * VERTEX_EXPRESS_BASE_URL either way.
 */
public final class VertexExpressPath {
  private static final String PUBLISHER = "publishers/google/";

  private VertexExpressPath() {}

  /**
   * Decides what the resource starting at index {@code from} of the raw {@code path} may reach
   * upstream for {@code httpMethod}; the same refusals as {@link NativePath#parse}, and 404 for a
   * model method express mode does not serve (embeddings).
   */
  public static NativePath parse(String httpMethod, String path, int from) {
    boolean publisher = path.startsWith(PUBLISHER, from) && path.startsWith("models/", from + PUBLISHER.length());
    NativePath parsed = NativePath.parse(httpMethod, path, publisher ? from + PUBLISHER.length() : from);
    return switch (parsed) {
      case NativePath.ModelMethod method when !served(method.method()) -> unknown(httpMethod, path, from);
      case NativePath.Rejected rejected when rejected.status() == 404 -> unknown(httpMethod, path, from);
      // The publisher's form names a model to call, never the (Gemini) model list or metadata.
      case NativePath.ModelList list when publisher -> unknown(httpMethod, path, from);
      case NativePath.Model model when publisher -> unknown(httpMethod, path, from);
      // Express mode has no files, caches, batches or other stateful resources.
      case NativePath.Resource resource -> unknown(httpMethod, path, from);
      default -> parsed;
    };
  }

  /** The methods of Vertex AI express mode's {@code publishers.models} resource. */
  static boolean served(GeminiMethod method) {
    return switch (method) {
      case GENERATE_CONTENT, STREAM_GENERATE_CONTENT, COUNT_TOKENS -> true;
      case EMBED_CONTENT, BATCH_EMBED_CONTENTS, PREDICT, PREDICT_LONG_RUNNING, BATCH_GENERATE_CONTENT,
          ASYNC_BATCH_EMBED_CONTENT -> false;
    };
  }

  private static NativePath.Rejected unknown(String httpMethod, String path, int from) {
    return new NativePath.Rejected(404, "Unknown Vertex Express path: " + httpMethod + " /"
        + PathSegments.excerpt(path, from, path.length())
        + " (served: GET models, POST models/{model}:generateContent, :streamGenerateContent, :countTokens)",
        "path");
  }
}
