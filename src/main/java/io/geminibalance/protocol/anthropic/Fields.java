package io.geminibalance.protocol.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/** Typed reads of request fields; a wrong type is an {@link AnthropicRequestException} naming the field. */
final class Fields {
  static final ObjectMapper MAPPER = new ObjectMapper();

  private Fields() {}

  static ObjectNode object() {
    return MAPPER.createObjectNode();
  }

  static ArrayNode array() {
    return MAPPER.createArrayNode();
  }

  static boolean absent(JsonNode parent, String name) {
    JsonNode value = parent.get(name);
    return value == null || value.isNull();
  }

  static Optional<String> optString(JsonNode parent, String name, String field) {
    if (absent(parent, name)) {
      return Optional.empty();
    }
    JsonNode value = parent.get(name);
    if (!value.isTextual()) {
      throw new AnthropicRequestException(field, "must be a string");
    }
    return Optional.of(value.asText());
  }

  static String requiredString(JsonNode parent, String name, String field) {
    return optString(parent, name, field).orElseThrow(() -> new AnthropicRequestException(field, "Field required"));
  }

  static ObjectNode requiredObject(JsonNode parent, String name, String field) {
    JsonNode value = parent.get(name);
    if (value == null || value.isNull()) {
      throw new AnthropicRequestException(field, "Field required");
    }
    if (!value.isObject()) {
      throw new AnthropicRequestException(field, "must be an object");
    }
    return (ObjectNode) value;
  }

  /** An object element of an array, or a 400 naming it. */
  static JsonNode element(JsonNode array, int index, String field) {
    JsonNode value = array.get(index);
    if (value == null || !value.isObject()) {
      throw new AnthropicRequestException(field, "must be an object");
    }
    return value;
  }

  static OptionalDouble number(JsonNode parent, String name, String field, double min, double max) {
    if (absent(parent, name)) {
      return OptionalDouble.empty();
    }
    JsonNode value = parent.get(name);
    if (!value.isNumber()) {
      throw new AnthropicRequestException(field, "must be a number");
    }
    double number = value.asDouble();
    if (!(number >= min && number <= max)) {
      throw new AnthropicRequestException(field, "must be between " + plain(min) + " and " + plain(max));
    }
    return OptionalDouble.of(number);
  }

  static OptionalLong integer(JsonNode parent, String name, String field, long min) {
    if (absent(parent, name)) {
      return OptionalLong.empty();
    }
    JsonNode value = parent.get(name);
    if (!value.isIntegralNumber() || !value.canConvertToLong()) {
      throw new AnthropicRequestException(field, "must be an integer");
    }
    if (value.asLong() < min) {
      throw new AnthropicRequestException(field, "must be at least " + min);
    }
    return OptionalLong.of(value.asLong());
  }

  static boolean bool(JsonNode parent, String name, String field) {
    if (absent(parent, name)) {
      return false;
    }
    JsonNode value = parent.get(name);
    if (!value.isBoolean()) {
      throw new AnthropicRequestException(field, "must be a boolean");
    }
    return value.asBoolean();
  }

  /** An array field, empty when absent. */
  static JsonNode optArray(JsonNode parent, String name, String field) {
    if (absent(parent, name)) {
      return array();
    }
    JsonNode value = parent.get(name);
    if (!value.isArray()) {
      throw new AnthropicRequestException(field, "must be an array");
    }
    return value;
  }

  private static String plain(double value) {
    return value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value);
  }
}
