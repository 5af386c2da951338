package io.geminibalance.protocol.gemini;

import java.nio.charset.StandardCharsets;

/**
 * WebSocket close codes and reasons as the Live relay passes them on (RFC 6455 section 7.4). A code
 * that only describes what an endpoint saw ({@code 1005} no code, {@code 1006} no close frame,
 * {@code 1015} TLS) may not be sent in a close frame, so it becomes one that may; reasons are cut
 * to the 123 bytes a close frame holds, on a character boundary.
 */
public final class LiveClose {
  /** Normal closure. */
  public static final int NORMAL = 1000;
  /** The endpoint is going away. */
  public static final int GOING_AWAY = 1001;
  /** The endpoint refuses a message against its policy (a managed token's model not allowed). */
  public static final int POLICY_VIOLATION = 1008;
  /** The message did not fit its expected form (Google answers a bad setup with it). */
  public static final int INVALID_PAYLOAD = 1007;
  /** A message larger than the endpoint accepts. */
  public static final int MESSAGE_TOO_BIG = 1009;
  /** The server met a condition that stops it serving the session. */
  public static final int INTERNAL_ERROR = 1011;
  /** Try again later: the gateway's own pool has no key free now. */
  public static final int TRY_AGAIN_LATER = 1013;

  /** Most bytes of a close reason (125-byte control frame payload, less the 2-byte code). */
  public static final int MAX_REASON_BYTES = 123;

  private LiveClose() {}

  /**
   * The code to send on for {@code received}: itself when a close frame may carry it, else
   * {@code 1000} for a close frame without a code and {@code whenAbnormal} for a connection lost
   * without one (or any code a close frame may not carry).
   */
  public static int passOn(int received, int whenAbnormal) {
    if (received == 1005) {
      return NORMAL;
    }
    return sendable(received) ? received : whenAbnormal;
  }

  /** Whether a close frame may carry {@code code}. */
  public static boolean sendable(int code) {
    return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) || (code >= 3000 && code <= 4999);
  }

  /** {@code reason} cut to {@link #MAX_REASON_BYTES} bytes of UTF-8 without splitting a character; "" for null. */
  public static String reason(String reason) {
    if (reason == null) {
      return "";
    }
    if (reason.length() * 3 <= MAX_REASON_BYTES
        || reason.getBytes(StandardCharsets.UTF_8).length <= MAX_REASON_BYTES) {
      return reason;
    }
    int bytes = 0;
    int end = 0;
    while (end < reason.length()) {
      int cp = reason.codePointAt(end);
      int size = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
      if (bytes + size > MAX_REASON_BYTES) {
        break;
      }
      bytes += size;
      end += Character.charCount(cp);
    }
    return reason.substring(0, end);
  }
}
