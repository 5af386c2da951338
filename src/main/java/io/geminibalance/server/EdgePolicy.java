package io.geminibalance.server;

import io.geminibalance.config.ConfigException;
import io.geminibalance.config.ConfigValues;
import io.geminibalance.config.PerConfig;
import io.geminibalance.config.GatewayConfig;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.handler.CorsHandler;
import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Supplier;

/**
 * What the routes apply to each request before the relay sees it and that may change while the
 * gateway runs (saved settings apply at once): the largest body read whole, the trusted reverse
 * proxies and the CORS origins. Parsed once per configuration, not per request.
 *
 * @param maxBodyBytes MAX_REQUEST_BODY_MB, for bodies the gateway reads whole before relaying.
 *     Endpoints that stream a body through (uploads) are to get caps of their own.
 * @param cors the data plane's CORS handler, or {@code null} when CORS_ALLOWED_ORIGINS is empty
 * @param varyOnOrigin whether the routes add {@code Vary: Origin} themselves: vertx-web's handler
 *     leaves it out when a single origin is listed, although the answer still depends on the
 *     origin (no CORS header without one, 403 for any other), so a shared cache could hand a
 *     browser an answer made for another caller
 * @param urlNormalization URL_NORMALIZATION_ENABLED: a request on a path the gateway does not
 *     serve is sent on to the one it evidently meant ({@link UrlRepair})
 */
public record EdgePolicy(long maxBodyBytes, TrustedProxies trustedProxies, CorsHandler cors, boolean varyOnOrigin,
    boolean urlNormalization) {
  private static final long MIB = 1024L * 1024;

  /**
   * Request headers a browser may send to the data plane: those of Google's JS SDK (including its
   * resumable uploads) and of OpenAI's JS SDK (Stainless), plus {@code *} for any other header.
   * The wildcard never covers {@code Authorization}, hence the list; it only counts for requests
   * without credentials, which is all of them here since credentials are never allowed.
   */
  static final Set<String> ALLOWED_HEADERS = Set.of("*", "authorization", "content-type", "accept",
      "user-agent", "x-goog-api-key", "x-goog-api-client", "x-goog-user-project", "x-server-timeout",
      "x-goog-upload-protocol", "x-goog-upload-command", "x-goog-upload-offset",
      "x-goog-upload-header-content-length", "x-goog-upload-header-content-type",
      "openai-organization", "openai-project", "openai-beta", "idempotency-key",
      "x-stainless-lang", "x-stainless-package-version", "x-stainless-os", "x-stainless-arch",
      "x-stainless-runtime", "x-stainless-runtime-version", "x-stainless-retry-count",
      "x-stainless-timeout", "x-stainless-helper-method", "x-stainless-poll-helper",
      "x-stainless-custom-poll-interval", "x-stainless-async");
  /** Response headers the SDKs read beyond the CORS-safelisted ones (retries, uploads). */
  static final Set<String> EXPOSED_HEADERS = Set.of("retry-after", "x-should-retry", "x-request-id",
      "x-goog-upload-url", "x-goog-upload-status", "x-goog-upload-size-received",
      "x-goog-upload-chunk-granularity");
  private static final Set<HttpMethod> METHODS = Set.of(HttpMethod.GET, HttpMethod.POST, HttpMethod.PUT,
      HttpMethod.PATCH, HttpMethod.DELETE);
  /** How long a browser may cache a preflight answer. */
  static final int PREFLIGHT_MAX_AGE_SECONDS = 600;

  /** @throws ConfigException naming a bad setting */
  public static EdgePolicy from(ConfigValues v) {
    long maxBody = v.integer("MAX_REQUEST_BODY_MB") * MIB;
    TrustedProxies proxies;
    try {
      proxies = TrustedProxies.parse(v.list("TRUSTED_PROXIES"));
    } catch (IllegalArgumentException e) {
      throw new ConfigException("TRUSTED_PROXIES", "TRUSTED_PROXIES: " + e.getMessage()
          + " (expected: a list of IPv4/IPv6 addresses or CIDR blocks, e.g. [\"10.0.0.0/8\",\"::1\"])");
    }
    List<String> origins = v.list("CORS_ALLOWED_ORIGINS");
    return new EdgePolicy(maxBody, proxies, cors(origins), origins.size() == 1 && !origins.get(0).equals("*"),
        v.bool("URL_NORMALIZATION_ENABLED"));
  }

  /** The policy of the configuration in force, rebuilt only when that configuration changes. */
  public static Supplier<EdgePolicy> live(Supplier<GatewayConfig> config) {
    return PerConfig.cached(config, current -> from(current.values()));
  }

  /** The body limit as the 413 message states it. */
  public String maxBodyText() {
    return maxBodyBytes % MIB == 0 ? maxBodyBytes / MIB + " MiB" : maxBodyBytes + " bytes";
  }

  /**
   * vertx-web's CORS handler (its behaviour is pinned by CorsTest): {@code *} answers
   * {@code Access-Control-Allow-Origin: *}; a list echoes an allowed origin with
   * {@code Vary: Origin} (see {@code varyOnOrigin}) and fails a request from any other origin
   * with 403. Credentials are never
   * allowed, so a browser never sends cookies or HTTP auth it holds for this host.
   */
  private static CorsHandler cors(List<String> origins) {
    if (origins.isEmpty()) {
      return null;
    }
    CorsHandler handler = CorsHandler.create().allowCredentials(false)
        .allowedMethods(METHODS).allowedHeaders(ALLOWED_HEADERS).exposedHeaders(EXPOSED_HEADERS)
        .maxAgeSeconds(PREFLIGHT_MAX_AGE_SECONDS);
    if (origins.equals(List.of("*"))) {
      return handler;
    }
    for (String origin : origins) {
      handler.addOrigin(origin(origin, origins));
    }
    return handler;
  }

  /** An origin as browsers send it: {@code scheme://host[:port]}, nothing more. */
  private static String origin(String text, List<String> all) {
    String expected = "* or a list of origins such as [\"https://app.example.com\"]";
    if (text.equals("*")) {
      throw new ConfigException("CORS_ALLOWED_ORIGINS", String.join(",", all), expected + " ('*' alone)");
    }
    try {
      URI uri = new URI(text);
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      boolean bare = (uri.getRawPath() == null || uri.getRawPath().isEmpty()) && uri.getRawQuery() == null
          && uri.getRawFragment() == null && uri.getRawUserInfo() == null;
      if ((scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null && bare) {
        return text;
      }
    } catch (java.net.URISyntaxException e) {
      // reported below
    }
    throw new ConfigException("CORS_ALLOWED_ORIGINS", text, expected);
  }
}
