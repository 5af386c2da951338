package io.geminibalance.upstream;

import io.vertx.core.net.ProxyOptions;
import io.vertx.core.net.ProxyType;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Objects;

/**
 * One entry of PROXIES: {@code http://}, {@code https://} or {@code socks5://}, a host and a port,
 * optionally {@code user:password@} (percent-encoded where needed). {@link #toString()} and
 * {@link #masked()} hide the credentials, so that a proxy can be named in a log line, an error or
 * an answer; only {@link #options()} carries them, to Vert.x.
 *
 * <p>{@code https://} is accepted because gemini-balance's configurations use it for ordinary
 * proxies; the gateway speaks plain HTTP to the proxy either way (CONNECT for an {@code https://}
 * BASE_URL, so the call itself stays TLS end to end): Vert.x has no TLS to the proxy itself.
 */
public final class ProxyAddress {
  /** What a valid entry looks like, for error messages (never the entry: it may hold a password). */
  public static final String EXPECTED = "http://, https:// or socks5:// with a host and a port,"
      + " optionally user:password@ (e.g. socks5://user:pass@10.0.0.2:1080)";

  private final String scheme;
  private final String host;
  private final int port;
  private final String username;
  private final String password;
  private final String masked;

  private ProxyAddress(String scheme, String host, int port, String username, String password) {
    this.scheme = scheme;
    this.host = host;
    this.port = port;
    this.username = username;
    this.password = password;
    String hostPart = host.indexOf(':') >= 0 ? "[" + host + "]" : host;
    this.masked = scheme + "://" + (username == null ? "" : "***:***@") + hostPart + ":" + port;
  }

  /** Parses one entry; the exception's message never quotes it (it may hold a password). */
  public static ProxyAddress parse(String text) {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException("empty (expected: " + EXPECTED + ")");
    }
    URI uri;
    try {
      uri = new URI(text.strip());
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("not a URL (expected: " + EXPECTED + ")");
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https") && !scheme.equals("socks5")) {
      throw new IllegalArgumentException((scheme.isEmpty() ? "no scheme" : "unsupported scheme " + scheme)
          + " (expected: " + EXPECTED + ")");
    }
    String host = uri.getHost();
    if (host == null || host.isEmpty()) {
      throw new IllegalArgumentException("no host (expected: " + EXPECTED + ")");
    }
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    if (uri.getPort() < 1 || uri.getPort() > 65_535) {
      throw new IllegalArgumentException("no port (expected: " + EXPECTED + ")");
    }
    String path = uri.getRawPath();
    if (path != null && !path.isEmpty() && !path.equals("/") || uri.getRawQuery() != null
        || uri.getRawFragment() != null) {
      throw new IllegalArgumentException("a proxy URL has no path, query or fragment (expected: " + EXPECTED + ")");
    }
    String username = null;
    String password = null;
    String userInfo = uri.getRawUserInfo();
    if (userInfo != null) {
      int colon = userInfo.indexOf(':');
      if (colon <= 0) {
        throw new IllegalArgumentException("credentials must be user:password (expected: " + EXPECTED + ")");
      }
      username = decode(userInfo.substring(0, colon));
      password = decode(userInfo.substring(colon + 1));
    }
    return new ProxyAddress(scheme, host, uri.getPort(), username, password);
  }

  private static String decode(String part) {
    try {
      return URLDecoder.decode(part.replace("+", "%2B"), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("bad percent-encoding in the credentials (expected: " + EXPECTED + ")");
    }
  }

  /** The proxy for Vert.x, credentials included; a new object each time (Vert.x's are mutable). */
  public ProxyOptions options() {
    ProxyOptions options = new ProxyOptions()
        .setType(scheme.equals("socks5") ? ProxyType.SOCKS5 : ProxyType.HTTP)
        .setHost(host)
        .setPort(port);
    if (username != null) {
      options.setUsername(username).setPassword(password);
    }
    return options;
  }

  /** The entry with {@code ***:***} in place of the credentials. */
  public String masked() {
    return masked;
  }

  /**
   * Where this proxy sits on the hash ring: scheme, user and address, not the password, so that
   * changing a password does not move any key to another proxy.
   */
  String ringIdentity() {
    return scheme + "://" + (username == null ? "" : username + "@") + host + ":" + port;
  }

  /** The password, for the secret redactor only (never shown). */
  public String password() {
    return password;
  }

  public String host() {
    return host;
  }

  public int port() {
    return port;
  }

  public String scheme() {
    return scheme;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ProxyAddress other && scheme.equals(other.scheme) && host.equalsIgnoreCase(other.host)
        && port == other.port && Objects.equals(username, other.username) && Objects.equals(password, other.password);
  }

  @Override
  public int hashCode() {
    return Objects.hash(scheme, host.toLowerCase(Locale.ROOT), port, username);
  }

  @Override
  public String toString() {
    return masked;
  }
}
