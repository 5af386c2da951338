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

  /** Copies the client request headers safe to send upstream (the client's credential never is). */
  public static void copyUpstream(MultiMap client, MultiMap upstream) {
    copyExcept(client, upstream, NOT_FORWARDED_UPSTREAM);
  }

  /** Upstream response headers to give the client. */
  public static void copyDownstream(MultiMap upstream, MultiMap client) {
    copyExcept(upstream, client, NOT_FORWARDED_DOWNSTREAM);
  }

  private static void copyExcept(MultiMap from, MultiMap to, HeaderNames excluded) {
    for (Map.Entry<String, String> h : from) {
      if (!excluded.contains(h.getKey())) {
        to.add(h.getKey(), h.getValue());
      }
    }
  }
}
