package io.geminibalance.protocol.openai;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ModelNameTest {

  private static final Set<String> IMAGE_MODELS = Set.of("gemini-2.0-flash-exp");

  @ParameterizedTest(name = "{0} -> {1} search={2} image={3} nonThinking={4}")
  @CsvSource({
      "gemini-2.5-flash, gemini-2.5-flash, false, false, false",
      "models/gemini-2.5-flash, gemini-2.5-flash, false, false, false",
      "gemini-2.5-flash-search, gemini-2.5-flash, true, false, false",
      "models/gemini-2.5-pro-non-thinking, gemini-2.5-pro, false, false, true",
      "gemini-2.5-flash-search-non-thinking, gemini-2.5-flash, true, false, true",
      "gemini-2.5-flash-non-thinking-search, gemini-2.5-flash, true, false, true",
      "gemini-2.0-flash-exp-image, gemini-2.0-flash-exp, false, true, false",
      "gemini-2.0-flash-exp-image-search, gemini-2.0-flash-exp, true, true, false",
      "gemini-2.5-flash-image, gemini-2.5-flash-image, false, false, false",
      "gemini-2.5-flash-image-search, gemini-2.5-flash-image, true, false, false",
      "gemini-x-search-search, gemini-x-search, true, false, false",
      "-search, -search, false, false, false"})
  void peelsVirtualSuffixes(String requested, String base, boolean search, boolean image, boolean nonThinking) {
    ModelName name = ModelName.parse(requested, IMAGE_MODELS);

    assertThat(name).isEqualTo(new ModelName(requested, base, search, image, nonThinking));
    assertThat(name.isVirtual()).isEqualTo(search || image || nonThinking);
  }
}
