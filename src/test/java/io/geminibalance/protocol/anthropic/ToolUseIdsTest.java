package io.geminibalance.protocol.anthropic;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.SecureRandom;
import org.junit.jupiter.api.Test;

class ToolUseIdsTest {
  private final SecureRandom random = new SecureRandom();

  @Test
  void aSignatureSurvivesTheRoundTripInAnIdOfAnthropicsAlphabet() {
    String signature = "CiQB0e2Kb+/x==" + "A".repeat(2000);
    String id = ToolUseIds.create(random, signature);
    assertThat(id).startsWith("toolu_").matches("[A-Za-z0-9_-]+");
    assertThat(ToolUseIds.signature(id)).hasValue(signature);
  }

  @Test
  void idsWithoutOneOrFromElsewhereCarryNone() {
    String plain = ToolUseIds.create(random, null);
    assertThat(plain).matches("toolu_[A-Za-z0-9]{24}");
    assertThat(ToolUseIds.signature(plain)).isEmpty();
    assertThat(ToolUseIds.signature("toolu_01A09q90qw90lq917835lq9")).isEmpty();
    assertThat(ToolUseIds.signature("call_abc")).isEmpty();
    assertThat(ToolUseIds.signature("toolu_ABCDEFGHIJKLMNOPQRSTUVW!_c2ln")).isEmpty();
    assertThat(ToolUseIds.signature("toolu_ABCDEFGHIJKLMNOPQRSTUVWX_***")).isEmpty();
  }

  @Test
  void twoIdsDiffer() {
    assertThat(ToolUseIds.create(random, "s")).isNotEqualTo(ToolUseIds.create(random, "s"));
  }
}
