package io.geminibalance.requestlog;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.function.BooleanSupplier;

/**
 * Makes an error-log row safe to store: secrets redacted from the message and body, and the body
 * kept only while ERROR_LOG_RECORD_REQUEST_BODY is on (read at each call, so a settings change
 * applies at once). A body that is not JSON is stored as a JSON string, because gemini-balance's
 * MySQL column has the JSON type and would reject the whole batch. Bodies arrive already cut to
 * ERROR_LOG_REQUEST_BODY_MAX_KB by {@link RequestBodyExcerpt}, whose mark is itself JSON.
 */
public final class ErrorLogSanitizer {
  private final SecretRedactor redactor;
  private final BooleanSupplier recordRequestBody;
  private final ObjectMapper json;

  public ErrorLogSanitizer(SecretRedactor redactor, BooleanSupplier recordRequestBody, ObjectMapper json) {
    this.redactor = redactor;
    this.recordRequestBody = recordRequestBody;
    this.json = json;
  }

  public ErrorLogEntry sanitize(ErrorLogEntry entry) {
    String body = recordRequestBody.getAsBoolean() ? asJson(redactor.redact(entry.requestBody())) : null;
    return entry.withText(redactor.redact(entry.message()), body);
  }

  private String asJson(String body) {
    if (body == null) {
      return null;
    }
    try {
      json.readTree(body);
      return body;
    } catch (JsonProcessingException notJson) {
      try {
        return json.writeValueAsString(body);
      } catch (JsonProcessingException impossible) {
        throw new IllegalStateException(impossible);
      }
    }
  }
}
