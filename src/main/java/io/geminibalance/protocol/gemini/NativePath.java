package io.geminibalance.protocol.gemini;

/**
 * What a native request path may reach upstream, decided from the raw path below the version
 * prefix ({@code models/gemini-2.5-flash:generateContent}) and the HTTP method. An explicit
 * allow-list: {@code GET models}, {@code GET models/{model}}, {@code POST
 * models/{model}:{method}} for a {@link GeminiMethod}, and the resources of {@link ResourcePath}. Anything else is refused: a path that is
 * not plain segments (see {@link PathSegments#problem}) or names an ill-formed model with 400, an
 * unknown resource or method with 404. The upstream path is rebuilt from the parsed parts, never
 * copied from the client.
 */
public sealed interface NativePath {

  /** What may go upstream: the relay's input, never a {@link Rejected}. */
  sealed interface Allowed extends NativePath {}

  /** {@code GET models}: the model list (its query, e.g. {@code pageSize}/{@code pageToken}, is forwarded). */
  record ModelList() implements Allowed {
    public String upstreamPath() {
      return "/models";
    }
  }

  /** {@code GET models/{model}}: one model's metadata. */
  record Model(String model) implements Allowed {
    public String upstreamPath() {
      return "/models/" + PathSegments.encode(model);
    }
  }

  /** {@code POST models/{model}:{method}}. */
  record ModelMethod(String model, GeminiMethod method) implements Allowed {
    public String upstreamPath() {
      return method.pathFor(model);
    }
  }

  /**
   * A stateful resource other than a model (see {@link ResourcePath}).
   *
   * @param kind the resource's kind
   * @param verb what the request does
   * @param root the recorded resource whose key must serve the request ({@code fileSearchStores/s}
   *     for its documents and operations), or null for a whole collection
   * @param path the resource's path below the version, without an action
   * @param action the action after the colon ({@code cancel}), or null
   */
  record Resource(ResourceKind kind, ResourcePath.Verb verb, String root, String path, String action)
      implements Allowed {
    public String upstreamPath() {
      return "/" + path + (action == null ? "" : ":" + action);
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
    return parse(httpMethod, resource, 0);
  }

  /**
   * {@link #parse(String, String)} for the resource that starts at index {@code from} of
   * {@code path} (the request's raw path): no substring is made for the resource, only for the
   * model that is kept.
   */
  static NativePath parse(String httpMethod, String path, int from) {
    int length = path.length();
    if (from >= length) {
      return unknown(httpMethod, path, from);
    }
    String problem = PathSegments.problem(path, from);
    if (problem != null) {
      return new Rejected(400, problem, "path");
    }
    boolean get = httpMethod.equals("GET");
    if (length - from == "models".length() && path.startsWith("models", from)) {
      return get ? MODEL_LIST : unknown(httpMethod, path, from);
    }
    int start = from + "models/".length();
    if (!path.startsWith("models/", from) || path.indexOf('/', start) >= 0) {
      NativePath resource = ResourcePath.parse(httpMethod, path.substring(from));
      return resource != null ? resource : unknown(httpMethod, path, from);
    }
    int colon = path.indexOf(':', start);
    if (colon < 0) {
      if (!get) {
        return unknown(httpMethod, path, from);
      }
      Rejected invalid = invalidModel(path, start, length);
      return invalid != null ? invalid : new Model(path.substring(start));
    }
    GeminiMethod method = httpMethod.equals("POST") ? GeminiMethod.find(path, colon + 1, length) : null;
    if (method == null) {
      return unknown(httpMethod, path, from);
    }
    Rejected invalid = invalidModel(path, start, colon);
    return invalid != null ? invalid : new ModelMethod(path.substring(start, colon), method);
  }

  private static Rejected invalidModel(String path, int from, int to) {
    String problem = ModelIdSyntax.problem(path, from, to);
    return problem == null ? null : new Rejected(400, "Invalid model name in path: " + problem, "model");
  }

  private static Rejected unknown(String httpMethod, String path, int from) {
    return new Rejected(404, "Unknown native path: " + httpMethod + " /"
        + PathSegments.excerpt(path, from, path.length()), "path");
  }
}
