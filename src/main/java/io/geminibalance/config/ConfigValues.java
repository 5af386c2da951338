package io.geminibalance.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalInt;

/**
 * Typed reads of raw settings, in gemini-balance's encodings: lists as JSON ({@code ["a","b"]})
 * or comma-separated, maps as JSON objects, booleans as true/false/1/0/yes/no/on/off.
 *
 * <p>The reads by name alone take the setting's default, range and allowed values from
 * {@link SettingsCatalog}, and refuse a name it does not declare or a read of another type: a
 * setting is declared once, and read as what it is. The reads with an explicit fallback are for
 * this package's own tests of the encodings.
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

  String string(String name, String fallback) {
    String value = get(name);
    return value == null ? fallback : value;
  }

  int integer(String name, int fallback, int min, int max) {
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

  /** A whole-number setting: its catalogue default when unset, within its catalogue range. */
  public int integer(String name) {
    SettingsCatalog.Definition def = typed(name, SettingsCatalog.Type.INT);
    if (def.defaultValue().isEmpty()) {
      throw new IllegalArgumentException(name + " has a computed default: read it with optionalInteger");
    }
    return integer(name, def.defaultInt(), def.range().intMin(), def.range().intMax());
  }

  /** A whole-number setting whose default is computed by the caller (EVENT_LOOPS: the CPU cores). */
  public OptionalInt optionalInteger(String name) {
    SettingsCatalog.Definition def = typed(name, SettingsCatalog.Type.INT);
    return get(name) == null ? OptionalInt.empty()
        : OptionalInt.of(integer(name, 0, def.range().intMin(), def.range().intMax()));
  }

  /** A decimal setting: its catalogue default when unset, within its catalogue range. */
  public double decimal(String name) {
    SettingsCatalog.Definition def = typed(name, SettingsCatalog.Type.DECIMAL);
    return decimal(name, Double.parseDouble(def.defaultValue()), def.range().min(), def.range().max());
  }

  /** A true/false setting: its catalogue default when unset. */
  public boolean bool(String name) {
    SettingsCatalog.Definition def = typed(name, SettingsCatalog.Type.BOOL);
    return bool(name, Boolean.parseBoolean(def.defaultValue()));
  }

  /**
   * A text setting (a string, URL, secret or enum read as the caller spells it): its catalogue
   * default when unset, or {@code null} when that is empty.
   */
  public String string(String name) {
    SettingsCatalog.Definition def = typed(name, SettingsCatalog.Type.STRING, SettingsCatalog.Type.URL,
        SettingsCatalog.Type.SECRET, SettingsCatalog.Type.ENUM);
    return string(name, def.defaultValue().isEmpty() ? null : def.defaultValue());
  }

  /** An enum setting: one of its catalogue values (as the catalogue spells it), else the default. */
  public String choice(String name) {
    SettingsCatalog.Definition def = typed(name, SettingsCatalog.Type.ENUM);
    String value = string(name, def.defaultValue());
    for (String allowed : def.allowed()) {
      if (allowed.equalsIgnoreCase(value)) {
        return allowed;
      }
    }
    throw new ConfigException(name, value, "one of " + String.join(", ", def.allowed()));
  }

  /** A time-zone setting, or {@code null} when unset and without a default. */
  public ZoneId zone(String name) {
    SettingsCatalog.Definition def = typed(name, SettingsCatalog.Type.ZONE);
    String value = string(name, def.defaultValue().isEmpty() ? null : def.defaultValue());
    if (value == null) {
      return null;
    }
    try {
      return ZoneId.of(value);
    } catch (DateTimeException e) {
      throw new ConfigException(name, value, "a time zone such as Asia/Shanghai");
    }
  }

  /**
   * Reads every catalogued setting of a type that says all about its values (numbers, booleans,
   * lists, zones), so a bad one is refused even where it is read later or only at start (TIMEZONE,
   * EVENT_LOOPS). Text, maps and enums with aliases are checked by the code that gives them meaning.
   *
   * @throws ConfigException naming the first bad setting
   */
  public void checkTyped(java.util.function.Predicate<SettingsCatalog.Definition> which) {
    for (SettingsCatalog.Definition def : SettingsCatalog.all()) {
      if (!which.test(def)) {
        continue;
      }
      switch (def.type()) {
        case INT -> optionalInteger(def.name());
        case DECIMAL -> decimal(def.name());
        case BOOL -> bool(def.name());
        case LIST -> list(def.name());
        case SECRET_LIST -> credentials(def.name());
        case ZONE -> zone(def.name());
        case STRING, SECRET, MAP, JSON_ARRAY, ENUM, URL -> { }
      }
    }
  }

  /** The catalogue's definition, which must be of one of these types. */
  private static SettingsCatalog.Definition typed(String name, SettingsCatalog.Type... types) {
    SettingsCatalog.Definition def = SettingsCatalog.definition(name);
    for (SettingsCatalog.Type type : types) {
      if (def.type() == type) {
        return def;
      }
    }
    throw new IllegalArgumentException(name + " is a " + def.type().id() + " setting, not read as "
        + java.util.Arrays.toString(types));
  }

  double decimal(String name, double fallback, double min, double max) {
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

  boolean bool(String name, boolean fallback) {
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
  List<String> list(String name, List<String> fallback) {
    String value = get(name);
    return value == null ? fallback : parseList(name, value);
  }

  /** A list setting declared in {@link SettingsCatalog}: its catalogue default when unset. */
  public List<String> list(String name) {
    SettingsCatalog.Definition def = typed(name, SettingsCatalog.Type.LIST, SettingsCatalog.Type.SECRET_LIST);
    String value = get(name);
    if (value == null) {
      String fallback = def.defaultValue();
      return fallback.isBlank() ? List.of() : parseList(name, fallback.strip());
    }
    return parseList(name, value);
  }

  /**
   * Any text read as a list in either encoding, whatever the setting's type (the audit log shows
   * which items a change added and removed).
   */
  public static List<String> listItems(String name, String value) {
    return value.isBlank() ? List.of() : parseList(name, value.strip());
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
   * at least {@link SecretSettings#MIN_LENGTH} characters long: the log redactor does not
   * mask shorter secrets (it would mask ordinary words too), so a shorter one would show whole in a
   * message that quotes it (a token pasted into the wrong setting).
   */
  public List<String> credentials(String name) {
    List<String> items = list(name);
    for (int i = 0; i < items.size(); i++) {
      checkCredential(name, items.get(i), items.size() == 1 ? "" : " item " + (i + 1) + " of " + items.size());
    }
    return items;
  }

  /** One credential, or {@code null} when unset; the same characters as {@link #credentials}. */
  public String credential(String name) {
    typed(name, SettingsCatalog.Type.SECRET);
    String value = get(name);
    if (value != null) {
      checkCredential(name, value, "");
    }
    return value;
  }

  private static void checkCredential(String name, String value, String which) {
    String expected = "printable ASCII without spaces, at least " + SecretSettings.MIN_LENGTH
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
    if (value.length() < SecretSettings.MIN_LENGTH) {
      // Neither the value nor its length: a short secret is guessed all the easier.
      throw ConfigException.problem(name, (which.isEmpty() ? "the value" : which.strip()) + " is shorter than "
          + SecretSettings.MIN_LENGTH + " characters, too short to be masked in log lines", expected);
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

  /**
   * A map setting as a JSON object: its value, or its catalogue default when unset (so a default
   * that is not {@code {}} applies without being written a second time).
   */
  public JsonNode jsonMap(String name) {
    SettingsCatalog.Definition def = typed(name, SettingsCatalog.Type.MAP);
    String value = get(name);
    String json = value == null ? def.defaultValue() : value;
    JsonNode node = parseJson(name, json, "a JSON object, e.g. {\"name\": \"value\"}");
    if (!node.isObject()) {
      throw new ConfigException(name, json, "a JSON object, e.g. {\"name\": \"value\"}");
    }
    return node;
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
    typed(name, SettingsCatalog.Type.JSON_ARRAY);
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
