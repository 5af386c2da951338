package io.geminibalance.protocol.gemini;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Finds the stateful resources a JSON body names: in a request, what must be sent with the key
 * that created them (a file in {@code fileData.fileUri}, a batch's input {@code fileName}, a
 * {@code cachedContent}, {@code fileSearchStoreNames}, an interaction's {@code
 * previous_interaction_id}); in an answer, the files Google generated (a Veo video's {@code uri},
 * a batch's {@code responsesFile}). Pure; malformed JSON names nothing (Google answers it).
 *
 * <p>Most bodies name nothing, and bodies can be large (inline images): a single pass over the
 * bytes looks for the field names first, and only a body that has one is parsed.
 */
public final class ResourceReferences {
  /** More names than this in one body are not followed (no real request names so many). */
  static final int MAX_NAMES = 64;
  private static final JsonFactory JSON = JsonFactory.builder().build();

  private static final String[] REQUEST_FIELDS = {"fileUri", "file_uri", "fileName", "cachedContent",
      "cached_content", "fileSearchStoreNames", "file_search_store_names", "previous_interaction_id",
      "previousInteractionId"};
  private static final String[] ANSWER_FIELDS = {"uri", "fileUri", "file_uri", "responsesFile", "fileName"};
  private static final byte[][] REQUEST_MARKERS = markers(REQUEST_FIELDS);
  private static final byte[][] ANSWER_MARKERS = markers(ANSWER_FIELDS);

  private ResourceReferences() {}

  /** Reads one byte of a body held elsewhere (a network buffer), so a scan copies nothing. */
  @FunctionalInterface
  public interface Bytes {
    byte at(int index);
  }

  /**
   * Whether a request body of {@code length} bytes may name a resource: one of the fields {@link
   * #inRequest} follows appears in it. Most bodies name none, and then nothing is copied or parsed.
   */
  public static boolean mayNameResources(Bytes body, int length) {
    return containsAny(body, length, REQUEST_MARKERS);
  }

  private static boolean startsWith(Bytes body, int length, int at, byte[] marker) {
    if (at + marker.length > length) {
      return false;
    }
    for (int j = 1; j < marker.length; j++) {
      if (body.at(at + j) != marker[j]) {
        return false;
      }
    }
    return true;
  }

  /** The resource names a request body refers to, in order of appearance, without repeats. */
  public static Set<String> inRequest(byte[] body) {
    if (!containsAny(body, REQUEST_MARKERS)) {
      return Set.of();
    }
    return collect(body, REQUEST_FIELDS);
  }

  /** The files an answer names ({@code files/{id}}), e.g. videos a finished operation made. */
  public static Set<String> filesInAnswer(byte[] body) {
    if (!containsAny(body, ANSWER_MARKERS)) {
      return Set.of();
    }
    Set<String> files = new LinkedHashSet<>();
    for (String name : collect(body, ANSWER_FIELDS)) {
      if (name.startsWith("files/")) {
        files.add(name);
      }
    }
    return files;
  }

  private static Set<String> collect(byte[] body, String[] fields) {
    Set<String> names = new LinkedHashSet<>();
    try (JsonParser parser = JSON.createParser(body)) {
      JsonToken token;
      while ((token = parser.nextToken()) != null && names.size() < MAX_NAMES) {
        if (token == JsonToken.VALUE_STRING) {
          String field = fieldOf(parser.getParsingContext());
          if (field != null && isOneOf(field, fields)) {
            String name = normalise(field, parser.getText());
            if (name != null) {
              names.add(name);
            }
          }
        }
      }
    } catch (IOException malformed) {
      return Set.of();
    }
    return names;
  }

  /** The field a string belongs to: its own name, or the name of the array it is in. */
  private static String fieldOf(JsonStreamContext context) {
    if (context.inObject()) {
      return context.getCurrentName();
    }
    JsonStreamContext parent = context.getParent();
    return context.inArray() && parent != null && parent.inObject() ? parent.getCurrentName() : null;
  }

  /** The resource name a field's value stands for, or null when it names none. */
  static String normalise(String field, String value) {
    return switch (field) {
      case "cachedContent", "cached_content" -> named(value, "cachedContents/");
      case "fileSearchStoreNames", "file_search_store_names" -> named(value, "fileSearchStores/");
      case "previous_interaction_id", "previousInteractionId" ->
          value.startsWith("interactions/") ? named(value, "interactions/") : named("interactions/" + value,
              "interactions/");
      default -> file(value);
    };
  }

  /** {@code files/{id}} from a name or a URL ({@code https://host/v1beta/files/abc:download?alt=media}). */
  private static String file(String value) {
    int end = value.indexOf('?');
    String path = end < 0 ? value : value.substring(0, end);
    int colon = path.lastIndexOf(':');
    int at = path.lastIndexOf("files/");
    if (at < 0 || (at > 0 && path.charAt(at - 1) != '/')) {
      return null;
    }
    if (colon > at) {
      path = path.substring(0, colon);
    }
    return named(path.substring(at), "files/");
  }

  private static String named(String value, String prefix) {
    if (!value.startsWith(prefix) || value.length() == prefix.length()
        || value.length() - prefix.length() > ResourcePath.MAX_ID) {
      return null;
    }
    for (int i = prefix.length(); i < value.length(); i++) {
      char c = value.charAt(i);
      if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_')) {
        return null;
      }
    }
    return value;
  }

  private static boolean isOneOf(String field, String[] fields) {
    for (String candidate : fields) {
      if (candidate.equals(field)) {
        return true;
      }
    }
    return false;
  }

  private static byte[][] markers(String[] fields) {
    byte[][] markers = new byte[fields.length][];
    for (int i = 0; i < fields.length; i++) {
      markers[i] = ("\"" + fields[i] + "\"").getBytes(StandardCharsets.US_ASCII);
    }
    return markers;
  }

  static boolean containsAny(byte[] body, byte[][] markers) {
    return containsAny(i -> body[i], body.length, markers);
  }

  /** One pass: at each quote, whether one of the markers starts there. */
  private static boolean containsAny(Bytes body, int length, byte[][] markers) {
    for (int i = 0; i < length; i++) {
      if (body.at(i) == '"') {
        for (byte[] marker : markers) {
          if (startsWith(body, length, i, marker)) {
            return true;
          }
        }
      }
    }
    return false;
  }
}
