package io.geminibalance.protocol.openai;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class OpenAiErrorsTest {

  private static byte[] googleError(int code, String status) {
    return ("{\"error\":{\"code\":" + code + ",\"message\":\"upstream says " + code + "\",\"status\":\"" + status + "\"}}")
        .getBytes(StandardCharsets.UTF_8);
  }

  @ParameterizedTest(name = "{0} {1} -> {2} / {3}")
  @CsvSource({
      "400, INVALID_ARGUMENT, invalid_request_error, invalid_argument",
      "400, FAILED_PRECONDITION, invalid_request_error, failed_precondition",
      "401, UNAUTHENTICATED, invalid_request_error, invalid_api_key",
      "403, PERMISSION_DENIED, permission_error, permission_denied",
      "404, NOT_FOUND, invalid_request_error, model_not_found",
      "429, RESOURCE_EXHAUSTED, rate_limit_error, rate_limit_exceeded",
      "500, INTERNAL, server_error, internal",
      "502, INTERNAL, server_error, internal",
      "503, UNAVAILABLE, server_error, service_unavailable",
      "504, DEADLINE_EXCEEDED, server_error, deadline_exceeded"})
  void mapsEveryStatusClass(int status, String googleStatus, String type, String code) {
    OpenAiErrors.OpenAiError error = OpenAiErrors.fromUpstream(status, googleError(status, googleStatus));

    assertThat(error.status()).isEqualTo(status);
    assertThat(error.body()).isEqualTo(Fixtures.json("{\"error\":{\"message\":\"upstream says " + status
        + "\",\"type\":\"" + type + "\",\"param\":null,\"code\":\"" + code + "\"}}"));
  }

  @Test
  void readsRetryDelayForRetryAfter() {
    String body = "{\"error\":{\"code\":429,\"message\":\"quota\",\"status\":\"RESOURCE_EXHAUSTED\",\"details\":["
        + "{\"@type\":\"type.googleapis.com/google.rpc.QuotaFailure\",\"violations\":[]},"
        + "{\"@type\":\"type.googleapis.com/google.rpc.RetryInfo\",\"retryDelay\":\"17.2s\"}]}}";
    assertThat(OpenAiErrors.fromUpstream(429, body.getBytes(StandardCharsets.UTF_8)).retryAfterSeconds()).hasValue(18);
    assertThat(OpenAiErrors.fromUpstream(429, googleError(429, "RESOURCE_EXHAUSTED")).retryAfterSeconds()).isEmpty();
  }

  @Test
  void survivesEmptyAndNonJsonBodies() {
    OpenAiErrors.OpenAiError empty = OpenAiErrors.fromUpstream(502, (byte[]) null);
    OpenAiErrors.OpenAiError html = OpenAiErrors.fromUpstream(400, "<html>bad gateway</html>".getBytes(StandardCharsets.UTF_8));

    assertThat(empty.body()).isEqualTo(Fixtures.json("{\"error\":{\"message\":\"Upstream Gemini API returned HTTP 502\","
        + "\"type\":\"server_error\",\"param\":null,\"code\":\"internal\"}}"));
    assertThat(html.body().at("/error/type").asText()).isEqualTo("invalid_request_error");
    assertThat(html.body().at("/error/code").isNull()).isTrue();
  }

  @Test
  void buildsTheGatewaysOwnErrors() {
    assertThat(OpenAiErrors.of(503, "No usable API key", null, "service_unavailable").body()).isEqualTo(Fixtures.json(
        "{\"error\":{\"message\":\"No usable API key\",\"type\":\"server_error\",\"param\":null,\"code\":\"service_unavailable\"}}"));
    OpenAiErrors.OpenAiError translation = OpenAiErrors.fromTranslation(
        new TranslationException("messages[2].tool_call_id", "unknown id"));
    assertThat(translation.status()).isEqualTo(400);
    assertThat(translation.body()).isEqualTo(Fixtures.json(
        "{\"error\":{\"message\":\"unknown id\",\"type\":\"invalid_request_error\",\"param\":\"messages[2].tool_call_id\",\"code\":null}}"));
  }
}
