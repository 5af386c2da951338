package io.geminibalance.protocol.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/** Loads JSON fixtures from the test classpath and builds options from fixture overrides. */
final class Fixtures {

  static final ObjectMapper MAPPER = new ObjectMapper();

  private Fixtures() {}

  static JsonNode json(String text) {
    try {
      return MAPPER.readTree(text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static byte[] bytes(String resource) {
    try (InputStream in = Fixtures.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalArgumentException("no fixture " + resource);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static JsonNode load(String resource) {
    try {
      return MAPPER.readTree(bytes(resource));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The fixture files of a classpath directory with the given suffix, sorted by name. */
  static List<Path> list(String directory, String suffix) {
    URL url = Fixtures.class.getClassLoader().getResource(directory);
    if (url == null) {
      throw new IllegalArgumentException("no fixture directory " + directory);
    }
    try (Stream<Path> files = Files.list(Path.of(url.toURI()))) {
      return files.filter(p -> p.getFileName().toString().endsWith(suffix)).sorted().toList();
    } catch (IOException | URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  static JsonNode read(Path path) {
    try {
      return MAPPER.readTree(path.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Options for fixtures: the defaults, but no safety settings and no thought display so the
   * expected bodies stay small; a fixture's {@code options} object overrides single fields.
   */
  static TranslationOptions options(JsonNode overrides) {
    TranslationOptions d = TranslationOptions.defaults();
    JsonNode o = overrides == null ? MAPPER.createObjectNode() : overrides;
    return new TranslationOptions(
        o.has("safetySettings") ? o.get("safetySettings") : MAPPER.createArrayNode(),
        set(o, "thinkingModels", d.thinkingModels()),
        budgets(o, d.thinkingBudgetMap()),
        o.path("showThinkingProcess").asBoolean(false),
        o.path("showSearchLink").asBoolean(d.showSearchLink()),
        set(o, "searchModels", d.searchModels()),
        set(o, "imageModels", d.imageModels()),
        set(o, "filteredModels", d.filteredModels()),
        o.path("codeExecutionEnabled").asBoolean(false),
        o.path("urlContextEnabled").asBoolean(false),
        set(o, "urlContextModels", d.urlContextModels()),
        aliases(o));
  }

  private static io.geminibalance.protocol.gemini.ModelAliases aliases(JsonNode o) {
    Map<String, String> aliases = new java.util.LinkedHashMap<>();
    o.path("aliases").properties().forEach(e -> aliases.put(e.getKey(), e.getValue().asText()));
    return io.geminibalance.protocol.gemini.ModelAliases.of(aliases);
  }

  private static Set<String> set(JsonNode o, String field, Set<String> fallback) {
    if (!o.has(field)) {
      return fallback;
    }
    Set<String> values = new HashSet<>();
    o.get(field).forEach(v -> values.add(v.asText()));
    return values;
  }

  private static Map<String, Integer> budgets(JsonNode o, Map<String, Integer> fallback) {
    if (!o.has("thinkingBudgetMap")) {
      return fallback;
    }
    Map<String, Integer> map = new HashMap<>();
    o.get("thinkingBudgetMap").fields().forEachRemaining(e -> map.put(e.getKey(), e.getValue().intValue()));
    return map;
  }
}
