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

  private static final String[] REQUEST_FIELDS = {"fileUri", "file_uri", "fileName", "file_name", "uri",
      "cachedContent", "cached_content", "fileSearchStoreNames", "file_search_store_names",
      "previous_interaction_id", "previousInteractionId"};
  /**
   * Field names may be written with escapes ({@code "file\u0055ri"}), which a Google parser
   * decodes: a body with an escaped ASCII character is always parsed. Clients escape non-ASCII
   * text ({@code \u4e2d}) far more often, and that does not trigger the parse.
   */
  private static final byte[] ESCAPED_ASCII = "\\u00".getBytes(StandardCharsets.US_ASCII);
  private static final byte[][] REQUEST_MARKERS = withEscape(markers(REQUEST_FIELDS));

  /**
   * What a request body names.
   *
   * @param names the resource names, in order of appearance, without repeats
   * @param problem why the body cannot be judged (malformed JSON, a reference that is no resource
   *     name, too many references): the request must be refused, or null
   */
  public record References(Set<String> names, String problem) {
    public static final References NONE = new References(Set.of(), null);
  }

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

  /** The resources a request body refers to. */
  public static References inRequest(byte[] body) {
    if (!containsAny(body, REQUEST_MARKERS)) {
      return References.NONE;
    }
    Set<String> names = new LinkedHashSet<>();
    try (JsonParser parser = JSON.createParser(body)) {
      JsonToken token;
      while ((token = parser.nextToken()) != null) {
        if (token != JsonToken.VALUE_STRING) {
          continue;
        }
        String field = fieldOf(parser.getParsingContext());
        if (field == null || !isOneOf(field, REQUEST_FIELDS)) {
          continue;
        }
        String value = parser.getText();
        String name = normalise(field, value);
        if (name == null && namesACollection(field, value)) {
          return new References(names, "Field '" + field + "': " + PathSegments.quote(value, 0, value.length())
              + " is not a resource name (expected e.g. files/abc-123 or a URL ending in it)");
        }
        if (name != null && names.add(name) && names.size() > MAX_NAMES) {
          return new References(names, "The request names more than " + MAX_NAMES + " files, caches or other"
              + " resources; send fewer in one request");
        }
      }
    } catch (IOException malformed) {
      return new References(names, "The request body is not valid JSON");
    }
    return new References(names, null);
  }

  /**
   * The files an answer about a batch or an operation names where Google puts the files it made:
   * a batch's {@code responsesFile}, a Veo video's {@code uri}. Only those places: elsewhere an
   * answer may quote anything (a model's function-call arguments).
   */
  public static Set<String> filesInAnswer(byte[] body) {
    com.fasterxml.jackson.databind.JsonNode root;
    try {
      root = TREE.readTree(body);
    } catch (IOException malformed) {
      return Set.of();
    }
    if (root == null || !root.isObject()) {
      return Set.of();
    }
    Set<String> files = new LinkedHashSet<>();
    for (String pointer : RESULT_FILES) {
      addGenerated(files, root.at(pointer));
    }
    for (com.fasterxml.jackson.databind.JsonNode sample : root.at(VIDEO_SAMPLES)) {
      addGenerated(files, sample.at("/video/uri"));
    }
    return files;
  }

  private static final com.fasterxml.jackson.databind.ObjectMapper TREE = new com.fasterxml.jackson.databind.ObjectMapper();
  private static final String[] RESULT_FILES = {"/response/responsesFile", "/output/responsesFile",
      "/metadata/output/responsesFile", "/response/output/responsesFile"};
  private static final String VIDEO_SAMPLES = "/response/generateVideoResponse/generatedSamples";

  /** Google's file ids are lowercase letters, digits and dashes: a name in any other case is not one it made. */
  private static void addGenerated(Set<String> files, com.fasterxml.jackson.databind.JsonNode node) {
    if (!node.isTextual()) {
      return;
    }
    // Google's own answer, at a place only Google fills: its URL is Google's (or BASE_URL's) host.
    String name = fileInPath(node.asText());
    if (name != null && name.equals(name.toLowerCase(java.util.Locale.ROOT)) && files.size() < MAX_NAMES) {
      files.add(name);
    }
  }

  /** Whether a reference field's value points into a collection, even if not as a valid name. */
  private static boolean namesACollection(String field, String value) {
    return switch (field) {
      case "cachedContent", "cached_content", "fileSearchStoreNames", "file_search_store_names",
          "previous_interaction_id", "previousInteractionId" -> true;
      default -> value.startsWith("files/") || onGoogle(value);
    };
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

  /**
   * {@code files/{id}} from a name or a URL on Google's host ({@code
   * https://generativelanguage.googleapis.com/v1beta/files/abc:download?alt=media}); a URL on any
   * other host is a web address Google fetches, not a file of a key.
   */
  private static String file(String value) {
    return value.startsWith("files/") || onGoogle(value) ? fileInPath(value) : null;
  }

  /** {@code files/{id}} at the end of a name or of a URL's path, whatever its host. */
  private static String fileInPath(String value) {
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

  /**
   * Whether a URL is a Files API address: on Google's host, or on any host (BASE_URL's proxy) with
   * the API's own path ({@code /v1beta/files/...}). A web page at {@code example.com/files/x} is not.
   */
  private static boolean onGoogle(String value) {
    int scheme = value.indexOf("://");
    if (scheme <= 0) {
      return false;
    }
    if (value.startsWith(GOOGLE_HOST, scheme + 3)) {
      return true;
    }
    int path = value.indexOf('/', scheme + 3);
    return path > 0 && (value.startsWith("/v1beta/files/", path) || value.startsWith("/v1/files/", path)
        || value.startsWith("/v1alpha/files/", path));
  }

  private static final String GOOGLE_HOST = "generativelanguage.googleapis.com/";

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

  private static byte[][] withEscape(byte[][] markers) {
    byte[][] all = java.util.Arrays.copyOf(markers, markers.length + 1);
    all[markers.length] = ESCAPED_ASCII;
    return all;
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
      byte b = body.at(i);
      if (b == '"' || b == '\\') {
        for (byte[] marker : markers) {
          if (marker[0] == b && startsWith(body, length, i, marker)) {
            return true;
          }
        }
      }
    }
    return false;
  }
}
