package io.geminibalance.protocol.anthropic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ModelMapTest {

  @Test
  void theDefaultMapsClaudeCodesFamilies() {
    ModelMap map = AnthropicFixtures.defaultMap();
    assertThat(map.resolve("claude-opus-4-1-20250805")).isEqualTo("gemini-2.5-pro");
    assertThat(map.resolve("claude-sonnet-4-5")).isEqualTo("gemini-2.5-pro");
    assertThat(map.resolve("claude-3-7-sonnet-latest")).isEqualTo("gemini-2.5-pro");
    assertThat(map.resolve("claude-3-5-haiku-20241022")).isEqualTo("gemini-2.5-flash");
    assertThat(map.resolve("Claude-Haiku-4-5")).as("case ignored").isEqualTo("gemini-2.5-flash");
  }

  @Test
  void theFirstMatchingGlobWinsInDeclaredOrder() {
    ModelMap map = ModelMap.parse(AnthropicFixtures.json(
        "{\"claude-opus-4*\":\"gemini-3-pro-preview\",\"claude-*\":\"gemini-2.5-flash\",\"x.y\":\"gemini-2.0-flash\"}"));
    assertThat(map.resolve("claude-opus-4-1")).isEqualTo("gemini-3-pro-preview");
    assertThat(map.resolve("claude-opus-3")).isEqualTo("gemini-2.5-flash");
    assertThat(map.resolve("x.y")).isEqualTo("gemini-2.0-flash");
    assertThat(map.resolve("xzy")).as("a dot is a dot, not a regex").isEqualTo("xzy");
  }

  @Test
  void geminiNamesPassThroughAndUnmappedClaudeNamesAre404() {
    ModelMap map = ModelMap.parse(AnthropicFixtures.json("{}"));
    assertThat(map.resolve("gemini-2.5-flash")).isEqualTo("gemini-2.5-flash");
    assertThat(map.resolve("models/gemini-2.5-pro")).isEqualTo("gemini-2.5-pro");
    assertThatThrownBy(() -> map.resolve("claude-sonnet-4-5"))
        .isInstanceOfSatisfying(AnthropicRequestException.class, e -> {
          assertThat(e.status()).isEqualTo(404);
          assertThat(e.field()).isEqualTo("model");
          assertThat(e.getMessage()).contains("claude-sonnet-4-5").contains("ANTHROPIC_MODEL_MAP");
        });
    assertThatThrownBy(() -> map.resolve("gemini/../../files"))
        .isInstanceOfSatisfying(AnthropicRequestException.class, e -> assertThat(e.status()).isEqualTo(400));
  }

  @Test
  void aBadMapNamesTheEntry() {
    assertThatThrownBy(() -> ModelMap.parse(AnthropicFixtures.json("{\"claude-*\":5}")))
        .hasMessageContaining("claude-*");
    assertThatThrownBy(() -> ModelMap.parse(AnthropicFixtures.json("{\"claude-*\":\"a/b\"}")))
        .hasMessageContaining("claude-*");
    assertThatThrownBy(() -> ModelMap.parse(AnthropicFixtures.json("{\" \":\"gemini-2.5-pro\"}")))
        .hasMessageContaining("empty glob");
  }
}
