package io.geminibalance.upstream;

import io.geminibalance.protocol.gemini.GoogleError;
import java.util.List;
import java.util.Map;

/**
 * Whose doing a Google 400, 401 or 403 is: the pool key's, or the request's. Pure.
 *
 * <p>A client can make Google refuse a request in many ways that say nothing about the key: a
 * {@code fileUri} of another project ("You do not have permission to access the File ..."), a
 * stray {@code access_token} or {@code Authorization} header, a file still processing. Charging
 * those to the key would let one client disable the whole pool, so only Google's key-specific
 * reasons blame a key. The reason is read from {@code ErrorInfo.reason} (Google's
 * {@code google.api.ErrorReason}, domain {@code googleapis.com}); only a body without any
 * {@code ErrorInfo} falls back to Google's documented message texts, matched at the start of the
 * message: Google echoes parts of a bad request (unknown field names, file names) inside its
 * messages, so a client could otherwise plant "API key not valid" in one.
 *
 * <p>The key's, dead ({@link Kind#DEAD_KEY}): {@code API_KEY_INVALID} (also what Google sends for
 * an expired key, with the message "API key expired"), {@code API_KEY_EXPIRED},
 * {@code CONSUMER_INVALID} (the key's project is gone).
 *
 * <p>The key's, blocked by its project or its own restrictions ({@link Kind#BLOCKED_KEY}): the
 * owner can fix these, so the periodic re-check brings the key back: {@code SERVICE_DISABLED}
 * (the Generative Language API is off in the key's project), {@code BILLING_DISABLED},
 * {@code CONSUMER_SUSPENDED} (suspensions can be appealed), {@code API_KEY_SERVICE_BLOCKED}
 * (the key's API restrictions leave this API or method out) and the key's application
 * restrictions ({@code API_KEY_HTTP_REFERRER_BLOCKED}, {@code API_KEY_IP_ADDRESS_BLOCKED},
 * {@code API_KEY_ANDROID_APP_BLOCKED}, {@code API_KEY_IOS_APP_BLOCKED}): only keys their owner
 * restricted can answer so, and such a key does not fit a shared gateway. A 400
 * {@code FAILED_PRECONDITION} saying the free tier is unavailable where the gateway runs ("...
 * without a billing account linked", "Gemini API free tier is not available in your country")
 * is the key's project too: a paid key still works from there.
 *
 * <p>The request's, even though they look like credentials ({@link Kind#REQUEST}):
 * {@code ACCESS_TOKEN_TYPE_UNSUPPORTED}, {@code ACCESS_TOKEN_EXPIRED},
 * {@code ACCESS_TOKEN_SCOPE_INSUFFICIENT} and {@code CREDENTIALS_MISSING} are about an OAuth
 * credential: the pool key is not one, so they come from a token the client sent along or from
 * a method that does not take API keys; {@code USER_PROJECT_DENIED} follows a project header
 * the client chose. Every other reason, and a 400/401/403 without one ({@code PERMISSION_DENIED}
 * on a file, {@code FAILED_PRECONDITION} on a file not yet {@code ACTIVE}), is the request's.
 *
 * <p>A plain "User location is not supported for the API use." is neither: the gateway's
 * outgoing address (or the proxy of that key) is in a region Google does not serve
 * ({@link Kind#EGRESS_LOCATION}); another key may go out through another proxy.
 *
 * <p>A reason that names the API key ({@code API_KEY_...}) but is not known here counts toward
 * MAX_FAILURES ({@link Kind#UNKNOWN_KEY_REASON}) rather than disabling at once or being ignored.
 *
 * @param kind whose doing it is
 * @param reason a fixed description for the disable reason and logs: Google's own message is not
 *     used, since some carry the key in clear ("Consumer 'api_key:...' has been suspended")
 */
record KeyBlame(Kind kind, String reason) {

  /** Who is to blame. */
  enum Kind { DEAD_KEY, BLOCKED_KEY, UNKNOWN_KEY_REASON, EGRESS_LOCATION, REQUEST }

  static final KeyBlame REQUEST = new KeyBlame(Kind.REQUEST, "the request's own error");

