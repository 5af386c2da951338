package io.geminibalance.protocol.anthropic;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AnthropicErrorsTest {

  @ParameterizedTest
  @CsvSource({"400,invalid_request_error", "401,authentication_error", "403,permission_error",
      "404,not_found_error", "408,invalid_request_error", "413,request_too_large", "429,rate_limit_error",
      "500,api_error", "502,api_error", "503,overloaded_error", "504,timeout_error", "529,overloaded_error"})
  void eachStatusHasAnthropicsType(int status, String type) {
    assertThat(AnthropicErrors.typeFor(status)).isEqualTo(type);
    assertThat(AnthropicErrors.of(status, "m").body()).isEqualTo(AnthropicFixtures.json(
        "{\"type\":\"error\",\"error\":{\"type\":\"" + type + "\",\"message\":\"m\"}}"));
  }

  @Test
  void googlesOverloadIs529WithItsMessageAndRetryDelay() {
    String google = "{\"error\":{\"code\":503,\"message\":\"The model is overloaded.\",\"status\":\"UNAVAILABLE\","
        + "\"details\":[{\"@type\":\"type.googleapis.com/google.rpc.RetryInfo\",\"retryDelay\":\"2.5s\"}]}}";
    AnthropicErrors.AnthropicError error = AnthropicErrors.fromUpstream(503, google.getBytes(StandardCharsets.UTF_8));
    assertThat(error.status()).isEqualTo(529);
    assertThat(error.body().path("error").path("type").asText()).isEqualTo("overloaded_error");
    assertThat(error.body().path("error").path("message").asText()).isEqualTo("The model is overloaded.");
    assertThat(error.retryAfterSeconds()).hasValue(3);
  }

  @Test
  void aBodyThatIsNotGooglesStillGetsAMessage() {
    AnthropicErrors.AnthropicError error = AnthropicErrors.fromUpstream(500, "<html>".getBytes(StandardCharsets.UTF_8));
    assertThat(error.status()).isEqualTo(500);
    assertThat(error.body().path("error").path("message").asText()).isEqualTo("Upstream Gemini API returned HTTP 500");
  }
}
