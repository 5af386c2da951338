package io.geminibalance.protocol.openai;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.geminibalance.protocol.gemini.ModelAliases;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class ModelListTranslatorTest {

  private static final TranslationOptions OPTIONS = new TranslationOptions(
      Fixtures.MAPPER.createArrayNode(), Set.of("gemini-2.5-flash"), Map.of(), false, true,
      Set.of("gemini-2.5-flash", "gemini-2.5-pro"), Set.of("gemini-2.0-flash-exp"), Set.of("chat-bison-001"),
      false, false, Set.of());

  private static final List<JsonNode> PAGES = List.of(
      Fixtures.json("{\"models\":[{\"name\":\"models/gemini-2.5-flash\"},{\"name\":\"models/chat-bison-001\"},"
          + "{\"name\":\"models/gemini-2.0-flash-exp\"}],\"nextPageToken\":\"p2\"}"),
      Fixtures.json("{\"models\":[{\"name\":\"models/gemini-2.5-pro\"},{\"name\":\"models/gemini-2.5-flash-search\"}]}"));

  private final ModelListTranslator translator = new ModelListTranslator(OPTIONS);

  @Test
  void listsModelsAcrossPagesWithDerivedIdsAfterTheirBaseAndFilteredOnesRemoved() {
    JsonNode list = Fixtures.json(translator.toOpenAiList(PAGES, 1_700_000_000L).toString());

    assertThat(list.get("object").asText()).isEqualTo("list");
    assertThat(list.get("data")).extracting(m -> m.get("id").asText()).containsExactly(
        "gemini-2.5-flash", "gemini-2.5-flash-search", "gemini-2.5-flash-non-thinking",
        "gemini-2.0-flash-exp", "gemini-2.0-flash-exp-image",
        "gemini-2.5-pro", "gemini-2.5-pro-search");
    assertThat(list.get("data").get(0)).isEqualTo(Fixtures.json(
        "{\"id\":\"gemini-2.5-flash\",\"object\":\"model\",\"created\":1700000000,\"owned_by\":\"google\"}"));
  }

  @Test
  void findsBaseAndDerivedModelsByEitherSpelling() {
    assertThat(translator.find(PAGES, "models/gemini-2.5-pro", 0)).hasValueSatisfying(
        m -> assertThat(m.get("id").asText()).isEqualTo("gemini-2.5-pro"));
    assertThat(translator.find(PAGES, "gemini-2.5-flash-non-thinking", 0)).isPresent();
    assertThat(translator.find(PAGES, "gemini-2.0-flash-exp-image", 0)).isPresent();
    assertThat(translator.find(PAGES, "gemini-2.5-pro-non-thinking", 0)).isEmpty();
    assertThat(translator.find(PAGES, "chat-bison-001", 0)).isEmpty();
    assertThat(translator.find(PAGES, "gpt-4o", 0)).isEmpty();
  }

  @Test
  void aliasesOfListedModelsAreListedAfterThemAndFound() {
    TranslationOptions withAliases = new TranslationOptions(OPTIONS.safetySettings(), OPTIONS.thinkingModels(),
        OPTIONS.thinkingBudgetMap(), false, true, OPTIONS.searchModels(), OPTIONS.imageModels(),
        OPTIONS.filteredModels(), false, false, Set.of(), ModelAliases.of(
            new TreeMap<>(Map.of("fast", "gemini-2.5-flash", "web", "gemini-2.5-pro-search",
                "old", "chat-bison-001", "ghost", "gemini-9"))));
    ModelListTranslator aliased = new ModelListTranslator(withAliases);
    JsonNode list = Fixtures.json(aliased.toOpenAiList(PAGES, 0).toString());
    assertThat(list.get("data")).extracting(m -> m.get("id").asText()).endsWith("gemini-2.5-pro-search", "fast", "web")
        .doesNotContain("old", "ghost");
    assertThat(aliased.find(PAGES, "fast", 0)).isPresent();
    assertThat(aliased.find(PAGES, "ghost", 0)).isEmpty();
  }

  @Test
  void anEmptyUpstreamListGivesAnEmptyData() {
    assertThat(translator.toOpenAiList(List.of(Fixtures.json("{}")), 0).get("data")).isEmpty();
  }
}
