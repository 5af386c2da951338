package io.geminibalance.protocol.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * What Google's error body says, beyond the HTTP status: {@code error.status}, the
 * {@code ErrorInfo} reasons, {@code RetryInfo.retryDelay} and the {@code QuotaFailure} violations.
 * Parsing never throws: a body that is not Google's shape yields an empty error.
 */
public record GoogleError(
    String status,
    String message,
    List<String> reasons,
    Duration retryDelay,
    List<QuotaViolation> quotaViolations) {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final GoogleError EMPTY = new GoogleError("", "", List.of(), null, List.of());

  /** One {@code QuotaFailure.violations[]} entry. */
  public record QuotaViolation(String quotaId, String quotaMetric, String quotaValue) {
    public boolean perDay() {
      return quotaId.contains("PerDay");
    }

    public boolean perMinute() {
      return quotaId.contains("PerMinute");
    }

    /** The key's tier has no quota at all for this model. */
    public boolean zeroLimit() {
      return "0".equals(quotaValue);
    }
  }

  public static GoogleError parse(byte[] body) {
    if (body == null || body.length == 0) {
      return EMPTY;
    }
    try {
      JsonNode root = JSON.readTree(body);
      JsonNode error = root == null ? null : root.get("error");
      if (error == null || !error.isObject()) {
        return EMPTY;
      }
      return fromErrorNode(error);
    } catch (IOException | RuntimeException e) {
      return EMPTY;
    }
  }

  private static GoogleError fromErrorNode(JsonNode error) {
    List<String> reasons = new ArrayList<>();
    List<QuotaViolation> violations = new ArrayList<>();
    Duration retryDelay = null;
    for (JsonNode detail : error.path("details")) {
      String type = detail.path("@type").asText("");
      if (type.endsWith("ErrorInfo")) {
        reasons.add(detail.path("reason").asText(""));
      } else if (type.endsWith("RetryInfo")) {
        retryDelay = parseDelay(detail.path("retryDelay").asText(""));
      } else if (type.endsWith("QuotaFailure")) {
        for (JsonNode v : detail.path("violations")) {
          violations.add(new QuotaViolation(v.path("quotaId").asText(""),
              v.path("quotaMetric").asText(""), v.path("quotaValue").asText("")));
        }
      }
    }
    return new GoogleError(error.path("status").asText(""), error.path("message").asText(""),
        List.copyOf(reasons), retryDelay, List.copyOf(violations));
  }

  /** Parses protobuf Duration JSON such as {@code "17s"} or {@code "0.5s"}. */
  static Duration parseDelay(String text) {
    if (text == null || !text.endsWith("s")) {
      return null;
    }
    try {
      double seconds = Double.parseDouble(text.substring(0, text.length() - 1));
      return seconds < 0 ? null : Duration.ofMillis(Math.round(seconds * 1000));
    } catch (NumberFormatException e) {
      return null;
    }
  }

  public boolean hasReason(String reason) {
    return reasons.contains(reason);
  }

  /** Google states the limit for this model is zero for the key's tier. */
  public boolean zeroLimit() {
    return quotaViolations.stream().anyMatch(QuotaViolation::zeroLimit)
        || message.contains("limit: 0");
  }
}
