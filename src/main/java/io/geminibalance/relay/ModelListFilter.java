package io.geminibalance.relay;

import io.geminibalance.auth.ModelGlobs;
import io.geminibalance.protocol.gemini.ModelAliases;
import java.util.List;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.Collection;
import java.util.Set;

/**
 * Removes FILTERED_MODELS from a native model list, and the models a managed token may not use
 * from any list. The body is only re-serialised when a model
 * is actually removed, with exact decimals so numbers keep their value.
 */
final class ModelListFilter {
  private static final ObjectMapper JSON = new ObjectMapper()
      .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

  private ModelListFilter() {}

  static byte[] filter(byte[] body, Collection<String> filtered) {
    return filter(body, filtered, List.of(), ModelAliases.NONE);
  }

  /**
   * Also leaves out the models a managed token may not use: {@code allowed} are its globs
   * ({@link ModelGlobs}), empty for every model. A listed name that is also a MODEL_ALIASES alias
   * is matched by the model it stands for, as a lookup or a call naming it is.
   */
  static byte[] filter(byte[] body, Collection<String> filtered, List<String> allowed, ModelAliases aliases) {
    return filter(body, "models", "name", filtered, allowed, aliases);
  }

  /**
   * An OpenAI list ({@code /openai/v1/models}, Google's OpenAI-compatible layer: {@code data[].id},
   * {@code models/...}) with only the models a managed token may use, by the same rule.
   */
  static byte[] filterOpenAi(byte[] body, List<String> allowed, ModelAliases aliases) {
    return filter(body, "data", "id", List.of(), allowed, aliases);
  }

  private static byte[] filter(byte[] body, String listField, String nameField, Collection<String> filtered,
      List<String> allowed, ModelAliases aliases) {
    if (filtered.isEmpty() && allowed.isEmpty()) {
      return body;
    }
    try {
      JsonNode root = JSON.readTree(body);
      if (!(root instanceof ObjectNode object) || !(root.get(listField) instanceof ArrayNode models)) {
        return body;
      }
      Set<String> names = Set.copyOf(filtered);
      ArrayNode kept = JSON.createArrayNode();
      models.forEach(m -> {
        String name = bareName(m.path(nameField).asText(""));
        if (!names.contains(name) && ModelGlobs.allows(allowed, aliases.resolve(name))) {
          kept.add(m);
        }
      });
      if (kept.size() == models.size()) {
        return body;
      }
      object.set(listField, kept);
      return JSON.writeValueAsBytes(object);
    } catch (IOException e) {
      return body;
    }
  }

  static String bareName(String name) {
    return name.startsWith("models/") ? name.substring("models/".length()) : name;
  }
}
