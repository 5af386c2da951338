package io.geminibalance.upstream;

import io.vertx.core.MultiMap;
import java.util.Map;

/**
 * Which headers cross the gateway, from allow-lists in both directions: a header not named here
 * is dropped, so a new client header (a cookie, a proxy's forwarding headers, another project to
 * bill) never reaches Google with a pool key, and a new Google header (one carrying a URL with the
 * pool key in it, such as the resumable-upload URLs) never reaches the client. Hop-by-hop and
 * framing headers belong to one connection and are not listed; the relays set their own.
 */
public final class HeaderPolicy {
  /**
   * What Google's API reads from a client: the body's type and encoding, what the client accepts,
   * and the identification and system-parameter headers the official SDKs send (x-goog-api-client,
   * x-server-timeout) or Google documents as system parameters (field mask, request reason, quota
   * user, API version, request params). Never the client's credential (authorization,
   * x-goog-api-key), cookies, forwarding headers, x-goog-user-project (it would bill another
   * project) or x-http-method-override (it would change the method the route was chosen for).
   * CUSTOM_HEADERS are added on top by the upstream client.
   */
  private static final HeaderNames FORWARDED_UPSTREAM = new HeaderNames(
      "content-type", "content-encoding", "accept", "accept-language", "user-agent",
      "x-goog-api-client", "x-server-timeout", "x-goog-fieldmask", "x-goog-request-reason",
      "x-goog-quota-user", "x-goog-api-version", "x-goog-request-params");

  /**
   * What a client may see of Google's answer: how to read the body, when to retry, caching, and
   * Google's headers that carry no URL (the service tier that served the call, upload progress).
   * X-Goog-Upload-URL and X-Goog-Upload-Control-URL are absent on purpose: they hold a URL with
   * the pool key.
   */
  private static final HeaderNames FORWARDED_DOWNSTREAM = new HeaderNames(
      "content-type", "content-encoding", "content-language", "content-disposition", "retry-after",
      "cache-control", "expires", "etag", "last-modified", "server-timing", "x-gemini-service-tier",
      "x-goog-upload-status", "x-goog-upload-chunk-granularity", "x-goog-upload-size-received");

  private HeaderPolicy() {}

  /** Copies the client request headers Google's API needs (the client's credential never is). */
  public static void copyUpstream(MultiMap client, MultiMap upstream) {
    copyOnly(client, upstream, FORWARDED_UPSTREAM);
  }

  /** Upstream response headers to give the client. */
  public static void copyDownstream(MultiMap upstream, MultiMap client) {
    copyOnly(upstream, client, FORWARDED_DOWNSTREAM);
  }

  private static void copyOnly(MultiMap from, MultiMap to, HeaderNames allowed) {
    for (Map.Entry<String, String> h : from) {
      if (allowed.contains(h.getKey())) {
        to.add(h.getKey(), h.getValue());
      }
    }
  }
}
