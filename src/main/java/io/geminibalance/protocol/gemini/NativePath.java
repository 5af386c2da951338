package io.geminibalance.protocol.gemini;

/**
 * What a native request path may reach upstream, decided from the raw path below the version
 * prefix ({@code models/gemini-2.5-flash:generateContent}) and the HTTP method. An explicit
 * allow-list: {@code GET models}, {@code GET models/{model}} and {@code POST
 * models/{model}:{method}} for a {@link GeminiMethod}. Anything else is refused: a path that is
 * not plain segments (see {@link PathSegments#problem}) or names an ill-formed model with 400, an
 * unknown resource or method with 404. The upstream path is rebuilt from the parsed parts, never
 * copied from the client.
 */
public sealed interface NativePath {

  /** {@code GET models}: the model list (its query, e.g. {@code pageSize}/{@code pageToken}, is forwarded). */
  record ModelList() implements NativePath {
    public String upstreamPath() {
      return "/models";
    }
  }

  /** {@code GET models/{model}}: one model's metadata. */
  record Model(String model) implements NativePath {
    public String upstreamPath() {
      return "/models/" + PathSegments.encode(model);
    }
  }

  /** {@code POST models/{model}:{method}}. */
  record ModelMethod(String model, GeminiMethod method) implements NativePath {
    public String upstreamPath() {
      return method.pathFor(model);
    }
  }

  /**
   * Refused before anything goes upstream.
   *
   * @param status 400 for a malformed path or model name, 404 for a resource the gateway does not serve
   * @param message what is wrong, for the client (quotes at most a short excerpt of its input)
   * @param field the part at fault: {@code path} or {@code model}
   */
  record Rejected(int status, String message, String field) implements NativePath {}

  /** The one {@link ModelList}. */
  ModelList MODEL_LIST = new ModelList();

  /**
   * Decides what {@code resource} (the raw path after the version prefix, without its leading
   * {@code /}) may reach upstream for {@code httpMethod} ({@code GET}, {@code POST}, ...).
   */
  static NativePath parse(String httpMethod, String resource) {
    if (resource.isEmpty()) {
      return unknown(httpMethod, resource);
    }
    String problem = PathSegments.problem(resource);
    if (problem != null) {
      return new Rejected(400, problem, "path");
    }
    boolean get = httpMethod.equals("GET");
    if (resource.equals("models")) {
      return get ? MODEL_LIST : unknown(httpMethod, resource);
    }
    int start = "models/".length();
    if (!resource.startsWith("models/") || resource.indexOf('/', start) >= 0) {
      return unknown(httpMethod, resource);
    }
    int colon = resource.indexOf(':', start);
    if (colon < 0) {
      if (!get) {
        return unknown(httpMethod, resource);
      }
      Rejected invalid = invalidModel(resource, start, resource.length());
      return invalid != null ? invalid : new Model(resource.substring(start));
    }
    GeminiMethod method = httpMethod.equals("POST") ? GeminiMethod.find(resource, colon + 1, resource.length()) : null;
    if (method == null) {
      return unknown(httpMethod, resource);
    }
    Rejected invalid = invalidModel(resource, start, colon);
    return invalid != null ? invalid : new ModelMethod(resource.substring(start, colon), method);
  }

  private static Rejected invalidModel(String resource, int from, int to) {
    String problem = ModelIdSyntax.problem(resource, from, to);
    return problem == null ? null : new Rejected(400, "Invalid model name in path: " + problem, "model");
  }

  private static Rejected unknown(String httpMethod, String resource) {
    return new Rejected(404, "Unknown native path: " + httpMethod + " /"
        + PathSegments.excerpt(resource, 0, resource.length()), "path");
  }
}
