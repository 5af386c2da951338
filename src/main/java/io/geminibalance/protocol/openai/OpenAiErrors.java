package io.geminibalance.protocol.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Errors toward OpenAI clients (PROTOCOL §9): {@code {"error":{message,type,param,code}}}
 * with a status the {@code openai} SDK maps to the right exception class.
 */
public final class OpenAiErrors {

  /**
   * @param status the HTTP status to answer with
   * @param body the OpenAI error body
   * @param retryAfterSeconds Google's {@code RetryInfo.retryDelay}, a hint for {@code Retry-After}
   */
  public record OpenAiError(int status, ObjectNode body, OptionalLong retryAfterSeconds) {}

  private static final Pattern SECONDS = Pattern.compile("^(\\d+(?:\\.\\d+)?)s$");
  private static final String RETRY_INFO = "type.googleapis.com/google.rpc.RetryInfo";

  private OpenAiErrors() {}

  /** A Gemini error response (body may be null, empty or not JSON) as an OpenAI error. */
  public static OpenAiError fromUpstream(int status, byte[] body) {
    return fromUpstream(status, parse(body));
  }

  public static OpenAiError fromUpstream(int status, JsonNode body) {
    JsonNode error = body == null ? Json.object() : body.path("error");
    String message = error.path("message").asText("");
    if (message.isBlank()) {
      message = "Upstream Gemini API returned HTTP " + status;
    }
    String googleStatus = error.path("status").asText("");
    String code = codeFor(status, googleStatus);
    return new OpenAiError(status, body(message, typeFor(status), null, code), retryDelay(error));
  }

  /** An error the gateway raises itself (bad request, no usable key, ...). */
  public static OpenAiError of(int status, String message, String param, String code) {
    return new OpenAiError(status, body(message, typeFor(status), param, code), OptionalLong.empty());
  }

  /** 400 {@code invalid_request_error} naming the field at fault, with the exception's code. */
  public static OpenAiError fromTranslation(TranslationException e) {
    return of(400, e.getMessage(), e.param(), e.code());
  }

  static String typeFor(int status) {
    return switch (status) {
      case 403 -> "permission_error";
      case 429 -> "rate_limit_error";
      default -> status >= 500 ? "server_error" : "invalid_request_error";
    };
  }

  private static String codeFor(int status, String googleStatus) {
    return switch (status) {
      case 401 -> "invalid_api_key";
      case 403 -> "permission_denied";
      case 404 -> "model_not_found";
      case 429 -> "rate_limit_exceeded";
      case 503 -> "service_unavailable";
      case 504 -> "deadline_exceeded";
      default -> status >= 500 ? "internal" : lowerOrNull(googleStatus);
    };
  }

  private static String lowerOrNull(String googleStatus) {
    return googleStatus.isEmpty() ? null : googleStatus.toLowerCase(Locale.ROOT);
  }

  private static ObjectNode body(String message, String type, String param, String code) {
    ObjectNode body = Json.object();
    ObjectNode error = body.putObject("error").put("message", message).put("type", type);
    error.put("param", param);
    error.put("code", code);
    return body;
  }

  private static OptionalLong retryDelay(JsonNode error) {
    for (JsonNode detail : error.path("details")) {
      if (RETRY_INFO.equals(detail.path("@type").asText())) {
        Matcher matcher = SECONDS.matcher(detail.path("retryDelay").asText(""));
        if (matcher.matches()) {
          return OptionalLong.of((long) Math.ceil(Double.parseDouble(matcher.group(1))));
        }
      }
    }
    return OptionalLong.empty();
  }

  private static JsonNode parse(byte[] body) {
    if (body == null || body.length == 0) {
      return null;
    }
    try {
      return Optional.ofNullable(Json.MAPPER.readTree(body)).filter(JsonNode::isObject).orElse(null);
    } catch (IOException e) {
      return null;
    }
  }
}
