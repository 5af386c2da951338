package io.geminibalance.protocol.gemini;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ModelAliasesTest {

  @Test
  void anAliasResolvesToItsTargetWithOrWithoutModelsPrefix() {
    ModelAliases aliases = ModelAliases.of(Map.of("fast", "models/gemini-2.5-flash", "models/smart", "gemini-2.5-pro"));
    assertThat(aliases.resolve("fast")).isEqualTo("gemini-2.5-flash");
    assertThat(aliases.resolve("models/fast")).isEqualTo("gemini-2.5-flash");
    assertThat(aliases.resolve("smart")).isEqualTo("gemini-2.5-pro");
    assertThat(aliases.entries()).containsEntry("smart", "gemini-2.5-pro");
  }

  @Test
  void otherNamesComeBackUnchangedAndLookupIsExact() {
    ModelAliases aliases = ModelAliases.of(Map.of("fast", "gemini-2.5-flash"));
    assertThat(aliases.resolve("gemini-2.5-pro")).isEqualTo("gemini-2.5-pro");
    assertThat(aliases.resolve("models/gemini-2.5-pro")).isEqualTo("models/gemini-2.5-pro");
    assertThat(aliases.resolve("FAST")).isEqualTo("FAST");
    assertThat(aliases.resolve("fast-search")).isEqualTo("fast-search");
  }

  @Test
  void aliasesAreNotChained() {
    Map<String, String> map = new LinkedHashMap<>();
    map.put("a", "b");
    map.put("b", "gemini-2.5-flash");
    assertThat(ModelAliases.of(map).resolve("a")).isEqualTo("b");
  }

  @Test
  void noAliasesIsTheSharedEmptyInstance() {
    assertThat(ModelAliases.of(Map.of())).isSameAs(ModelAliases.NONE);
    String requested = "gemini-2.5-flash";
    assertThat(ModelAliases.NONE.resolve(requested)).isSameAs(requested);
    assertThat(ModelAliases.NONE.isEmpty()).isTrue();
  }

  @Test
  void malformedAliasOrTargetIsRefusedNamingIt() {
    assertThatThrownBy(() -> ModelAliases.of(Map.of("fast", "../files/x")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("fast");
    assertThatThrownBy(() -> ModelAliases.of(Map.of("bad alias", "gemini-2.5-flash")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("alias");
    assertThatThrownBy(() -> ModelAliases.of(Map.of("fast", "")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("empty");
  }
}
