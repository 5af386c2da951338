package io.geminibalance.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ModelGlobsTest {
  @Test
  void exactNamesAndStarsMatchWholeNames() {
    assertThat(ModelGlobs.matches("gemini-2.5-flash", "gemini-2.5-flash")).isTrue();
    assertThat(ModelGlobs.matches("gemini-2.5-flash", "gemini-2.5-flash-lite")).isFalse();
    assertThat(ModelGlobs.matches("gemini-2.5-*", "gemini-2.5-flash-lite")).isTrue();
    assertThat(ModelGlobs.matches("gemini-2.5-*", "gemini-2.0-flash")).isFalse();
    assertThat(ModelGlobs.matches("*-flash", "gemini-2.5-flash")).isTrue();
    assertThat(ModelGlobs.matches("*-flash", "gemini-2.5-flash-lite")).isFalse();
    assertThat(ModelGlobs.matches("gemini-*-flash*", "gemini-2.5-flash-lite")).isTrue();
    assertThat(ModelGlobs.matches("*", "anything")).isTrue();
    assertThat(ModelGlobs.matches("a*a*a*a*b", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")).isFalse();
    assertThat(ModelGlobs.matches("gemini-2.5-pro", "gemini-2.5-PRO")).isFalse();
  }

  @Test
  void anEmptyListAllowsEveryModelAndModelsPrefixesAreIgnored() {
    assertThat(ModelGlobs.allows(List.of(), "gemini-2.5-pro")).isTrue();
    assertThat(ModelGlobs.allows(List.of("models/gemini-2.5-*"), "gemini-2.5-pro")).isTrue();
    assertThat(ModelGlobs.allows(List.of("gemini-2.5-*"), "models/gemini-2.5-pro")).isTrue();
    assertThat(ModelGlobs.allows(List.of("gemini-2.0-*", "imagen-*"), "gemini-2.5-pro")).isFalse();
    assertThat(ModelGlobs.allows(List.of("gemini-2.0-*"), null)).isFalse();
  }

  @Test
  void aVirtualNameIsAllowedByItsBaseModelOrByItsOwnName() {
    assertThat(ModelGlobs.allows(List.of("gemini-2.5-pro"), "gemini-2.5-pro-search", "gemini-2.5-pro")).isTrue();
    assertThat(ModelGlobs.allows(List.of("gemini-2.5-pro-search"), "gemini-2.5-pro-search", "gemini-2.5-pro"))
        .isTrue();
    assertThat(ModelGlobs.allows(List.of("gemini-2.5-pro-search"), "gemini-2.5-pro", "gemini-2.5-pro")).isFalse();
    assertThat(ModelGlobs.allows(List.of("gemini-2.5-flash"), "gemini-2.5-pro-search", "gemini-2.5-pro")).isFalse();
  }
}
