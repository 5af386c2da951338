package io.geminibalance.protocol.openai;

import io.geminibalance.protocol.gemini.ModelIdSyntax;
import io.geminibalance.protocol.gemini.PathSegments;
import java.util.List;

/**
 * What a request to {@code /openai/v1/...} (Google's own OpenAI-compatible API, forwarded as is)
 * may reach upstream, decided from the raw path below the prefix and the HTTP method. An explicit
 * allow-list: {@code POST} {@code chat/completions}, {@code embeddings}, {@code images/generations},
 * {@code audio/speech} (the model is in the body), {@code GET models} and {@code GET models/{id}}.
 * A path that is not plain segments or names an ill-formed model is refused with 400, anything
 * else with 404; the upstream path is rebuilt from the parsed parts.
 */
public sealed interface CompatPath {

  /**
   * Resources answered for a {@code POST} whose JSON body names the model (a list: compared with a
   * region of the path by index, without a substring or an iterator).
   */
  List<String> POST_RESOURCES = List.of("chat/completions", "embeddings", "images/generations", "audio/speech");

  /** What may go upstream: the relay's input, never a {@link Rejected}. */
  sealed interface Allowed extends CompatPath {}

  /** {@code GET models}. */
  record ModelList() implements Allowed {
    public String upstreamPath() {
      return "/openai/models";
    }
  }

  /**
   * {@code GET models/{id}}; {@code id} may itself start with {@code models/}, the form Google's
   * compatible model list hands out, and is forwarded in the form the client used.
   */
  record Model(String id) implements Allowed {
    public String upstreamPath() {
      String bare = ModelName.stripPrefix(id);
      return "/openai/models/" + (bare.length() < id.length() ? "models/" : "") + PathSegments.encode(bare);
    }
  }

  /** A {@code POST} to one of {@link #POST_RESOURCES}. */
  record Post(String resource) implements Allowed {
    public String upstreamPath() {
      return "/openai/" + resource;
    }
  }

  /**
   * Refused before anything goes upstream, in OpenAI's error terms.
   *
   * @param status 400 for a malformed path or model id, 404 for an endpoint the gateway does not serve
   * @param param the request field at fault ({@code model}), or null
   * @param code OpenAI's error code
   */
  record Rejected(int status, String message, String param, String code) implements CompatPath {}

  /**
   * Decides what {@code resource} (the raw path after {@code /openai/v1/}) may reach upstream for
   * {@code httpMethod}.
   */
  static CompatPath parse(String httpMethod, String resource) {
    return parse(httpMethod, resource, 0);
  }

  /**
   * {@link #parse(String, String)} for the resource that starts at index {@code from} of
   * {@code path} (the request's raw path), without a substring for it.
   */
  static CompatPath parse(String httpMethod, String path, int from) {
    int length = path.length();
    String problem = from >= length ? null : PathSegments.problem(path, from);
    if (problem != null) {
      return new Rejected(400, problem, null, "invalid_path");
    }
    if (httpMethod.equals("POST")) {
      for (int i = 0; i < POST_RESOURCES.size(); i++) {
        String resource = POST_RESOURCES.get(i);
        if (length - from == resource.length() && path.startsWith(resource, from)) {
          return new Post(resource);
        }
      }
    }
    if (httpMethod.equals("GET") && length - from == "models".length() && path.startsWith("models", from)) {
      return new ModelList();
    }
    if (httpMethod.equals("GET") && path.startsWith("models/", from)) {
      int id = from + "models/".length();
      int start = path.startsWith("models/", id) ? id + "models/".length() : id;
      if (path.indexOf('/', start) < 0) {
        String modelProblem = ModelIdSyntax.problem(path, start, length);
        return modelProblem == null ? new Model(path.substring(id))
            : new Rejected(400, "Invalid model name: " + modelProblem, "model", ModelName.INVALID);
      }
    }
    return new Rejected(404, "Unknown endpoint: " + httpMethod + " /openai/v1/"
        + PathSegments.excerpt(path, from, length), null, "unknown_url");
  }
}
