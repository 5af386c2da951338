package io.geminibalance.protocol.anthropic;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.geminibalance.protocol.gemini.GoogleError;
import java.util.OptionalLong;

/**
 * Errors toward Anthropic clients: {@code {"type":"error","error":{"type":...,"message":...}}}
 * with the status Anthropic uses for that type, so the SDKs raise the matching exception
 * (400 BadRequest, 401 Authentication, 403 PermissionDenied, 404 NotFound, 413 ContentTooLarge,
 * 429 RateLimit, 5xx InternalServer, 529 Overloaded).
 */
public final class AnthropicErrors {
  /** Anthropic's status for "overloaded": Google's 503 UNAVAILABLE says the same. */
  public static final int OVERLOADED = 529;

  /**
   * @param retryAfterSeconds Google's {@code RetryInfo.retryDelay}, a hint for {@code Retry-After}
   */
  public record AnthropicError(int status, ObjectNode body, OptionalLong retryAfterSeconds) {}

  private AnthropicErrors() {}

  /** An error the gateway raises itself. */
  public static AnthropicError of(int status, String message) {
    return new AnthropicError(status, body(typeFor(status), message), OptionalLong.empty());
  }

  /** A request the translator refused. */
  public static AnthropicError of(AnthropicRequestException e) {
    return of(e.status(), e.getMessage());
  }

  /**
   * Google's final error answer (the body may be empty or not Google's shape): its message, the
   * status Anthropic would use (503 is 529, overloaded), and the retry delay it names.
   */
  public static AnthropicError fromUpstream(int status, byte[] body) {
    GoogleError google = GoogleError.parse(body);
    String message = google.message().isBlank() ? "Upstream Gemini API returned HTTP " + status : google.message();
    int answered = status == 503 ? OVERLOADED : status;
    OptionalLong retry = google.retryDelay() == null ? OptionalLong.empty()
        : OptionalLong.of(Math.max(1, (google.retryDelay().toMillis() + 999) / 1000));
    return new AnthropicError(answered, body(typeFor(answered), message), retry);
  }

  /** The error type Anthropic gives a status. */
  public static String typeFor(int status) {
    return switch (status) {
      case 401 -> "authentication_error";
      case 402 -> "billing_error";
      case 403 -> "permission_error";
      case 404 -> "not_found_error";
      case 413 -> "request_too_large";
      case 429 -> "rate_limit_error";
      case 503, OVERLOADED -> "overloaded_error";
      case 504 -> "timeout_error";
      default -> status >= 500 ? "api_error" : "invalid_request_error";
    };
  }

  /** The error body, also the data of a stream's {@code error} event. */
  public static ObjectNode body(String type, String message) {
    ObjectNode body = Fields.object().put("type", "error");
    body.putObject("error").put("type", type).put("message", message);
    return body;
  }
}
