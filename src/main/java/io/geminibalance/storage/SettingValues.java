package io.geminibalance.storage;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Arrays;
import java.util.List;

/** Reads setting values the way gemini-balance wrote them (lists as JSON, or comma-separated). */
public final class SettingValues {
  private final ObjectMapper json;

  public SettingValues(ObjectMapper json) {
    this.json = json;
  }

  /** A JSON list of strings, or a comma-separated list; blanks are dropped. */
  public List<String> list(String value) {
    if (value == null || value.isBlank()) {
      return List.of();
    }
    String trimmed = value.trim();
    if (trimmed.startsWith("[")) {
      try {
        return json.readValue(trimmed, new TypeReference<List<String>>() {}).stream()
            .filter(s -> s != null && !s.isBlank()).map(String::trim).toList();
      } catch (JsonProcessingException e) {
        throw new IllegalArgumentException("expected a JSON list of strings, e.g. [\"a\",\"b\"]: " + e.getOriginalMessage());
      }
    }
    return Arrays.stream(trimmed.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
  }

  /** gemini-balance accepted true/1/yes/on (any case) as true. */
  public static boolean bool(String value, boolean fallback) {
    if (value == null || value.isBlank()) {
      return fallback;
    }
    return switch (value.trim().toLowerCase(java.util.Locale.ROOT)) {
      case "true", "1", "yes", "on" -> true;
      case "false", "0", "no", "off" -> false;
      default -> throw new IllegalArgumentException("'" + value + "' (expected: true or false)");
    };
  }
}
