package io.geminibalance.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import io.geminibalance.keypool.KeyOutcome;
import org.junit.jupiter.api.Test;

class LiveCloseClassifierTest {
  @Test
  void aReasonThatNamesTheKeyBlamesTheKey() {
    LiveCloseClassifier.Outcome invalid = LiveCloseClassifier.classify(1007,
        "API key not valid. Please pass a valid API key.");
    assertThat(invalid.verdict().keyOutcome()).isInstanceOf(KeyOutcome.KeyInvalid.class);
    assertThat(invalid.verdict().retryOnAnotherKey()).isTrue();
    assertThat(LiveCloseClassifier.classify(1007, "API key expired. Please renew the API key.").verdict().keyOutcome())
        .isInstanceOf(KeyOutcome.KeyInvalid.class);
  }

  @Test
  void quotaCoolsTheKeyAndTriesAnother() {
    for (String reason : new String[] {"You exceeded your current quota, please check your plan and billing details.",
        "Request trace id: x, [ORIGINAL ERROR] generic::resource_exhausted: RESOURCE_EXHAUSTED: Maximum concurrent"}) {
      LiveCloseClassifier.Outcome outcome = LiveCloseClassifier.classify(1011, reason);
      assertThat(outcome.verdict().keyOutcome()).isInstanceOf(KeyOutcome.RateLimited.class);
      assertThat(outcome.verdict().retryOnAnotherKey()).isTrue();
      assertThat(outcome.status()).isEqualTo(429);
    }
  }

  @Test
  void googlesTroubleIsRetriedWithoutBlame() {
    for (int code : new int[] {1001, 1006, 1011, 1012, 1013, 1014}) {
      LiveCloseClassifier.Outcome outcome = LiveCloseClassifier.classify(code, "Internal error occurred.");
      assertThat(outcome.verdict().keyOutcome()).as("" + code).isEqualTo(KeyOutcome.NEUTRAL);
      assertThat(outcome.verdict().retryOnAnotherKey()).as("" + code).isTrue();
    }
  }

  @Test
  void theClientsOwnMistakeIsPassedOnAndBlamesNoKey() {
    LiveCloseClassifier.Outcome badSetup = LiveCloseClassifier.classify(1007,
        "Invalid JSON payload received. Unknown name \"foo\" at 'setup': Cannot find field.");
    assertThat(badSetup.verdict().keyOutcome()).isEqualTo(KeyOutcome.NEUTRAL);
    assertThat(badSetup.verdict().retryOnAnotherKey()).isFalse();
    assertThat(badSetup.status()).isEqualTo(400);
    LiveCloseClassifier.Outcome noModel = LiveCloseClassifier.classify(1008,
        "models/gemini-nope is not found for API version v1beta, or is not supported for bidiGenerateContent.");
    assertThat(noModel.verdict().keyOutcome()).isEqualTo(KeyOutcome.NOT_FOUND);
    assertThat(noModel.verdict().retryOnAnotherKey()).isFalse();
    assertThat(noModel.status()).isEqualTo(404);
    LiveCloseClassifier.Outcome policy = LiveCloseClassifier.classify(1008, "Request contains an invalid argument.");
    assertThat(policy.verdict().retryOnAnotherKey()).isFalse();
    assertThat(LiveCloseClassifier.classify(1000, "").verdict().retryOnAnotherKey()).isFalse();
    assertThat(LiveCloseClassifier.classify(1000, null).verdict().keyOutcome()).isEqualTo(KeyOutcome.NEUTRAL);
  }
}