  private static final Map<String, KeyBlame> BY_REASON = Map.ofEntries(
      dead("API_KEY_INVALID", "API_KEY_INVALID: the key is not valid (or expired)"),
      dead("API_KEY_EXPIRED", "API_KEY_EXPIRED: the key expired"),
      dead("CONSUMER_INVALID", "CONSUMER_INVALID: the key's project does not exist"),
      blocked("SERVICE_DISABLED", "SERVICE_DISABLED: the Generative Language API is disabled in the key's project"),
      blocked("BILLING_DISABLED", "BILLING_DISABLED: billing is disabled for the key's project"),
      blocked("CONSUMER_SUSPENDED", "CONSUMER_SUSPENDED: the key or its project is suspended"),
      blocked("API_KEY_SERVICE_BLOCKED", "API_KEY_SERVICE_BLOCKED: the key's API restrictions exclude this API"),
      blocked("API_KEY_HTTP_REFERRER_BLOCKED", "API_KEY_HTTP_REFERRER_BLOCKED: the key is restricted to other websites"),
      blocked("API_KEY_IP_ADDRESS_BLOCKED", "API_KEY_IP_ADDRESS_BLOCKED: the key is restricted to other IP addresses"),
      blocked("API_KEY_ANDROID_APP_BLOCKED", "API_KEY_ANDROID_APP_BLOCKED: the key is restricted to Android apps"),
      blocked("API_KEY_IOS_APP_BLOCKED", "API_KEY_IOS_APP_BLOCKED: the key is restricted to iOS apps"));

  /** Google's messages for the same cases, for bodies without ErrorInfo; first match wins. */
  private static final List<Map.Entry<String, KeyBlame>> BY_MESSAGE_START = List.of(
      Map.entry("API key not valid", BY_REASON.get("API_KEY_INVALID")),
      Map.entry("API key expired", BY_REASON.get("API_KEY_EXPIRED")),
      Map.entry("Generative Language API has not been used in project", BY_REASON.get("SERVICE_DISABLED")),
      Map.entry("This API method requires billing to be enabled", BY_REASON.get("BILLING_DISABLED")),
      Map.entry("Permission denied: Consumer", BY_REASON.get("CONSUMER_SUSPENDED")),
      Map.entry("Requests to this API", BY_REASON.get("API_KEY_SERVICE_BLOCKED")),
      Map.entry("Your project has been denied access",
          new KeyBlame(Kind.BLOCKED_KEY, "the key's project has been denied access")),
      Map.entry("User location is not supported for the API use without a billing account",
          new KeyBlame(Kind.BLOCKED_KEY, "the free tier is not offered where the gateway runs; the key's project needs billing")),
      Map.entry("Gemini API free tier is not available in your country",
          new KeyBlame(Kind.BLOCKED_KEY, "the free tier is not offered where the gateway runs; the key's project needs billing")),
      Map.entry("User location is not supported",
          new KeyBlame(Kind.EGRESS_LOCATION, "Google does not serve the gateway's (or this key's proxy's) location")));

  private static Map.Entry<String, KeyBlame> dead(String reason, String description) {
    return Map.entry(reason, new KeyBlame(Kind.DEAD_KEY, description));
  }

  private static Map.Entry<String, KeyBlame> blocked(String reason, String description) {
    return Map.entry(reason, new KeyBlame(Kind.BLOCKED_KEY, description));
  }

  /** Whose doing a 400, 401 or 403 with this body is. */
  static KeyBlame of(GoogleError error) {
    if (!error.reasons().isEmpty()) {
      return byReasons(error.reasons());
    }
    String message = error.message();
    for (Map.Entry<String, KeyBlame> known : BY_MESSAGE_START) {
      if (message.regionMatches(true, 0, known.getKey(), 0, known.getKey().length())) {
        return known.getValue();
      }
    }
    return REQUEST;
  }

  private static KeyBlame byReasons(List<String> reasons) {
    KeyBlame unknownKeyReason = null;
    for (String reason : reasons) {
      KeyBlame known = BY_REASON.get(reason);
      if (known != null) {
        return known;
      }
      if (reason.startsWith("API_KEY_") && unknownKeyReason == null) {
        unknownKeyReason = new KeyBlame(Kind.UNKNOWN_KEY_REASON, reason + ": a key problem this gateway does not know");
      }
    }
    return unknownKeyReason != null ? unknownKeyReason : REQUEST;
  }
}
