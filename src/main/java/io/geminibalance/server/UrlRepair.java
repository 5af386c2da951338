package io.geminibalance.server;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * URL_NORMALIZATION_ENABLED: a misconfigured client's request, on a path the gateway does not
 * serve, is sent on to the endpoint it evidently meant, as gemini-balance's URL repair does. The
 * rules ({@link #canonical}, in this order; matching ignores case):
 *
 * <ol>
 *   <li>a path containing {@code generatecontent} or {@code v1beta/models}: GET becomes {@code
 *       /v1beta/models}; POST becomes {@code /v1beta/models/{model}:generateContent}, or {@code
 *       :streamGenerateContent} when the path contains {@code stream} or the query says {@code
 *       stream=true}. The model comes from {@code ?model=}, else from {@code /models/{model}} in
 *       the path; without one nothing is rewritten. Under {@code /vertex-express/} the result is
 *       {@code /vertex-express/v1beta/...}.
 *   <li>a path containing {@code /openai/}: POST with {@code chat/completion} becomes {@code
 *       /openai/v1/chat/completions}, with {@code embedding} {@code /openai/v1/embeddings}, with
 *       {@code image} {@code /openai/v1/images/generations}, with {@code audio} {@code
 *       /openai/v1/audio/speech} (not for image edits and variations, audio transcriptions and
 *       translations: another operation); GET with {@code model} becomes {@code /openai/v1/models}.
 *   <li>a path containing {@code /v1/}: the same onto {@code /v1/...}.
 *   <li>a path containing {@code /chat/completions}: {@code /v1/chat/completions}.
 * </ol>
 *
 * <p>Unlike gemini-balance, the model is never read from the JSON body: the body is read only after
 * the caller is authenticated, on the route the request ends up on. The query string is kept.
 *
 * <p>Where it applies: in the router's last route (no route matched) and where a surface's path
 * check answers 404 (a path under a served prefix that the surface does not serve, such as {@code
 * /v1beta/openai/chat/completions}). A request on a path the gateway serves never gets here, so
 * repair costs it nothing. The rewritten request is routed again from the start: it passes the
 * intake, the authentication, the path check and the body limit of the route it lands on like
 * any other. A request is rewritten at most once; when the rewritten path is not served either,
 * the caller gets that route's 404. A request whose body was already read (the admin API's chain)
 * is never rewritten.
 */
final class UrlRepair {
  /** The routing-context key that marks a request as rewritten already. */
  private static final String REPAIRED = "gb.urlRepaired";
  private static final Pattern MODEL = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
  private static final Pattern MODEL_IN_PATH = Pattern.compile("/models/([^/:?#]+)");
  /**
   * A native method call in its canonical shape: on a served prefix its 404 names the unknown
   * method, which helps more than a generateContent the client did not ask for.
   */
  private static final Pattern NATIVE_METHOD = Pattern.compile(
      "^(/gemini|/vertex-express)?/v1(beta)?/models/[^/:]+:[A-Za-z]+$");
  /** Repair switched off (routes built without the setting). */
  static final UrlRepair OFF = new UrlRepair(() -> false);

  private final BooleanSupplier enabled;

  UrlRepair(BooleanSupplier enabled) {
    this.enabled = enabled;
  }

  /**
   * Sends the request on to its canonical path when repair is on and a rule applies; false when
   * the caller is to answer as it would have (404).
   */
  boolean reroute(RoutingContext rc) {
    if (!enabled.getAsBoolean() || rc.get(REPAIRED) != null || rc.body().available()) {
      return false;
    }
    HttpServerRequest request = rc.request();
    String path = request.path();
    if (path == null || path.startsWith("/api/")) {
      return false;
    }
    Optional<String> canonical = canonical(request.method(), path, request.query());
    if (canonical.isEmpty() || canonical.get().equals(path)) {
      return false;
    }
    rc.put(REPAIRED, Boolean.TRUE);
    String query = request.query();
    rc.reroute(request.method(), query == null ? canonical.get() : canonical.get() + "?" + query);
    return true;
  }

  /** The path a request evidently meant, or empty when no rule applies. Pure. */
  static Optional<String> canonical(HttpMethod method, String path, String query) {
    boolean get = method == HttpMethod.GET;
    boolean post = method == HttpMethod.POST;
    if (!get && !post) {
      return Optional.empty();
    }
    String lower = path.toLowerCase(Locale.ROOT);
    if (lower.contains("generatecontent") || lower.contains("v1beta/models")) {
      if (NATIVE_METHOD.matcher(path).matches()) {
        return Optional.empty();
      }
      String base = lower.contains("/vertex-express/") ? "/vertex-express/v1beta/models" : "/v1beta/models";
      if (get) {
        return Optional.of(base);
      }
      boolean stream = lower.contains("stream") || "true".equalsIgnoreCase(queryParam(query, "stream"));
      return model(path, query).map(model -> base + "/" + model + (stream ? ":streamGenerateContent" : ":generateContent"));
    }
    if (lower.contains("/openai/")) {
      return openAi("/openai/v1", lower, get);
    }
    if (lower.contains("/v1/")) {
      return openAi("/v1", lower, get);
    }
    if (lower.contains("/chat/completions")) {
      return Optional.of("/v1/chat/completions");
    }
    return Optional.empty();
  }

  private static Optional<String> openAi(String base, String lower, boolean get) {
    if (get) {
      return lower.contains("model") ? Optional.of(base + "/models") : Optional.empty();
    }
    if (lower.contains("chat/completion")) {
      return Optional.of(base + "/chat/completions");
    }
    if (lower.contains("embedding")) {
      return Optional.of(base + "/embeddings");
    }
    // Not another operation of the family: an image edit or a transcription sent on as a generation
    // or as speech would be answered (and paid for) as something the client did not ask for.
    if (lower.contains("image") && !lower.contains("edit") && !lower.contains("variation")) {
      return Optional.of(base + "/images/generations");
    }
    if (lower.contains("audio") && !lower.contains("transcription") && !lower.contains("translation")) {
      return Optional.of(base + "/audio/speech");
    }
    return Optional.empty();
  }

  /**
   * {@code ?model=}, else the segment after {@code /models/} (up to a {@code :}); only a plain model
   * id (letters, digits, {@code . _ -}), so that nothing a client writes there becomes more path.
   */
  private static Optional<String> model(String path, String query) {
    String named = queryParam(query, "model");
    if (named == null) {
      Matcher inPath = MODEL_IN_PATH.matcher(path);
      named = inPath.find() ? inPath.group(1) : null;
    } else if (named.startsWith("models/")) {
      named = named.substring("models/".length());
    }
    return named != null && MODEL.matcher(named).matches() ? Optional.of(named) : Optional.empty();
  }

  /** The first value of {@code name} in a raw query, decoded; null when absent or undecodable. */
  private static String queryParam(String query, String name) {
    if (query == null) {
      return null;
    }
    for (String pair : query.split("&")) {
      int eq = pair.indexOf('=');
      String key = eq < 0 ? pair : pair.substring(0, eq);
      if (key.equals(name)) {
        try {
          return URLDecoder.decode(eq < 0 ? "" : pair.substring(eq + 1), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
          return null;
        }
      }
    }
    return null;
  }
}
