package io.geminibalance.keypool;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ModelNamesTest {
  @ParameterizedTest
  @CsvSource({
      "gemini-2.5-flash, gemini-2.5-flash",
      "models/gemini-2.5-flash, gemini-2.5-flash",
      "gemini-2.5-flash-search, gemini-2.5-flash",
      "gemini-2.5-flash-image, gemini-2.5-flash",
      "gemini-2.5-pro-non-thinking, gemini-2.5-pro",
      "models/gemini-2.5-flash-search-non-thinking, gemini-2.5-flash",
      "gemini-2.0-flash-exp-image-generation, gemini-2.0-flash-exp-image-generation",
  })
  void virtualModelsCountAgainstTheirBase(String requested, String base) {
    assertThat(ModelNames.base(requested)).isEqualTo(base);
  }
}
