package io.geminibalance.keypool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.geminibalance.keypool.RateLimits.Limit;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RateLimitsTest {
  private static final ApiKey KEY = new ApiKey("AIzaSyTESTKEY-0001-abcdefgh");
  private static final ApiKey OTHER = new ApiKey("AIzaSyTESTKEY-0002-zzzzzzzz");

  @Test
  void defaultsAreAutoFromTheFreeTierTable() {
    RateLimits limits = RateLimits.fromEnv(Map.of());
    assertThat(limits.autoRpm()).isTrue();
    assertThat(limits.autoRpd()).isTrue();
    Limit flash = limits.limitFor(KEY, "gemini-2.5-flash");
    assertThat(flash).isEqualTo(new Limit(RateLimits.AUTO_CEILING_RPM, 0, 10, 250));
    assertThat(flash.nominalRpm()).isEqualTo(10);
    assertThat(flash.nominalRpd()).isEqualTo(250);
    assertThat(flash.rpdUnlimited()).as("an auto day limit is shown, not enforced").isTrue();
    assertThat(limits.limitFor(KEY, "gemini-2.5-flash-lite-preview-09-2025").nominalRpm()).isEqualTo(15);
    assertThat(limits.limitFor(KEY, "gemini-2.5-pro").nominalRpm()).isEqualTo(5);
    assertThat(limits.limitFor(KEY, "made-up-model")).isEqualTo(new Limit(RateLimits.AUTO_CEILING_RPM, 0,
        FreeTierLimits.UNKNOWN.rpm(), FreeTierLimits.UNKNOWN.rpd()));
    assertThat(RateLimits.fromEnv(Map.of("DEFAULT_RPM", "AUTO", "DEFAULT_RPD", "auto"))).isEqualTo(limits);
  }

  @Test
  void autoAndNumbersMix() {
    RateLimits limits = RateLimits.fromEnv(Map.of("DEFAULT_RPD", "40", "MODEL_RATE_LIMITS",
        "{\"gemini-2.5-pro\": [2, 50]}"));
    assertThat(limits.limitFor(KEY, "gemini-2.5-flash")).isEqualTo(new Limit(RateLimits.AUTO_CEILING_RPM, 40, 10, 0));
    assertThat(limits.limitFor(KEY, "gemini-2.5-pro")).as("MODEL_RATE_LIMITS beats auto").isEqualTo(new Limit(2, 50));
    RateLimits numbers = RateLimits.fromEnv(Map.of("DEFAULT_RPM", "7", "DEFAULT_RPD", "3.0"));
    assertThat(numbers.limitFor(KEY, "gemini-2.5-flash")).isEqualTo(new Limit(7, 3));
    assertThat(numbers.limitFor(KEY, "gemini-2.5-flash").autoRpm()).isFalse();
  }

  @Test
  void everyTableRowIsPositiveAndTheMostSpecificPrefixWins() {
    assertThat(FreeTierLimits.rows()).allSatisfy(r -> assertThat(r.rpm()).isPositive());
    assertThat(FreeTierLimits.rows()).allSatisfy(r -> assertThat(r.rpd()).isPositive());
    assertThat(FreeTierLimits.of("gemini-2.0-flash-lite-001").rpm()).isEqualTo(30);
    assertThat(FreeTierLimits.of("gemini-2.0-flash-001").rpm()).isEqualTo(15);
    assertThat(FreeTierLimits.of("gemini-2.5-flash-preview-tts").rpd()).isEqualTo(15);
    assertThat(FreeTierLimits.of("gemma-3n-e4b-it").rpm()).isEqualTo(30);
    assertThat(FreeTierLimits.of("")).isEqualTo(FreeTierLimits.UNKNOWN);
  }

  @Test
  void keyBeatsModelBeatsDefault() {
    RateLimits limits = RateLimits.fromEnv(Map.of(
        "DEFAULT_RPM", "7", "DEFAULT_RPD", "70",
        "MODEL_RATE_LIMITS", "{\"gemini-2.5-pro\": [2, 50], \"models/gemini-2.5-flash\": [10, 250]}",
        "KEY_RATE_LIMITS", "{\"abcdefgh\": [30, 1000]}"));
    assertThat(limits.limitFor(KEY, "gemini-2.5-pro")).isEqualTo(new Limit(30, 1000));
    assertThat(limits.limitFor(OTHER, "gemini-2.5-pro")).isEqualTo(new Limit(2, 50));
    assertThat(limits.limitFor(OTHER, "gemini-2.5-flash")).isEqualTo(new Limit(10, 250));
    assertThat(limits.limitFor(OTHER, "gemini-2.0-flash")).isEqualTo(new Limit(7, 70));
  }

  @Test
  void zeroMeansUnlimited() {
    RateLimits limits = RateLimits.fromEnv(Map.of("MODEL_RATE_LIMITS", "{\"m\": [0, 0]}"));
    Limit limit = limits.limitFor(KEY, "m");
    assertThat(limit.rpmUnlimited()).isTrue();
    assertThat(limit.rpdUnlimited()).isTrue();
  }

  @Test
  void badJsonNamesTheSettingAndTheExpectedShape() {
    assertThatThrownBy(() -> RateLimits.fromEnv(Map.of("MODEL_RATE_LIMITS", "{\"m\": 5}")))
        .hasMessage("MODEL_RATE_LIMITS: '{\"m\": 5}' (expected: JSON object {\"model\": [rpm, rpd]})");
    assertThatThrownBy(() -> RateLimits.fromEnv(Map.of("KEY_RATE_LIMITS", "[1,2]")))
        .hasMessageStartingWith("KEY_RATE_LIMITS: '[1,2]' (expected: JSON object");
    assertThatThrownBy(() -> RateLimits.fromEnv(Map.of("MODEL_RATE_LIMITS", "{\"m\": [1, -2]}")))
        .hasMessageStartingWith("MODEL_RATE_LIMITS:");
    assertThatThrownBy(() -> RateLimits.fromEnv(Map.of("MODEL_RATE_LIMITS", "{\"m\": [1.5, 2]}")))
        .hasMessageStartingWith("MODEL_RATE_LIMITS:");
    assertThatThrownBy(() -> RateLimits.fromEnv(Map.of("DEFAULT_RPM", "five")))
        .hasMessage("DEFAULT_RPM: 'five' (expected: auto or a whole number from 0 to 1000000000)");
    assertThatThrownBy(() -> RateLimits.fromEnv(Map.of("DEFAULT_RPD", "-1")))
        .hasMessageStartingWith("DEFAULT_RPD: '-1'");
  }
}
