package io.geminibalance.protocol.gemini;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;

/**
 * What the gateway keeps of Google's JSON for a resource (to answer lists and to know its name,
 * state and expiry): the top-level fields of at most the first {@value #MAX_READ} bytes, without
 * any field larger than {@value #MAX_FIELD} bytes. An interaction's outputs or a batch's inline
 * results (model output, possibly megabytes) are left out, so records stay small and hold no
 * model output.
 */
public final class ResourceSummary {
  static final int MAX_READ = 64 * 1024;
  static final int MAX_FIELD = 8 * 1024;
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final JsonFactory FACTORY = JSON.getFactory();

  private ResourceSummary() {}

  /** The summary of {@code body}'s first bytes, or null when it is not a JSON object. */
  public static ObjectNode of(byte[] body) {
    ObjectNode summary = JSON.createObjectNode();
    try (JsonParser parser = FACTORY.createParser(body, 0, Math.min(body.length, MAX_READ))) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        return null;
      }
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String field = parser.currentName();
        long start = parser.currentTokenLocation().getByteOffset();
        parser.nextToken();
        JsonNode value = JSON.readTree(parser);
        long size = parser.currentLocation().getByteOffset() - start;
        if (value != null && size <= MAX_FIELD) {
          summary.set(field, value);
        }
      }
    } catch (IOException cutOrMalformed) {
      // The first bytes of a longer answer end mid-value: what was read whole is kept.
    }
    return summary;
  }

  /**
   * The top-level scalar fields of a whole body, read in one pass that skips every nested value
   * without building it (a request's inline media costs a scan, not a copy); null when the body
   * is not a JSON object.
   */
  public static ObjectNode topLevelScalars(byte[] body) {
    ObjectNode scalars = JSON.createObjectNode();
    try (JsonParser parser = FACTORY.createParser(body)) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        return null;
      }
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String field = parser.currentName();
        JsonToken value = parser.nextToken();
        if (value.isStructStart()) {
          parser.skipChildren();
        } else if (value.isScalarValue()) {
          scalars.set(field, JSON.readTree(parser));
        }
      }
    } catch (IOException malformed) {
      return null;
    }
    return scalars;
  }
}
