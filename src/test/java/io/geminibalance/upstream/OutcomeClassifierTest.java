package io.geminibalance.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import io.geminibalance.keypool.KeyOutcome;
import io.geminibalance.keypool.KeyOutcome.RateLimited.QuotaWindow;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class OutcomeClassifierTest {

  private static Verdict classify(int status, String body) {
    return OutcomeClassifier.classify(status, body.getBytes(StandardCharsets.UTF_8));
  }

  private static String error(int code, String status, String message, String... details) {
    return "{\"error\":{\"code\":" + code + ",\"message\":\"" + message + "\",\"status\":\"" + status
        + "\",\"details\":[" + String.join(",", details) + "]}}";
  }

  private static final String INVALID_KEY_INFO =
      "{\"@type\":\"type.googleapis.com/google.rpc.ErrorInfo\",\"reason\":\"API_KEY_INVALID\"}";

  @Test
  void successIsSuccess() {
    assertThat(classify(200, "{}")).isEqualTo(Verdict.SUCCESS);
  }

  @Test
  void invalidKeyDisablesTheKeyAndRetriesElsewhere() {
    Verdict v = classify(400, error(400, "INVALID_ARGUMENT", "API key not valid. Please pass a valid API key.",
        INVALID_KEY_INFO));
    assertThat(v.keyOutcome()).isInstanceOf(KeyOutcome.KeyInvalid.class);
    assertThat(v.retryOnAnotherKey()).isTrue();
  }

  @Test
  void expiredOrSuspendedKeysAreDeadToo() {
    assertThat(classify(400, error(400, "INVALID_ARGUMENT", "API key expired. Please renew the API key."))
        .keyOutcome()).isInstanceOf(KeyOutcome.KeyInvalid.class);
    assertThat(classify(403, error(403, "PERMISSION_DENIED", "Permission denied: Consumer has been suspended.",
        "{\"@type\":\"type.googleapis.com/google.rpc.ErrorInfo\",\"reason\":\"CONSUMER_SUSPENDED\"}"))
        .keyOutcome()).isInstanceOf(KeyOutcome.KeyInvalid.class);
  }

  @Test
  void plainBadRequestIsTheClientsFault() {
    Verdict v = classify(400, error(400, "INVALID_ARGUMENT", "Invalid JSON payload received."));
    assertThat(v.keyOutcome()).isInstanceOf(KeyOutcome.Neutral.class);
    assertThat(v.retryOnAnotherKey()).isFalse();
  }

  @Test
  void missingThoughtSignatureIsNotRetried() {
    Verdict v = classify(400, error(400, "INVALID_ARGUMENT", "Function call is missing a thought_signature"));
    assertThat(v.retryOnAnotherKey()).isFalse();
  }

  @Test
  void unknownModelIsNotRetried() {
    Verdict v = classify(404, error(404, "NOT_FOUND", "models/x is not found"));
    assertThat(v.retryOnAnotherKey()).isFalse();
    assertThat(v.keyOutcome()).isInstanceOf(KeyOutcome.Neutral.class);
  }

  @Test
  void permissionProblemsCountAgainstTheKey() {
    assertThat(classify(401, error(401, "UNAUTHENTICATED", "Request had invalid authentication")).keyOutcome())
        .isInstanceOf(KeyOutcome.KeyFailure.class);
    Verdict v = classify(403, error(403, "PERMISSION_DENIED", "Generative Language API has not been used"));
    assertThat(v.keyOutcome()).isInstanceOf(KeyOutcome.KeyFailure.class);
    assertThat(v.retryOnAnotherKey()).isTrue();
  }

  @Test
  void failedPreconditionIsAProjectProblemOfThatKey() {
    Verdict v = classify(400, error(400, "FAILED_PRECONDITION", "User location is not supported"));
    assertThat(v.keyOutcome()).isInstanceOf(KeyOutcome.KeyFailure.class);
    assertThat(v.retryOnAnotherKey()).isTrue();
  }

  @Test
  void perMinuteQuotaCarriesTheRetryDelay() {
    Verdict v = classify(429, error(429, "RESOURCE_EXHAUSTED", "quota",
        "{\"@type\":\"type.googleapis.com/google.rpc.QuotaFailure\",\"violations\":[{\"quotaId\":"
            + "\"GenerateRequestsPerMinutePerProjectPerModel-FreeTier\",\"quotaValue\":\"10\"}]}",
        "{\"@type\":\"type.googleapis.com/google.rpc.RetryInfo\",\"retryDelay\":\"17s\"}"));
    KeyOutcome.RateLimited limited = (KeyOutcome.RateLimited) v.keyOutcome();
    assertThat(limited.window()).isEqualTo(QuotaWindow.MINUTE);
    assertThat(limited.retryDelay()).isEqualTo(Duration.ofSeconds(17));
    assertThat(v.retryOnAnotherKey()).isTrue();
  }

  @Test
  void perDayQuotaIsRecognised() {
    Verdict v = classify(429, error(429, "RESOURCE_EXHAUSTED", "quota",
        "{\"@type\":\"type.googleapis.com/google.rpc.QuotaFailure\",\"violations\":[{\"quotaId\":"
            + "\"GenerateRequestsPerDayPerProjectPerModel-FreeTier\",\"quotaValue\":\"250\"}]}"));
    assertThat(((KeyOutcome.RateLimited) v.keyOutcome()).window()).isEqualTo(QuotaWindow.DAY);
  }

  @Test
  void zeroLimitMeansTheModelIsNotInTheKeysTier() {
    Verdict v = classify(429, error(429, "RESOURCE_EXHAUSTED",
        "Quota exceeded for metric: x, limit: 0, model: gemini-2.5-pro"));
    assertThat(v.keyOutcome()).isInstanceOf(KeyOutcome.ModelUnavailable.class);
  }

  @Test
  void bare429IsAnUnknownWindowWithoutDelay() {
    KeyOutcome.RateLimited limited = (KeyOutcome.RateLimited) classify(429, "not json").keyOutcome();
    assertThat(limited.window()).isEqualTo(QuotaWindow.UNKNOWN);
    assertThat(limited.retryDelay()).isNull();
  }

  @Test
  void serverErrorsAreRetriedWithoutBlame() {
    for (int status : new int[] {500, 502, 503, 504, 408}) {
      Verdict v = classify(status, "");
      assertThat(v.retryOnAnotherKey()).as("status %d", status).isTrue();
      assertThat(v.keyOutcome()).isInstanceOf(KeyOutcome.Neutral.class);
    }
  }

  @Test
  void otherClientErrorsAreNotRetried() {
    assertThat(classify(413, "").retryOnAnotherKey()).isFalse();
    assertThat(classify(422, "").retryOnAnotherKey()).isFalse();
  }
}
