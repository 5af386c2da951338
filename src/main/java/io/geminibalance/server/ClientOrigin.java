package io.geminibalance.server;

import io.vertx.ext.web.RoutingContext;

/**
 * Where a request came from: the client's IP address (for throttling and audit), and the scheme
 * and host it used (for URLs the gateway hands out). Behind a reverse proxy listed in
 * TRUSTED_PROXIES these come from {@code X-Forwarded-For/-Proto/-Host}; otherwise from the TCP
 * connection and the {@code Host} header. See {@link TrustedProxies}.
 *
 * <p>Worked out at most once per request and only when asked: the data plane's intake leaves the
 * resolver in the routing context, and the first {@link #of} replaces it with the result.
 *
 * @param address the client's IP address in its usual text form ({@code 203.0.113.7},
 *     {@code 2001:db8::1}); {@code null} on a Unix domain socket
 * @param scheme {@code http} or {@code https}
 * @param host the authority the client addressed ({@code gateway.example.com:8443}), or
 *     {@code null} when it sent none (HTTP/1.0)
 */
public record ClientOrigin(String address, String scheme, String host) {
  static final String KEY = "gb.clientOrigin";

  /** The origin of {@code rc}'s request; the same object for every call on one request. */
  public static ClientOrigin of(RoutingContext rc) {
    Object held = rc.get(KEY);
    if (held instanceof ClientOrigin origin) {
      return origin;
    }
    TrustedProxies proxies = held instanceof TrustedProxies trusted ? trusted : TrustedProxies.NONE;
    ClientOrigin origin = proxies.resolve(rc.request());
    rc.put(KEY, origin);
    return origin;
  }

  /** {@code scheme://host}, the base for absolute URLs handed to this client; null without a host. */
  public String baseUrl() {
    return host == null ? null : scheme + "://" + host;
  }
}
