package io.geminibalance.upstream;

import static io.geminibalance.testing.GoogleErrorBodies.API_RESTRICTED;
import static io.geminibalance.testing.GoogleErrorBodies.BILLING_DISABLED;
import static io.geminibalance.testing.GoogleErrorBodies.CONSUMER_SUSPENDED;
import static io.geminibalance.testing.GoogleErrorBodies.EXPIRED_KEY;
import static io.geminibalance.testing.GoogleErrorBodies.FILE_NOT_ACTIVE;
import static io.geminibalance.testing.GoogleErrorBodies.FOREIGN_FILE;
import static io.geminibalance.testing.GoogleErrorBodies.FREE_TIER_LOCATION;
import static io.geminibalance.testing.GoogleErrorBodies.LOCATION;
import static io.geminibalance.testing.GoogleErrorBodies.NEEDS_OAUTH;
import static io.geminibalance.testing.GoogleErrorBodies.PROJECT_DENIED;
import static io.geminibalance.testing.GoogleErrorBodies.QUOTA_PER_DAY;
import static io.geminibalance.testing.GoogleErrorBodies.QUOTA_PER_MINUTE;
import static io.geminibalance.testing.GoogleErrorBodies.QUOTA_PER_MINUTE_WITH_PROJECT;
import static io.geminibalance.testing.GoogleErrorBodies.QUOTA_TOKENS_PER_MINUTE;
import static io.geminibalance.testing.GoogleErrorBodies.SERVICE_DISABLED;
import static io.geminibalance.testing.GoogleErrorBodies.STRAY_ACCESS_TOKEN;
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
  void aProxyFailureBlamesNoKeyAndGivesTheTurnBack() {
    Verdict another = OutcomeClassifier.proxyFailure("proxy down", true);
    assertThat(another.keyOutcome()).isEqualTo(KeyOutcome.UNSENT);
    assertThat(another.retryOnAnotherKey()).isTrue();
    // With no proxy up, another key would fail the same way.
    assertThat(OutcomeClassifier.proxyFailure("all down", false).retryOnAnotherKey()).isFalse();
    assertThat(UpstreamProxies.isProxyFailure(new java.net.ConnectException("refused"))).isTrue();
    assertThat(UpstreamProxies.isProxyFailure(new io.netty.handler.proxy.ProxyConnectException("407"))).isTrue();
    assertThat(UpstreamProxies.isProxyFailure(new javax.net.ssl.SSLHandshakeException("cert"))).isFalse();
    assertThat(UpstreamProxies.isProxyFailure(new java.util.concurrent.TimeoutException())).isFalse();
  }

  @Test
  void successIsSuccess() {
    assertThat(classify(200, "{}")).isEqualTo(Verdict.SUCCESS);
  }

  @Test
  void anEmptyAnswerIsRetriedElsewhereWithoutBlame() {
    byte[] empty = "{\"candidates\":[{\"content\":{\"role\":\"model\"},\"finishReason\":\"STOP\"}]}"
        .getBytes(java.nio.charset.StandardCharsets.UTF_8);
    Verdict v = OutcomeClassifier.classifyAnswer(empty, 0, empty.length);
    assertThat(v.keyOutcome()).isInstanceOf(KeyOutcome.Neutral.class);
    assertThat(v.retryOnAnotherKey()).isTrue();
    assertThat(v.reason()).isEqualTo("empty answer");
    byte[] text = "{\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"hi\"}]}}]}"
        .getBytes(java.nio.charset.StandardCharsets.UTF_8);
    assertThat(OutcomeClassifier.classifyAnswer(text, 0, text.length)).isEqualTo(Verdict.SUCCESS);
  }

  @Test
  void invalidKeyDisablesTheKeyAndRetriesElsewhere() {
    Verdict v = classify(400, error(400, "INVALID_ARGUMENT", "API key not valid. Please pass a valid API key.",
        INVALID_KEY_INFO));
    assertThat(v.keyOutcome()).isInstanceOf(KeyOutcome.KeyInvalid.class);
    assertThat(v.retryOnAnotherKey()).isTrue();
  }

  @Test
  void anExpiredKeyIsDead() {
    assertThat(classify(400, EXPIRED_KEY).keyOutcome()).isInstanceOf(KeyOutcome.KeyInvalid.class);
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
  void unknownModelIsNotRetriedAndItsQuotaIsGivenBack() {
    Verdict v = classify(404, error(404, "NOT_FOUND", "models/x is not found"));
    assertThat(v.retryOnAnotherKey()).isFalse();
    assertThat(v.keyOutcome()).isInstanceOf(KeyOutcome.NotFound.class);
    assertThat(classify(404, "<html>Not Found</html>").keyOutcome()).isInstanceOf(KeyOutcome.NotFound.class);
  }

  @Test
  void projectProblemsBlockTheKeyAtOnceAndRetryElsewhere() {
    for (String body : new String[] {SERVICE_DISABLED, CONSUMER_SUSPENDED, API_RESTRICTED,
        BILLING_DISABLED, PROJECT_DENIED}) {
      Verdict v = classify(403, body);
      assertThat(v.keyOutcome()).as(body).isInstanceOf(KeyOutcome.KeyBlocked.class);
      assertThat(v.retryOnAnotherKey()).as(body).isTrue();
    }
    assertThat(classify(400, FREE_TIER_LOCATION).keyOutcome()).isInstanceOf(KeyOutcome.KeyBlocked.class);
  }

  @Test
  void theBlockReasonNeverQuotesGooglesMessageWhichMayHoldTheKey() {
    KeyOutcome.KeyBlocked blocked = (KeyOutcome.KeyBlocked) classify(403, CONSUMER_SUSPENDED).keyOutcome();
    assertThat(blocked.reason()).startsWith("CONSUMER_SUSPENDED").doesNotContain("AIza");
  }

  @Test
  void permissionAndAuthenticationErrorsWithoutAKeyReasonAreTheRequests() {
    for (String body : new String[] {FOREIGN_FILE, STRAY_ACCESS_TOKEN, NEEDS_OAUTH,
        error(403, "PERMISSION_DENIED", "The caller does not have permission"),
        error(401, "UNAUTHENTICATED", "Request had invalid authentication credentials"), "", "not json"}) {
      for (int status : new int[] {401, 403}) {
        Verdict v = classify(status, body);
        assertThat(v.keyOutcome()).as("%d %s", status, body).isInstanceOf(KeyOutcome.Neutral.class);
        assertThat(v.retryOnAnotherKey()).as("%d %s", status, body).isFalse();
      }
    }
  }

  @Test
  void failedPreconditionIsDecidedByWhatItSays() {
    Verdict file = classify(400, FILE_NOT_ACTIVE);
    assertThat(file.keyOutcome()).isInstanceOf(KeyOutcome.Neutral.class);
    assertThat(file.retryOnAnotherKey()).isFalse();
    Verdict location = classify(400, LOCATION);
    assertThat(location.keyOutcome()).isInstanceOf(KeyOutcome.Neutral.class);
    assertThat(location.retryOnAnotherKey()).as("another key may use another proxy").isTrue();
  }

  @Test
  void aKeyMessageEchoedInsideAnotherErrorBlamesNothing() {
    // Google quotes unknown field names; a client can make it quote anything.
    Verdict v = classify(400, error(400, "INVALID_ARGUMENT", "Invalid JSON payload received. Unknown name "
        + "\\\"API key not valid. Please pass a valid API key.\\\" at 'contents[0]': Cannot find field."));
    assertThat(v.keyOutcome()).isInstanceOf(KeyOutcome.Neutral.class);
    assertThat(v.retryOnAnotherKey()).isFalse();
  }

  @Test
  void aReasonOutrulesTheMessage() {
    Verdict v = classify(403, error(403, "PERMISSION_DENIED", "API key not valid (quoted)",
        "{\"@type\":\"type.googleapis.com/google.rpc.ErrorInfo\",\"reason\":\"ACCESS_TOKEN_TYPE_UNSUPPORTED\"}"));
    assertThat(v.keyOutcome()).isInstanceOf(KeyOutcome.Neutral.class);
  }

  @Test
  void anUnknownKeyReasonCountsTowardMaxFailures() {
    Verdict v = classify(403, error(403, "PERMISSION_DENIED", "something new",
        "{\"@type\":\"type.googleapis.com/google.rpc.ErrorInfo\",\"reason\":\"API_KEY_SOMETHING_NEW\"}"));
    assertThat(v.keyOutcome()).isInstanceOf(KeyOutcome.KeyFailure.class);
    assertThat(v.retryOnAnotherKey()).isTrue();
  }

  @Test
  void documentedMessagesWithoutErrorInfoStillBlameTheKey() {
    assertThat(classify(400, error(400, "INVALID_ARGUMENT", "API key not valid. Please pass a valid API key."))
        .keyOutcome()).isInstanceOf(KeyOutcome.KeyInvalid.class);
    assertThat(classify(403, error(403, "PERMISSION_DENIED",
        "Permission denied: Consumer 'projects/1' has been suspended.")).keyOutcome())
        .isInstanceOf(KeyOutcome.KeyBlocked.class);
  }

  @Test
  void zeroLimitOn403StillDisablesTheModelOnly() {
    assertThat(classify(403, error(403, "PERMISSION_DENIED", "Quota exceeded, limit: 0, model: gemini-2.5-pro"))
        .keyOutcome()).isInstanceOf(KeyOutcome.ModelUnavailable.class);
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

  private static KeyOutcome.RateLimited limited(String body) {
    return (KeyOutcome.RateLimited) classify(429, body).keyOutcome();
  }

  @Test
  void aPerMinuteRequestQuotaCarriesItsStatedValue() {
    KeyOutcome.RateLimited limited = limited(QUOTA_PER_MINUTE);
    assertThat(limited.window()).isEqualTo(QuotaWindow.MINUTE);
    assertThat(limited.statedLimit()).isEqualTo(5);
    assertThat(limited.retryDelay()).isEqualTo(Duration.ofSeconds(22));
    assertThat(limited.project()).isNull();
  }

  @Test
  void aTokenQuotasValueIsNoRequestLimit() {
    KeyOutcome.RateLimited limited = limited(QUOTA_TOKENS_PER_MINUTE);
    assertThat(limited.window()).isEqualTo(QuotaWindow.MINUTE);
    assertThat(limited.statedLimit()).isZero();
  }

  @Test
  void aPerDayQuotaCarriesItsValueForTheDay() {
    KeyOutcome.RateLimited limited = limited(QUOTA_PER_DAY);
    assertThat(limited.window()).isEqualTo(QuotaWindow.DAY);
    assertThat(limited.statedLimit()).isEqualTo(250);
  }

  @Test
  void errorInfoNamesTheKeysProjectAndItsQuota() {
    KeyOutcome.RateLimited limited = limited(QUOTA_PER_MINUTE_WITH_PROJECT);
    assertThat(limited.project()).isEqualTo("projects/123456789012");
    assertThat(limited.window()).isEqualTo(QuotaWindow.MINUTE);
    assertThat(limited.statedLimit()).isEqualTo(15);
  }

  @Test
  void aConsumerThatIsNoProjectNumberIsNotTaken() {
    String body = error(429, "RESOURCE_EXHAUSTED", "quota",
        "{\"@type\":\"type.googleapis.com/google.rpc.ErrorInfo\",\"reason\":\"RATE_LIMIT_EXCEEDED\","
            + "\"metadata\":{\"consumer\":\"api_key:AIzaSyFAKE-key-0000000000000000000000\"}}");
    assertThat(limited(body).project()).isNull();
    String odd = error(429, "RESOURCE_EXHAUSTED", "quota",
        "{\"@type\":\"type.googleapis.com/google.rpc.QuotaFailure\",\"violations\":[{\"quotaId\":"
            + "\"GenerateRequestsPerMinutePerProjectPerModel\",\"quotaValue\":\"12345678901234\"}]}");
    assertThat(limited(odd).statedLimit()).as("not a number that fits").isZero();
  }
}
