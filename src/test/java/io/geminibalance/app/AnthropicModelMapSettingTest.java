package io.geminibalance.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.geminibalance.config.ConfigException;
import io.geminibalance.protocol.anthropic.ModelMap;
import io.geminibalance.relay.AnthropicRelay;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** ANTHROPIC_MODEL_MAP: its default applies when unset; a bad value fails start-up (or a save) naming it. */
class AnthropicModelMapSettingTest {

  @Test
  void unsetIsTheCataloguesDefaultInItsOrder() {
    ModelMap map = AnthropicRelay.modelMap(Settings.build(Map.of()));
    assertThat(map.rules()).extracting(ModelMap.Rule::glob)
        .containsExactly("claude-*opus*", "claude-*sonnet*", "claude-*haiku*");
    assertThat(map.resolve("claude-haiku-4-5")).isEqualTo("gemini-2.5-flash");
  }

  @Test
  void aBadValueIsRefusedNamingTheSetting() {
    assertThatThrownBy(() -> Settings.build(Map.of("ANTHROPIC_MODEL_MAP", "{\"claude-*\": 5}")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("ANTHROPIC_MODEL_MAP").hasMessageContaining("claude-*");
    assertThatThrownBy(() -> Settings.build(Map.of("ANTHROPIC_MODEL_MAP", "[\"x\"]")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("ANTHROPIC_MODEL_MAP");
  }

  @Test
  void anEmptyMapLeavesOnlyGeminiNames() {
    ModelMap map = AnthropicRelay.modelMap(Settings.build(Map.of("ANTHROPIC_MODEL_MAP", "{}")));
    assertThat(map.rules()).isEmpty();
  }
}
