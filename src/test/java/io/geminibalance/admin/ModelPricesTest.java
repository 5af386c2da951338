package io.geminibalance.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.geminibalance.config.ConfigException;
import io.geminibalance.config.ConfigValues;
import io.geminibalance.storage.UsageSums;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ModelPricesTest {
  static ModelPrices prices(String json) {
    return ModelPrices.from(new ConfigValues(Map.of("MODEL_PRICES", json)));
  }

  @Test
  void anExactNameWinsThenTheLongestGlob() {
    ModelPrices prices = prices("{\"gemini-*\": {\"input\": 1, \"output\": 1},"
        + " \"gemini-2.5-pro*\": {\"input\": 2, \"output\": 2}, \"gemini-2.5-pro-exp\": {\"input\": 3, \"output\": 3}}");
    assertThat(prices.priceOf("gemini-2.5-pro-exp").input()).isEqualTo(3);
    assertThat(prices.priceOf("gemini-2.5-pro-preview").input()).isEqualTo(2);
    assertThat(prices.priceOf("gemini-2.5-flash").input()).isEqualTo(1);
    assertThat(prices.priceOf("claude-x")).isNull();
    assertThat(prices.cost("claude-x", new UsageSums(1, 0, 0, 10, 0, 10, 0, 0, 0))).isNull();
  }

  @Test
  void cachedPromptTokensTakeTheCachedPriceOrTheInputPriceAndThinkingIsOutput() {
    UsageSums sums = new UsageSums(1, 0, 0, 1_000_000, 200_000, 300_000, 100_000, 0, 0);
    assertThat(prices("{\"m\": {\"input\": 1.25, \"output\": 10, \"cached_input\": 0.31}}").cost("m", sums))
        .isCloseTo(0.8 * 1.25 + 0.2 * 0.31 + 0.4 * 10, within(1e-9));
    assertThat(prices("{\"m\": {\"input\": 1.25, \"output\": 10}}").cost("m", sums))
        .isCloseTo(1.25 + 4, within(1e-9));
  }

  @Test
  void malformedPricesAreRefusedNamingTheModelAndField() {
    assertThatThrownBy(() -> prices("{\"gemini-2.5-pro\": {\"input\": -1, \"output\": 1}}"))
        .isInstanceOf(ConfigException.class).hasMessageContaining("MODEL_PRICES").hasMessageContaining("'gemini-2.5-pro'")
        .hasMessageContaining("'input'");
    assertThatThrownBy(() -> prices("{\"m\": {\"input\": 1}}")).hasMessageContaining("'output' missing");
    assertThatThrownBy(() -> prices("{\"m\": {\"input\": 1, \"output\": 1, \"cache\": 1}}"))
        .hasMessageContaining("unknown field 'cache'");
    assertThatThrownBy(() -> prices("{\"m\": 3}")).hasMessageContaining("'m': not an object");
    assertThatThrownBy(() -> prices("[1]")).isInstanceOf(ConfigException.class).hasMessageContaining("MODEL_PRICES");
    assertThat(prices("{}")).isSameAs(ModelPrices.NONE);
  }
}
