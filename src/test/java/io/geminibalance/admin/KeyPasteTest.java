package io.geminibalance.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class KeyPasteTest {
  static final String K1 = "AIzaSyA0123456789abcdefghijklmnopqrstuv";
  static final String K2 = "AIzaSyB-_23456789ABCDEFGHIJKLMNOPQRSTUV";

  @Test
  void extractFindsGoogleKeysAnywhereEachOnceInOrder() {
    String text = "API_KEYS=[\"" + K2 + "\",\"" + K1 + "\"]\n| row | " + K1 + " |\r\nkey=" + K2 + ";";
    KeyPaste.Parsed parsed = KeyPaste.parse(text, KeyPaste.Mode.EXTRACT);
    assertThat(parsed.keys()).containsExactly(K2, K1);
    assertThat(parsed.repeated()).isEqualTo(2);
    assertThat(parsed.rejected()).isEmpty();
  }

  @Test
  void extractRejectsKeysOfTheWrongLengthWithoutEchoingThem() {
    String tooLong = K1 + "x";
    KeyPaste.Parsed parsed = KeyPaste.parse("ok " + K1 + "\n" + tooLong + "\nAIzaShort", KeyPaste.Mode.EXTRACT);
    assertThat(parsed.keys()).containsExactly(K1);
    assertThat(parsed.rejectedCount()).isEqualTo(2);
    assertThat(parsed.rejected().get(0).line()).isEqualTo(2);
    assertThat(parsed.rejected().get(0).text()).isEqualTo("AIza...tuvx").doesNotContain(K1);
    assertThat(parsed.rejected().get(0).reason()).contains("36 characters after 'AIza'");
    assertThat(parsed.rejected().get(1).text()).isEqualTo("(9 characters)");
  }

  @Test
  void linesModeTakesOneKeyPerLineStrippingQuotesAndCommas() {
    KeyPaste.Parsed parsed = KeyPaste.parse("  plain-key-12345  \n\"quoted-key-1234\",\n'single-key-1234'\n\nshort\n"
        + "two keys-here\nnon-ascii-ключ-key", KeyPaste.Mode.LINES);
    assertThat(parsed.keys()).containsExactly("plain-key-12345", "quoted-key-1234", "single-key-1234");
    assertThat(parsed.rejected()).extracting(KeyPaste.Rejected::line).containsExactly(5, 6, 7);
    assertThat(parsed.rejected()).extracting(KeyPaste.Rejected::reason)
        .containsExactly("shorter than 8 characters", "contains a space (one key per line)",
            "contains a character outside printable ASCII");
  }

  @Test
  void moreThanTheCapIsRefusedAsAWhole() {
    StringBuilder text = new StringBuilder();
    for (int i = 0; i <= KeyPaste.MAX_KEYS; i++) {
      text.append("key-number-").append(i).append('\n');
    }
    assertThatThrownBy(() -> KeyPaste.parse(text.toString(), KeyPaste.Mode.LINES))
        .isInstanceOf(BadRequest.class).hasMessageContaining("more than 100000");
  }

  @Test
  void rejectedListIsBoundedButCounted() {
    String text = "short\n".repeat(KeyPaste.MAX_REJECTED_LISTED + 5);
    KeyPaste.Parsed parsed = KeyPaste.parse(text, KeyPaste.Mode.LINES);
    assertThat(parsed.rejected()).hasSize(KeyPaste.MAX_REJECTED_LISTED);
    assertThat(parsed.rejectedCount()).isEqualTo(KeyPaste.MAX_REJECTED_LISTED + 5);
  }
}
