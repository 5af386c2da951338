package io.geminibalance.keypool;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which verdicts count as Google accepting the request (a probe passes, an unlisted model proves it exists). */
class OutcomeVerdictTest {
  private static final QuotaPolicy POLICY = QuotaPolicy.fromEnv(Map.of());
  private static final OutcomeVerdict.Facts FACTS = new OutcomeVerdict.Facts(1_000_000L, 2, 5);

  @Test
  void onlyASuccessIsAccepted() {
    assertThat(OutcomeVerdict.decide(new KeyOutcome.Success(), FACTS, POLICY).accepted()).isTrue();
    List<KeyOutcome> refused = List.of(new KeyOutcome.Neutral(), new KeyOutcome.KeyInvalid("API_KEY_INVALID"),
        new KeyOutcome.KeyBlocked("SERVICE_DISABLED"), new KeyOutcome.KeyFailure("unknown"),
        new KeyOutcome.ModelUnavailable("no access"),
        new KeyOutcome.RateLimited(Duration.ofSeconds(3), KeyOutcome.RateLimited.QuotaWindow.MINUTE, null),
        new KeyOutcome.RateLimited(null, KeyOutcome.RateLimited.QuotaWindow.DAY, "daily"),
        new KeyOutcome.RateLimited(null, KeyOutcome.RateLimited.QuotaWindow.UNKNOWN, null),
        new KeyOutcome.SharedLimit(1_030_000L));
    for (KeyOutcome outcome : refused) {
      assertThat(OutcomeVerdict.decide(outcome, FACTS, POLICY).accepted()).as(outcome.toString()).isFalse();
    }
  }

  /** Nothing reached Google (a proxy failed): like a 404, the lease's count is given back, no blame. */
  @Test
  void anUnsentCallGivesTheTurnBack() {
    assertThat(OutcomeVerdict.decide(KeyOutcome.UNSENT, FACTS, POLICY)).isInstanceOf(OutcomeVerdict.GiveBack.class);
    assertThat(OutcomeVerdict.decide(KeyOutcome.UNSENT, FACTS, POLICY).problem()).isNull();
  }

  /** The others' use refused the take: nothing was sent, nobody is blamed, the key is held until it frees. */
  @Test
  void aSharedLimitHoldsTheKeyWithoutBlame() {
    OutcomeVerdict held = OutcomeVerdict.decide(new KeyOutcome.SharedLimit(1_030_000L), FACTS, POLICY);
    assertThat(held).isEqualTo(new OutcomeVerdict.Hold(1_030_000L));
    assertThat(held.problem()).isNull();
    assertThat(OutcomeVerdict.forUnlisted(held, 1_000_000L, POLICY)).isEqualTo(held);
    assertThat(OutcomeVerdict.forOverflow(held)).isEqualTo(held);
  }

  /** The shared lanes keep a success as a success. */
  @Test
  void sharedLanesKeepAcceptance() {
    OutcomeVerdict clear = OutcomeVerdict.decide(new KeyOutcome.Success(), FACTS, POLICY);
    assertThat(OutcomeVerdict.forUnlisted(clear, 1_000_000L, POLICY).accepted()).isTrue();
    assertThat(OutcomeVerdict.forOverflow(clear).accepted()).isTrue();
    OutcomeVerdict parked = OutcomeVerdict.decide(
        new KeyOutcome.RateLimited(null, KeyOutcome.RateLimited.QuotaWindow.DAY, "daily"), FACTS, POLICY);
    assertThat(OutcomeVerdict.forUnlisted(parked, 1_000_000L, POLICY).accepted()).isFalse();
    assertThat(OutcomeVerdict.forOverflow(parked).accepted()).isFalse();
  }
}
