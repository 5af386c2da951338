package io.geminibalance.requestlog;

import java.time.Instant;
import java.util.Objects;

/**
 * One failed upstream attempt, as stored in {@code t_error_logs}.
 *
 * @param errorType gemini-balance's type names, e.g. {@code gemini-chat-non-stream}, {@code openai-chat-stream}
 * @param message the upstream error text; secrets are redacted before it is stored
 * @param requestBody the payload sent upstream; stored only when ERROR_LOG_RECORD_REQUEST_BODY is on
 */
public record ErrorLogEntry(
    Instant time,
    KeyIdentity key,
    String model,
    String errorType,
    Integer statusCode,
    String message,
    String requestBody,
    String requestId) {

  public ErrorLogEntry {
    Objects.requireNonNull(time, "time");
  }

  public ErrorLogEntry withText(String newMessage, String newRequestBody) {
    return new ErrorLogEntry(time, key, model, errorType, statusCode, newMessage, newRequestBody, requestId);
  }
}
