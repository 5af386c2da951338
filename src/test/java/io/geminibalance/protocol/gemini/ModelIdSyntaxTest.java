package io.geminibalance.protocol.gemini;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ModelIdSyntaxTest {

  /** Ids Google lists or documents, plus tuned-model-style and virtual-suffix ids. */
  @ParameterizedTest
  @ValueSource(strings = {"gemini-2.5-flash", "gemini-2.5-flash-preview-05-20", "gemini-2.5-flash-lite-preview-06-17",
      "gemini-2.0-flash-001", "gemini-2.0-flash-exp-image-generation", "gemini-2.0-flash-thinking-exp-01-21",
      "gemini-exp-1206", "gemini-embedding-001", "text-embedding-004", "embedding-001", "aqa",
      "imagen-4.0-generate-001", "imagen-4.0-ultra-generate-preview-06-06", "veo-3.0-fast-generate-preview",
      "learnlm-2.0-flash-experimental", "gemma-3-27b-it", "gemma-3n-e4b-it", "gemini-2.5-flash-preview-tts",
      "gemini-1.5-flash-8b-001", "gemini-2.5-flash-preview-native-audio-dialog", "my-tuned-model-x1y2z3",
      "gemini-2.5-flash-search", "gemini-2.0-flash-exp-image", "gemini-2.5-pro-non-thinking", "some_model.v2", "8b"})
  void googlesIdsAreWellFormed(String id) {
    assertThat(ModelIdSyntax.problem(id)).isNull();
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
      ""              | the name is empty
      gemini 2.5      | 'gemini 2.5' has U+0020 at position 7
      gemini?x        | 'gemini?x' has '?' at position 7
      gemini#x        | 'gemini#x' has '#' at position 7
      models/gemini   | 'models/gemini' has '/' at position 7
      ../files        | '../files' has '.' at position 1
      ..              | '..' has '.' at position 1
      .               | '.' has '.' at position 1
      -x              | '-x' has '-' at position 1
      _x              | '_x' has '_' at position 1
      a:b             | 'a:b' has ':' at position 2
      a%2Fb           | 'a%2Fb' has the percent-encoded character '%2F' at position 2
      a%2             | 'a%2' has '%' at position 2
      a\\b            | 'a\\b' has '\\' at position 2
      """)
  void malformedIdsAreNamed(String id, String problem) {
    assertThat(ModelIdSyntax.problem(id)).startsWith(problem);
  }

  @Test
  void unicodeAndControlCharactersAreNamedByCodePointAndNotEchoed() {
    assertThat(ModelIdSyntax.problem("g\u00e9mini")).startsWith("'g?mini' has U+00E9 at position 2");
    assertThat(ModelIdSyntax.problem("a\r\nb")).startsWith("'a??b' has U+000D at position 2");
    assertThat(ModelIdSyntax.problem("a\u0000")).startsWith("'a?' has U+0000 at position 2");
  }

  @Test
  void theLengthIsCapped() {
    assertThat(ModelIdSyntax.problem("a".repeat(ModelIdSyntax.MAX_LENGTH))).isNull();
    String problem = ModelIdSyntax.problem("a".repeat(200_000));
    assertThat(problem).isEqualTo("'" + "a".repeat(100) + "...' (200000 characters) is longer than 128 characters");
  }

  @Test
  void aRangeOfALargerTextIsChecked() {
    assertThat(ModelIdSyntax.problem("models/gemini-2.5-flash:generateContent", 7, 23)).isNull();
    assertThat(ModelIdSyntax.problem("models/gemini?2.5:generateContent", 7, 17)).startsWith("'gemini?2.5' has '?' at position 7");
  }
}
