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
  void defaultsAreFiveAndOneHundred() {
    RateLimits limits = RateLimits.fromEnv(Map.of());
    assertThat(limits.limitFor(KEY, "gemini-2.5-flash")).isEqualTo(new Limit(5, 100));
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
        .hasMessage("DEFAULT_RPM: 'five' (expected: a whole number from 0 to 1000000000)");
  }
}
