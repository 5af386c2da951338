package io.geminibalance.upstream;

import io.vertx.core.MultiMap;
import java.util.Map;

/**
 * Which headers cross the gateway. Hop-by-hop headers belong to one connection; credentials
 * belong to one side; encodings are dropped so streams can be framed without decompressing.
 */
public final class HeaderPolicy {
  private static final HeaderNames NOT_FORWARDED_UPSTREAM = new HeaderNames(
      "connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "proxy-connection",
      "te", "trailer", "transfer-encoding", "upgrade", "host", "content-length", "authorization",
      "x-goog-api-key", "cookie", "accept-encoding", "expect", "http2-settings");

  private static final HeaderNames NOT_FORWARDED_DOWNSTREAM = new HeaderNames(
      "connection", "keep-alive", "proxy-authenticate", "proxy-connection", "te", "trailer",
      "transfer-encoding", "upgrade", "set-cookie", "alt-svc", "content-length", "server",
      "x-goog-api-key");

  private HeaderPolicy() {}

  /** Client request headers safe to send upstream (the client's credential never is). */
  public static MultiMap upstreamHeaders(MultiMap client) {
    MultiMap forwarded = MultiMap.caseInsensitiveMultiMap();
    addUpstreamHeaders(client, forwarded);
    return forwarded;
  }

  /** Adds to {@code target} the client request headers safe to send upstream. */
  public static void addUpstreamHeaders(MultiMap client, MultiMap target) {
    for (Map.Entry<String, String> h : client) {
      if (!NOT_FORWARDED_UPSTREAM.contains(h.getKey())) {
        target.add(h.getKey(), h.getValue());
      }
    }
  }

  /** Upstream response headers to give the client. */
  public static void copyDownstream(MultiMap upstream, MultiMap client) {
    for (Map.Entry<String, String> h : upstream) {
      if (!NOT_FORWARDED_DOWNSTREAM.contains(h.getKey())) {
        client.add(h.getKey(), h.getValue());
      }
    }
  }
}
