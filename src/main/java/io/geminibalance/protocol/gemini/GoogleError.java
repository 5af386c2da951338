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
 *
 * <p>{@code ErrorInfo.metadata} adds the key's project ({@code consumer: "projects/<number>"}) and,
 * in the older quota shape, the quota itself ({@code quota_limit}, {@code quota_metric},
 * {@code quota_limit_value}), which is read as one more violation.
 *
 * @param consumer the project Google names as the key's ({@code projects/<number>}), "" if none
 */
public record GoogleError(
    String status,
    String message,
    List<String> reasons,
    Duration retryDelay,
    List<QuotaViolation> quotaViolations,
    String consumer) {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final GoogleError EMPTY = new GoogleError("", "", List.of(), null, List.of(), "");
  /** A project as Google names a consumer; numbers only, so nothing else is ever echoed as one. */
  private static final java.util.regex.Pattern PROJECT = java.util.regex.Pattern.compile("projects/[0-9]{1,30}");

  /** One {@code QuotaFailure.violations[]} entry. */
  public record QuotaViolation(String quotaId, String quotaMetric, String quotaValue) {
    public boolean perDay() {
      return quotaId.contains("PerDay");
    }

    public boolean perMinute() {
      return quotaId.contains("PerMinute");
    }

    /**
     * A quota of requests (not tokens): Google's ids and metrics say so
     * ({@code GenerateRequestsPerMinutePerProjectPerModel-FreeTier},
     * {@code generate_content_free_tier_requests}).
     */
    public boolean countsRequests() {
      return quotaId.contains("Requests") || quotaMetric.endsWith("_requests");
    }

    /** {@code quotaValue} as a number, 0 when absent or not a positive whole number that fits an int. */
    public int value() {
      if (quotaValue.isEmpty() || quotaValue.length() > 9 || !quotaValue.chars().allMatch(Character::isDigit)) {
        return 0;
      }
      return Integer.parseInt(quotaValue);
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
    String consumer = "";
    for (JsonNode detail : error.path("details")) {
      String type = detail.path("@type").asText("");
      if (type.endsWith("ErrorInfo")) {
        reasons.add(detail.path("reason").asText(""));
        JsonNode metadata = detail.path("metadata");
        String named = metadata.path("consumer").asText("");
        if (consumer.isEmpty() && PROJECT.matcher(named).matches()) {
          consumer = named;
        }
        if (metadata.hasNonNull("quota_limit")) {
          violations.add(new QuotaViolation(metadata.path("quota_limit").asText(""),
              metadata.path("quota_metric").asText(""), metadata.path("quota_limit_value").asText("")));
        }
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
        List.copyOf(reasons), retryDelay, List.copyOf(violations), consumer);
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
