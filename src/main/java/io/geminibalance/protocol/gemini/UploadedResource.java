package io.geminibalance.protocol.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * What Google made from a finished upload, read from its answer: a File
 * ({@code {"file": {...}}}) from the Files API, a long-running operation from an upload into a
 * file search store.
 *
 * @param name its resource name ({@code files/abc}, {@code fileSearchStores/s/operations/o})
 * @param state Google's state ({@code ACTIVE}, {@code PROCESSING}, ...; for an operation
 *     {@code DONE} or {@code RUNNING}), or null
 * @param expiresMillis from {@code expirationTime}, or 0 when it gives none
 * @param json the resource's JSON as Google gave it
 */
public record UploadedResource(String name, String state, long expiresMillis, String json) {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** Longest resource name accepted from an answer (Google's are short ASCII). */
  private static final int MAX_NAME_CHARS = 255;

  /** The File in a finalize answer, or null when the answer holds none with a plausible name. */
  public static UploadedResource file(byte[] answer) {
    JsonNode root = parse(answer);
    JsonNode file = root == null ? null : root.get("file");
    if (file == null || !file.isObject()) {
      return null;
    }
    String name = text(file, "name");
    if (!plausible(name, "files/")) {
      return null;
    }
    return new UploadedResource(name, text(file, "state"), expiry(text(file, "expirationTime")), file.toString());
  }

  /** The operation in an answer, or null when it is not one with a plausible name. */
  public static UploadedResource operation(byte[] answer) {
    JsonNode root = parse(answer);
    if (root == null || !root.isObject()) {
      return null;
    }
    String name = text(root, "name");
    if (!plausible(name, "")) {
      return null;
    }
    String state = root.path("done").asBoolean(false) ? "DONE" : "RUNNING";
    return new UploadedResource(name, state, 0, root.toString());
  }

  private static JsonNode parse(byte[] answer) {
    try {
      return answer == null || answer.length == 0 ? null : JSON.readTree(answer);
    } catch (IOException e) {
      return null;
    }
  }

  private static String text(JsonNode node, String field) {
    JsonNode value = node.get(field);
    return value != null && value.isTextual() ? value.asText() : null;
  }

  private static boolean plausible(String name, String prefix) {
    return name != null && name.startsWith(prefix) && name.length() > prefix.length()
        && name.length() <= MAX_NAME_CHARS && PathSegments.problem(name) == null;
  }

  private static long expiry(String rfc3339) {
    if (rfc3339 == null) {
      return 0;
    }
    try {
      return Instant.parse(rfc3339).toEpochMilli();
    } catch (DateTimeParseException e) {
      return 0;
    }
  }
}
