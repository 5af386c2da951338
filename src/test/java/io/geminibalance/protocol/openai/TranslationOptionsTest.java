package io.geminibalance.protocol.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ArrayNode;
import org.junit.jupiter.api.Test;

class TranslationOptionsTest {

  @Test
  void defaultsTurnEveryHarmFilterOffAndInjectThemIntoChatRequests() {
    TranslationOptions defaults = TranslationOptions.defaults();

    assertThat(defaults.safetySettings()).hasSize(5);
    assertThat(defaults.safetySettings().findValuesAsText("threshold")).containsExactly("OFF", "OFF", "OFF", "OFF", "BLOCK_NONE");
    var body = new ChatRequestTranslator(defaults, null).translate(Fixtures.json(
        "{\"model\":\"gemini-2.0-flash\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}"), 0).body();
    assertThat(body.get("safetySettings")).isEqualTo(defaults.safetySettings());
  }

  @Test
  void anEmptySafetyArrayInjectsNothing() {
    TranslationOptions none = TranslationOptions.defaults().withSafetySettings(Fixtures.MAPPER.createArrayNode());
    var body = new ChatRequestTranslator(none, null).translate(Fixtures.json(
        "{\"model\":\"gemini-2.0-flash\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}"), 0).body();
    assertThat(body.has("safetySettings")).isFalse();
  }

  @Test
  void copiesItsInputsAndRejectsANonArraySafetySetting() {
    ArrayNode settings = Fixtures.MAPPER.createArrayNode();
    TranslationOptions options = TranslationOptions.defaults().withSafetySettings(settings);
    settings.addObject().put("category", "HARM_CATEGORY_HARASSMENT");

    assertThat(options.safetySettings()).isEmpty();
    assertThatThrownBy(() -> TranslationOptions.defaults().withSafetySettings(Fixtures.MAPPER.createObjectNode()))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
