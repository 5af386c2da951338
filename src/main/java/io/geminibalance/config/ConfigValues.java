package io.geminibalance.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Typed reads of raw settings, in gemini-balance's encodings: lists as JSON ({@code ["a","b"]})
 * or comma-separated, maps as JSON objects, booleans as true/false/1/0/yes/no/on/off.
 */
public final class ConfigValues {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final Map<String, String> raw;

  public ConfigValues(Map<String, String> raw) {
    this.raw = Map.copyOf(raw);
  }

  public Map<String, String> raw() {
    return raw;
  }

  /** The value, or {@code null} when unset or blank. */
  public String get(String name) {
    String value = raw.get(name);
    return value == null || value.isBlank() ? null : value.strip();
  }

  public String string(String name, String fallback) {
    String value = get(name);
    return value == null ? fallback : value;
  }

  public int integer(String name, int fallback, int min, int max) {
    String value = get(name);
    if (value == null) {
      return fallback;
    }
    try {
      // gemini-balance writes some numbers as floats ("3.0"); accept whole floats.
      double parsed = Double.parseDouble(value);
      if (parsed != Math.rint(parsed) || parsed < min || parsed > max) {
        throw new NumberFormatException();
      }
      return (int) parsed;
    } catch (NumberFormatException e) {
      throw new ConfigException(name, value, "a whole number from " + min + " to " + max);
    }
  }

  public double decimal(String name, double fallback, double min, double max) {
    String value = get(name);
    if (value == null) {
      return fallback;
    }
    try {
      double parsed = Double.parseDouble(value);
      if (Double.isNaN(parsed) || parsed < min || parsed > max) {
        throw new NumberFormatException();
      }
      return parsed;
    } catch (NumberFormatException e) {
      throw new ConfigException(name, value, "a number from " + min + " to " + max);
    }
  }

  public boolean bool(String name, boolean fallback) {
    String value = get(name);
    if (value == null) {
      return fallback;
    }
    return switch (value.toLowerCase(Locale.ROOT)) {
      case "true", "1", "yes", "on" -> true;
      case "false", "0", "no", "off" -> false;
      default -> throw new ConfigException(name, value, "true or false");
    };
  }

  /** A list from JSON ({@code ["a","b"]}) or comma-separated text; blanks dropped. */
  public List<String> list(String name, List<String> fallback) {
    String value = get(name);
    if (value == null) {
      return fallback;
    }
    if (value.startsWith("[")) {
      return jsonList(name, value);
    }
    List<String> items = new ArrayList<>();
    for (String item : value.split(",")) {
      String trimmed = stripQuotes(item.strip());
      if (!trimmed.isEmpty()) {
        items.add(trimmed);
      }
    }
    return List.copyOf(items);
  }

  /** A JSON object of string values (numbers and booleans are kept as their text). */
  public Map<String, String> stringMap(String name) {
    JsonNode node = jsonObject(name);
    Map<String, String> map = new LinkedHashMap<>();
    if (node != null) {
      node.properties().forEach(e -> map.put(e.getKey(), e.getValue().isTextual()
          ? e.getValue().asText() : e.getValue().toString()));
    }
    return map;
  }

  /** A JSON object, or {@code null} when unset. Single-quoted JSON (Python repr) is repaired. */
  public JsonNode jsonObject(String name) {
    String value = get(name);
    if (value == null) {
      return null;
    }
    JsonNode node = parseJson(name, value, "a JSON object, e.g. {\"name\": \"value\"}");
    if (!node.isObject()) {
      throw new ConfigException(name, value, "a JSON object, e.g. {\"name\": \"value\"}");
    }
    return node;
  }

  /** A JSON array, or {@code null} when unset. */
  public JsonNode jsonArray(String name) {
    String value = get(name);
    if (value == null) {
      return null;
    }
    JsonNode node = parseJson(name, value, "a JSON array");
    if (!node.isArray()) {
      throw new ConfigException(name, value, "a JSON array");
    }
    return node;
  }

  private static List<String> jsonList(String name, String value) {
    JsonNode node = parseJson(name, value, "a JSON list of strings or comma-separated values");
    if (!node.isArray()) {
      throw new ConfigException(name, value, "a JSON list of strings or comma-separated values");
    }
    List<String> items = new ArrayList<>();
    for (JsonNode item : node) {
      if (!item.isValueNode()) {
        throw new ConfigException(name, value, "a JSON list of strings");
      }
      String text = item.asText().strip();
      if (!text.isEmpty()) {
        items.add(text);
      }
    }
    return List.copyOf(items);
  }

  private static JsonNode parseJson(String name, String value, String expected) {
    try {
      return JSON.readTree(value);
    } catch (JsonProcessingException first) {
      try {
        return JSON.readTree(value.replace('\'', '"'));
      } catch (JsonProcessingException second) {
        throw new ConfigException(name, value, expected);
      }
    }
  }

  private static String stripQuotes(String item) {
    if (item.length() >= 2 && (item.startsWith("\"") && item.endsWith("\"")
        || item.startsWith("'") && item.endsWith("'"))) {
      return item.substring(1, item.length() - 1).strip();
    }
    return item;
  }
}
