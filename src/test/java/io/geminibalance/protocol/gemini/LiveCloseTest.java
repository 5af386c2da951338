package io.geminibalance.protocol.gemini;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class LiveCloseTest {
  @Test
  void codesAFrameMayCarryArePassedOnOthersReplaced() {
    assertThat(LiveClose.passOn(1000, 1011)).isEqualTo(1000);
    assertThat(LiveClose.passOn(1007, 1011)).isEqualTo(1007);
    assertThat(LiveClose.passOn(4000, 1011)).isEqualTo(4000);
    assertThat(LiveClose.passOn(1005, 1011)).isEqualTo(1000);
    assertThat(LiveClose.passOn(1006, 1011)).isEqualTo(1011);
    assertThat(LiveClose.passOn(1006, 1001)).isEqualTo(1001);
    assertThat(LiveClose.passOn(1015, 1011)).isEqualTo(1011);
    assertThat(LiveClose.passOn(1004, 1011)).isEqualTo(1011);
    assertThat(LiveClose.passOn(999, 1011)).isEqualTo(1011);
    assertThat(LiveClose.passOn(5000, 1011)).isEqualTo(1011);
  }

  @Test
  void reasonsFitACloseFrameWithoutSplittingACharacter() {
    assertThat(LiveClose.reason(null)).isEmpty();
    assertThat(LiveClose.reason("short")).isEqualTo("short");
    String ascii = "a".repeat(200);
    assertThat(LiveClose.reason(ascii)).hasSize(LiveClose.MAX_REASON_BYTES);
    String wide = "é".repeat(100);
    String cut = LiveClose.reason(wide);
    assertThat(cut.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(LiveClose.MAX_REASON_BYTES);
    assertThat(cut).isEqualTo("é".repeat(61));
    String emoji = "😀".repeat(40);
    String emojiCut = LiveClose.reason(emoji);
    assertThat(emojiCut).isEqualTo("😀".repeat(30));
  }
}
