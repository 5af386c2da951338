package io.geminibalance.protocol.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Gemini {@code models.list} pages to the OpenAI model list, with the gateway's virtual
 * models ({@code -search}, {@code -image}, {@code -non-thinking}) listed right after their base,
 * and the gateway's own models ({@code <CREATE_IMAGE_MODEL>-chat}) at the end,
 * then each MODEL_ALIASES alias whose target is listed (an alias of a hidden or unknown model
 * is not advertised, though it still resolves).
 */
public final class ModelListTranslator {

  private final TranslationOptions options;
  private final List<String> gatewayModels;

  public ModelListTranslator(TranslationOptions options) {
    this(options, List.of());
  }

  /** @param gatewayModels models the gateway serves itself, listed after Google's */
  public ModelListTranslator(TranslationOptions options, List<String> gatewayModels) {
    this.options = options;
    this.gatewayModels = List.copyOf(gatewayModels);
  }

  /**
   * @param pages every {@code models.list} response page, in order
   * @param created the fixed {@code created} value for every entry (e.g. gateway start time)
   */
  public ObjectNode toOpenAiList(List<JsonNode> pages, long created) {
    ObjectNode list = Json.object().put("object", "list");
    ArrayNode data = list.putArray("data");
    ids(pages).forEach(id -> data.add(entry(id, created)));
    return list;
  }

  /** One model by id ({@code gemini-x} or {@code models/gemini-x}); derived ids resolve too. */
  public Optional<ObjectNode> find(List<JsonNode> pages, String requestedId, long created) {
    String id = ModelName.stripPrefix(requestedId);
    return ids(pages).stream().filter(id::equals).findFirst().map(found -> entry(found, created));
  }

  // A set keeps the first occurrence, so a derived id Google also lists is not doubled.
  private Set<String> ids(List<JsonNode> pages) {
    Set<String> ids = new LinkedHashSet<>();
    for (JsonNode page : pages) {
      for (JsonNode model : page.path("models")) {
        String id = ModelName.stripPrefix(model.path("name").asText(""));
        if (!id.isEmpty() && !options.filteredModels().contains(id)) {
          ids.add(id);
          ids.addAll(derived(id));
        }
      }
    }
    options.aliases().entries().forEach((alias, target) -> {
      if (ids.contains(target)) {
        ids.add(alias);
      }
    });
    ids.addAll(gatewayModels);
    return ids;
  }

  private List<String> derived(String id) {
    List<String> derived = new ArrayList<>();
    if (options.searchModels().contains(id)) {
      derived.add(id + "-search");
    }
    if (options.imageModels().contains(id)) {
      derived.add(id + "-image");
    }
    if (options.thinkingModels().contains(id)) {
      derived.add(id + "-non-thinking");
    }
    return derived;
  }

  private static ObjectNode entry(String id, long created) {
    return Json.object().put("id", id).put("object", "model").put("created", created).put("owned_by", "google");
  }
}
