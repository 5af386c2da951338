package io.geminibalance.relay;

import io.geminibalance.auth.ModelGlobs;
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
    return filter(body, filtered, List.of());
  }

  /**
   * Also leaves out the models a managed token may not use: {@code allowed} are its globs
   * ({@link ModelGlobs}), empty for every model.
   */
  static byte[] filter(byte[] body, Collection<String> filtered, List<String> allowed) {
    return filter(body, "models", "name", filtered, allowed);
  }

  /**
   * An OpenAI list ({@code /openai/v1/models}, Google's OpenAI-compatible layer: {@code data[].id},
   * {@code models/...}) with only the models a managed token may use, by the same rule.
   */
  static byte[] filterOpenAi(byte[] body, List<String> allowed) {
    return filter(body, "data", "id", List.of(), allowed);
  }

  private static byte[] filter(byte[] body, String listField, String nameField, Collection<String> filtered,
      List<String> allowed) {
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
        if (!names.contains(name) && ModelGlobs.allows(allowed, name)) {
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
