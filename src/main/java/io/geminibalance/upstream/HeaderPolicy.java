package io.geminibalance.upstream;

import io.vertx.core.MultiMap;
import java.util.Locale;
import java.util.Set;

/**
 * Which headers cross the gateway. Hop-by-hop headers belong to one connection; credentials
 * belong to one side; encodings are dropped so streams can be framed without decompressing.
 */
public final class HeaderPolicy {
  private static final Set<String> NOT_FORWARDED_UPSTREAM = Set.of(
      "connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "proxy-connection",
      "te", "trailer", "transfer-encoding", "upgrade", "host", "content-length", "authorization",
      "x-goog-api-key", "cookie", "accept-encoding", "expect", "http2-settings");

  private static final Set<String> NOT_FORWARDED_DOWNSTREAM = Set.of(
      "connection", "keep-alive", "proxy-authenticate", "proxy-connection", "te", "trailer",
      "transfer-encoding", "upgrade", "set-cookie", "alt-svc", "content-length", "server",
      "x-goog-api-key");

  private HeaderPolicy() {}

  /** Client request headers safe to send upstream (the client's credential never is). */
  public static MultiMap upstreamHeaders(MultiMap client) {
    MultiMap forwarded = MultiMap.caseInsensitiveMultiMap();
    client.forEach(h -> {
      if (!NOT_FORWARDED_UPSTREAM.contains(h.getKey().toLowerCase(Locale.ROOT))) {
        forwarded.add(h.getKey(), h.getValue());
      }
    });
    return forwarded;
  }

  /** Upstream response headers to give the client. */
  public static void copyDownstream(MultiMap upstream, MultiMap client) {
    upstream.forEach(h -> {
      if (!NOT_FORWARDED_DOWNSTREAM.contains(h.getKey().toLowerCase(Locale.ROOT))) {
        client.add(h.getKey(), h.getValue());
      }
    });
  }
}
