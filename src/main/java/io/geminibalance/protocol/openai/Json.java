package io.geminibalance.protocol.openai;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Optional;

/**
 * Jackson plumbing shared by the translators: node factories and typed field readers that
 * turn a wrongly typed client field into a {@link TranslationException} naming it.
 */
public final class Json {

  // Trailing tokens fail, so "42 apples" is text rather than the number 42.
  static final ObjectMapper MAPPER =
      new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private Json() {}

  public static ObjectNode object() {
    return NODES.objectNode();
  }

  public static ArrayNode array() {
    return NODES.arrayNode();
  }

  /** True when the field is absent or JSON null: OpenAI clients send both for "not set". */
  public static boolean isMissing(JsonNode parent, String field) {
    JsonNode value = parent.get(field);
    return value == null || value.isNull();
  }

  public static Optional<String> optString(JsonNode parent, String field, String param) {
    if (isMissing(parent, field)) {
      return Optional.empty();
    }
    JsonNode value = parent.get(field);
    if (!value.isTextual()) {
      throw new TranslationException(param, "'" + param + "' must be a string");
    }
    return Optional.of(value.asText());
  }

  public static Optional<Integer> optInt(JsonNode parent, String field, String param) {
    if (isMissing(parent, field)) {
      return Optional.empty();
    }
    JsonNode value = parent.get(field);
    if (!value.isIntegralNumber() || !value.canConvertToInt()) {
      throw new TranslationException(param, "'" + param + "' must be an integer");
    }
    return Optional.of(value.intValue());
  }

  public static Optional<JsonNode> optNumber(JsonNode parent, String field, String param) {
    if (isMissing(parent, field)) {
      return Optional.empty();
    }
    JsonNode value = parent.get(field);
    if (!value.isNumber()) {
      throw new TranslationException(param, "'" + param + "' must be a number");
    }
    return Optional.of(value);
  }

  public static boolean optBoolean(JsonNode parent, String field, String param) {
    if (isMissing(parent, field)) {
      return false;
    }
    JsonNode value = parent.get(field);
    if (!value.isBoolean()) {
      throw new TranslationException(param, "'" + param + "' must be a boolean");
    }
    return value.booleanValue();
  }

  /**
   * How deep client JSON that the translators embed whole (tool arguments and results, JSON
   * schemas) may nest. The translated body must still be writable: Jackson's writer stops at
   * 1000 levels, and the translation wraps client JSON in up to 7 levels of its own (a tool
   * result sits at {@code contents[].parts[].functionResponse.response.content}), so a body the
   * parser accepted could otherwise be translated and then fail to be sent.
   */
  static final int MAX_EMBEDDED_DEPTH = 512;

  /** Rejects client JSON nested deeper than {@link #MAX_EMBEDDED_DEPTH}, naming its field. */
  public static void requireShallow(JsonNode node, String param) {
    if (deeperThan(node, MAX_EMBEDDED_DEPTH)) {
      throw new TranslationException(param,
          "'" + param + "' is nested more than " + MAX_EMBEDDED_DEPTH + " levels deep");
    }
  }

  // Recursion is bounded: the parser refuses documents deeper than 1000 levels.
  private static boolean deeperThan(JsonNode node, int levels) {
    if (!node.isContainerNode()) {
      return false;
    }
    if (levels == 0) {
      return true;
    }
    for (JsonNode child : node) {
      if (deeperThan(child, levels - 1)) {
        return true;
      }
    }
    return false;
  }

  /** Parses JSON text, or empty when it is not JSON at all. */
  static Optional<JsonNode> tryParse(String text) {
    try {
      JsonNode node = MAPPER.readTree(text);
      return Optional.ofNullable(node).filter(n -> !n.isMissingNode());
    } catch (JsonProcessingException e) {
      return Optional.empty();
    }
  }

  public static String write(JsonNode node) {
    try {
      return MAPPER.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a JsonNode tree always serializes", e);
    }
  }
}
