package io.geminibalance.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.geminibalance.requestlog.SecretRedactor;
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

  /**
   * A whole-number setting declared in {@link SettingsCatalog} with its range: its catalogue
   * default when unset.
   */
  public int integer(String name) {
    SettingsCatalog.Definition definition = SettingsCatalog.definition(name);
    SettingsCatalog.Range range = definition.range();
    if (range == null) {
      throw new IllegalArgumentException(name + " has no range in the settings catalogue");
    }
    return integer(name, definition.defaultInt(), range.min(), range.max());
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
    return value == null ? fallback : parseList(name, value);
  }

  /** A list setting declared in {@link SettingsCatalog}: its catalogue default when unset. */
  public List<String> list(String name) {
    String value = get(name);
    if (value == null) {
      String fallback = SettingsCatalog.definition(name).defaultValue();
      return fallback.isBlank() ? List.of() : parseList(name, fallback.strip());
    }
    return parseList(name, value);
  }

  private static List<String> parseList(String name, String value) {
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

  /**
   * Credentials (API keys, tokens) as a list: each must be printable ASCII without spaces, so it
   * travels in a header unchanged and cannot split one (a line break in a key would end the header
   * and start another). A space usually means two keys pasted without a comma. Each must also be
   * at least {@link SecretRedactor#MIN_REGISTERED_LENGTH} characters long: the log redactor does not
   * mask shorter secrets (it would mask ordinary words too), so a shorter one would show whole in a
   * message that quotes it (a token pasted into the wrong setting).
   */
  public List<String> credentials(String name) {
    List<String> items = list(name, List.of());
    for (int i = 0; i < items.size(); i++) {
      checkCredential(name, items.get(i), items.size() == 1 ? "" : " item " + (i + 1) + " of " + items.size());
    }
    return items;
  }

  /** One credential, or {@code null} when unset; the same characters as {@link #credentials}. */
  public String credential(String name) {
    String value = get(name);
    if (value != null) {
      checkCredential(name, value, "");
    }
    return value;
  }

  private static void checkCredential(String name, String value, String which) {
    String expected = "printable ASCII without spaces, at least " + SecretRedactor.MIN_REGISTERED_LENGTH
        + " characters; separate several with commas";
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c < 0x21 || c > 0x7e) {
        String what = c == '\r' || c == '\n' ? "a line break" : c == ' ' ? "a space"
            : c < 0x20 || c == 0x7f ? "a control character" : "a character outside printable ASCII";
        throw ConfigException.problem(name, (which.isEmpty() ? "the value" : which.strip()) + " has " + what
            + " at position " + (i + 1), expected);
      }
    }
    if (value.length() < SecretRedactor.MIN_REGISTERED_LENGTH) {
      // Neither the value nor its length: a short secret is guessed all the easier.
      throw ConfigException.problem(name, (which.isEmpty() ? "the value" : which.strip()) + " is shorter than "
          + SecretRedactor.MIN_REGISTERED_LENGTH + " characters, too short to be masked in log lines", expected);
    }
  }

  /**
   * Extra HTTP headers as a JSON object: names must be HTTP tokens (RFC 9110) and not a header
   * the gateway sets itself (framing, connection, the key); values may hold no control character
   * but a tab, so no value can end its header line and start another.
   */
  public Map<String, String> headers(String name) {
    Map<String, String> headers = stringMap(name);
    for (Map.Entry<String, String> header : headers.entrySet()) {
      String field = header.getKey();
      if (field.isEmpty() || !field.chars().allMatch(ConfigValues::isTokenChar)) {
        throw ConfigException.problem(name, "'" + ConfigException.escaped(field) + "' is not a header name",
            "names of letters, digits and !#$%&'*+-.^_`|~");
      }
      if (GATEWAY_HEADERS.contains(field.toLowerCase(Locale.ROOT))) {
        throw ConfigException.problem(name, "'" + field + "' is set by the gateway itself",
            "headers other than " + String.join(", ", GATEWAY_HEADERS));
      }
      String value = header.getValue();
      for (int i = 0; i < value.length(); i++) {
        char c = value.charAt(i);
        if ((c < 0x20 && c != '\t') || c == 0x7f || c > 0xff) {
          throw ConfigException.problem(name, "the value of " + ConfigException.quoted(field) + " has "
              + (c == '\r' || c == '\n' ? "a line break" : c > 0xff ? "a character that is not Latin-1" : "a control character")
              + " at position " + (i + 1), "header values without line breaks or control characters");
        }
      }
    }
    return headers;
  }

  /**
   * Headers CUSTOM_HEADERS may not set: the message framing, the connection, and the pool key; the
   * target host (Host names the BASE_URL's host: another value sends the pool keys to whatever
   * else answers at that address); Expect (the upstream client never waits for a 100 Continue,
   * and any other expectation gets 417 on every call); and what describes the bodies, which the
   * client (native pass-through) or the gateway (translated requests) decides per request, and the
   * gateway reads answers uncompressed: a fixed Content-Type, Content-Encoding or Accept-Encoding
   * would mislabel every body or get answers the gateway cannot read. HTTP/2 pseudo-headers
   * ({@code :authority}) are not header names (':' is not a token character) and fail before.
   */
  private static final List<String> GATEWAY_HEADERS = List.of("content-length", "transfer-encoding",
      "connection", "keep-alive", "proxy-connection", "te", "trailer", "upgrade", "http2-settings",
      "x-goog-api-key", "authorization", "host", "expect", "content-type", "content-encoding",
      "accept-encoding");

  private static boolean isTokenChar(int c) {
    return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
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
