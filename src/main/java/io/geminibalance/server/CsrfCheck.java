package io.geminibalance.server;

import io.vertx.core.http.HttpMethod;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * Decides whether an admin call that authenticates with the session cookie may change anything:
 * it must come from the admin pages of this very gateway. Browsers send a SameSite=Strict cookie
 * only on same-site requests, but "same site" takes in every other origin of the site (a sibling
 * subdomain, another port), and older browsers ignore the attribute; so a state-changing call
 * also needs the session's CSRF token in {@code X-CSRF-Token}, which another origin cannot read,
 * and, where the browser says where the call comes from ({@code Origin}, {@code Sec-Fetch-Site}),
 * that must be this origin. Bearer callers (scripts) are not browsers and need none of this.
 *
 * <p>Pure: the caller reads the headers and applies the answer (a 403 naming what was wrong).
 */
final class CsrfCheck {
  static final String HEADER = "x-csrf-token";

  private CsrfCheck() {}

  /** Whether {@code method} may change state (everything but GET, HEAD and OPTIONS). */
  static boolean stateChanging(HttpMethod method) {
    return !(method == HttpMethod.GET || method == HttpMethod.HEAD || method == HttpMethod.OPTIONS);
  }

  /**
   * Null when the browser's own account of the request (either header may be absent) says it comes
   * from {@code ownOrigin}; else why not.
   *
   * @param ownOrigin this gateway's origin as the client addressed it ({@code scheme://host}), or
   *     null when unknown (then any Origin header is refused)
   */
  static String crossSite(String origin, String fetchSite, String ownOrigin) {
    if (fetchSite != null && !fetchSite.strip().equalsIgnoreCase("same-origin")) {
      return "Sec-Fetch-Site is '" + fetchSite + "': admin calls with a session cookie must come from this"
          + " gateway's own pages (same-origin).";
    }
    if (origin != null && (ownOrigin == null || !sameOrigin(origin.strip(), ownOrigin))) {
      return "Origin '" + origin + "' is not this gateway's own origin"
          + (ownOrigin == null ? "" : " (" + ownOrigin + ")") + ": admin calls with a session cookie must come"
          + " from its own pages." + proxyHint(origin.strip(), ownOrigin);
    }
    return null;
  }

  /**
   * Behind a reverse proxy the gateway sees the origin the proxy used unless it is told the
   * browser's: the usual cause of a refused page call, so the answer says how to fix it.
   */
  private static String proxyHint(String origin, String ownOrigin) {
    if (ownOrigin == null || !origin.startsWith("https://") || !ownOrigin.startsWith("http://")) {
      return origin.equals("null") || ownOrigin == null ? "" : " Behind a reverse proxy? It must pass on the"
          + " host the browser used (Host, or X-Forwarded-Host from a proxy in TRUSTED_PROXIES).";
    }
    return " Behind a TLS-terminating proxy? List it in TRUSTED_PROXIES so that its X-Forwarded-Proto (and"
        + " X-Forwarded-Host) are believed.";
  }

  /**
   * Whether two {@code scheme://host[:port]} origins are the same, ignoring case and a default port
   * written out: a proxy may pass {@code Host: example.com:443} while the browser's Origin says
   * {@code https://example.com}.
   */
  static boolean sameOrigin(String a, String b) {
    return withoutDefaultPort(a).equalsIgnoreCase(withoutDefaultPort(b));
  }

  private static String withoutDefaultPort(String origin) {
    String lower = origin.toLowerCase(java.util.Locale.ROOT);
    if (lower.startsWith("https://") && lower.endsWith(":443")) {
      return lower.substring(0, lower.length() - 4);
    }
    if (lower.startsWith("http://") && lower.endsWith(":80")) {
      return lower.substring(0, lower.length() - 3);
    }
    return lower;
  }

  /**
   * Null when a state-changing call with a session may go on: not cross-site (see
   * {@link #crossSite}) and carrying the session's CSRF token, compared in constant time.
   */
  static String refusal(String csrfHeader, String origin, String fetchSite, String sessionToken, String ownOrigin) {
    String crossSite = crossSite(origin, fetchSite, ownOrigin);
    if (crossSite != null) {
      return crossSite;
    }
    if (csrfHeader == null || csrfHeader.isBlank()) {
      return "X-CSRF-Token missing: a state-changing call with a session cookie must send the session's CSRF"
          + " token (GET /api/session gives it).";
    }
    if (!MessageDigest.isEqual(csrfHeader.strip().getBytes(StandardCharsets.UTF_8),
        sessionToken.getBytes(StandardCharsets.UTF_8))) {
      return "X-CSRF-Token does not match this session's CSRF token (GET /api/session gives it).";
    }
    return null;
  }
}
