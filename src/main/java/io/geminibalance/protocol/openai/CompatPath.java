package io.geminibalance.protocol.openai;

import io.geminibalance.protocol.gemini.ModelIdSyntax;
import io.geminibalance.protocol.gemini.PathSegments;
import java.util.Set;

/**
 * What a request to {@code /openai/v1/...} (Google's own OpenAI-compatible API, forwarded as is)
 * may reach upstream, decided from the raw path below the prefix and the HTTP method. An explicit
 * allow-list: {@code POST} {@code chat/completions}, {@code embeddings}, {@code images/generations},
 * {@code audio/speech} (the model is in the body), {@code GET models} and {@code GET models/{id}}.
 * A path that is not plain segments or names an ill-formed model is refused with 400, anything
 * else with 404; the upstream path is rebuilt from the parsed parts.
 */
public sealed interface CompatPath {

  /** Resources answered for a {@code POST} whose JSON body names the model. */
  Set<String> POST_RESOURCES = Set.of("chat/completions", "embeddings", "images/generations", "audio/speech");

  /** {@code GET models}. */
  record ModelList() implements CompatPath {
    public String upstreamPath() {
      return "/openai/models";
    }
  }

  /**
   * {@code GET models/{id}}; {@code id} may itself start with {@code models/}, the form Google's
   * compatible model list hands out, and is forwarded in the form the client used.
   */
  record Model(String id) implements CompatPath {
    public String upstreamPath() {
      String bare = ModelName.stripPrefix(id);
      return "/openai/models/" + (bare.length() < id.length() ? "models/" : "") + PathSegments.encode(bare);
    }
  }

  /** A {@code POST} to one of {@link #POST_RESOURCES}. */
  record Post(String resource) implements CompatPath {
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
    String problem = resource.isEmpty() ? null : PathSegments.problem(resource);
    if (problem != null) {
      return new Rejected(400, problem, null, "invalid_path");
    }
    if (httpMethod.equals("POST") && POST_RESOURCES.contains(resource)) {
      return new Post(resource);
    }
    if (httpMethod.equals("GET") && resource.equals("models")) {
      return new ModelList();
    }
    if (httpMethod.equals("GET") && resource.startsWith("models/")) {
      int start = resource.startsWith("models/models/") ? "models/models/".length() : "models/".length();
      if (resource.indexOf('/', start) < 0) {
        String modelProblem = ModelIdSyntax.problem(resource, start, resource.length());
        return modelProblem == null ? new Model(resource.substring("models/".length()))
            : new Rejected(400, "Invalid model name: " + modelProblem, "model", ModelName.INVALID);
      }
    }
    return new Rejected(404, "Unknown endpoint: " + httpMethod + " /openai/v1/"
        + PathSegments.excerpt(resource, 0, resource.length()), null, "unknown_url");
  }
}
