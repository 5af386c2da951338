package io.geminibalance.protocol.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** The whole-body fixtures under {@code fixtures/anthropic}. */
final class AnthropicFixtures {
  static final ObjectMapper MAPPER = new ObjectMapper();
  /** The default ANTHROPIC_MODEL_MAP, as the settings catalogue declares it. */
  static final String DEFAULT_MAP = "{\"claude-*opus*\":\"gemini-2.5-pro\",\"claude-*sonnet*\":\"gemini-2.5-pro\","
      + "\"claude-*haiku*\":\"gemini-2.5-flash\"}";

  private AnthropicFixtures() {}

  static List<Path> list(String directory, String suffix) {
    URL url = AnthropicFixtures.class.getClassLoader().getResource("fixtures/anthropic/" + directory);
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

  static JsonNode json(String text) {
    try {
      return MAPPER.readTree(text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * A tree as it reads back from the wire: Jackson's trees tell an int from a long of the same
   * value, JSON does not, and neither does a client.
   */
  static JsonNode normalized(JsonNode tree) {
    return json(tree.toString());
  }

  static ModelMap defaultMap() {
    return ModelMap.parse(json(DEFAULT_MAP));
  }
}
