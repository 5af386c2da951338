package io.geminibalance.keypool;

import com.fasterxml.jackson.databind.JsonNode;
import io.geminibalance.config.ConfigException;
import io.geminibalance.config.ConfigValues;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * KEY_PROJECTS: which keys belong to one Google Cloud project, whose quota they share (Google
 * counts limits per project and model, not per key). A JSON object from a project name to the
 * project's keys, each the whole key or its last 8 characters:
 * {@code {"team-a": ["AIzaSy...", "abcdefgh"]}}. Errors never quote a key: the setting holds
 * secrets, so they name the project and the position in its list.
 *
 * @param byKey whole key to project
 * @param byLast8 a key's last 8 characters to project
 */
public record KeyProjects(Map<String, String> byKey, Map<String, String> byLast8) {
  public static final KeyProjects NONE = new KeyProjects(Map.of(), Map.of());
  private static final String NAME = "KEY_PROJECTS";
  private static final int MAX_NAME = 100;
  private static final int LAST8 = 8;

  public KeyProjects {
    byKey = Map.copyOf(byKey);
    byLast8 = Map.copyOf(byLast8);
  }

  /**
   * @throws ConfigException naming KEY_PROJECTS, the project and the entry, never a key
   */
  public static KeyProjects from(ConfigValues v) {
    JsonNode root = v.jsonMap("KEY_PROJECTS");
    Map<String, String> byKey = new HashMap<>();
    Map<String, String> byLast8 = new HashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> project = it.next();
      String name = project.getKey().strip();
      // '|' separates the parts of a stored key state, where the name is kept.
      if (name.isEmpty() || name.length() > MAX_NAME || name.chars().anyMatch(Character::isISOControl)
          || name.indexOf('|') >= 0) {
        throw new ConfigException(NAME, NAME + ": a project name must be 1 to " + MAX_NAME
            + " printable characters other than '|'");
      }
      if (!project.getValue().isArray()) {
        throw new ConfigException(NAME, NAME + ": project '" + name + "' (expected: a list of keys or their last 8"
            + " characters)");
      }
      int position = 0;
      for (JsonNode entry : project.getValue()) {
        String ref = entry.isTextual() ? entry.asText().strip() : "";
        if (ref.length() < LAST8) {
          throw new ConfigException(NAME, NAME + ": project '" + name + "', entry " + position
              + " (expected: a key or its last 8 characters)");
        }
        Map<String, String> target = ref.length() == LAST8 ? byLast8 : byKey;
        String previous = target.put(ref, name);
        if (previous != null && !previous.equals(name)) {
          throw new ConfigException(NAME, NAME + ": project '" + name + "', entry " + position
              + " is already in project '" + previous + "' (a key belongs to one project)");
        }
        position++;
      }
    }
    return new KeyProjects(byKey, byLast8);
  }

  /** The configured project of a key, or null. A whole key listed wins over its last 8 characters. */
  public String projectOf(ApiKey key) {
    String project = byKey.get(key.secret());
    return project != null ? project : byLast8.get(key.last8());
  }

  public boolean isEmpty() {
    return byKey.isEmpty() && byLast8.isEmpty();
  }
}
