package io.geminibalance.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class SettingValuesTest {
  private final SettingValues values = new SettingValues(new ObjectMapper());

  @Test
  void listsAreJsonOrCommaSeparated() {
    assertThat(values.list("[\"a\", \" b \", \"\"]")).containsExactly("a", "b");
    assertThat(values.list("a, b,,c")).containsExactly("a", "b", "c");
    assertThat(values.list(null)).isEmpty();
    assertThat(values.list("  ")).isEmpty();
  }

  @Test
  void aBrokenJsonListIsAnError() {
    assertThatThrownBy(() -> values.list("[\"a\"")).hasMessageStartingWith("expected a JSON list of strings");
  }

  @Test
  void booleansAcceptWhatGeminiBalanceAccepted() {
    assertThat(SettingValues.bool("Yes", false)).isTrue();
    assertThat(SettingValues.bool("0", true)).isFalse();
    assertThat(SettingValues.bool(null, true)).isTrue();
  }
}
