package io.geminibalance.protocol.gemini;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;

/**
 * Whether a non-streamed {@code generateContent} answer is empty: no candidates, or candidates
 * without a single part, while nothing says why (no {@code promptFeedback.blockReason}, and no
 * finish reason other than {@code STOP} or none: {@code MAX_TOKENS}, {@code SAFETY} and the like
 * explain themselves and another key would not change them). Such answers are what users of
 * gemini-balance kept getting now and then; another attempt usually has content.
 *
 * <p>Read with a streaming parser that stops at the first part: Google writes {@code candidates}
 * first and {@code content.parts} first in a candidate, so an answer with content costs a handful
 * of tokens, not a parse of the body. A body that is not a JSON object is not called empty (the
 * surface reports it as it does today).
 */
public final class EmptyAnswer {
  private static final JsonFactory JSON = new JsonFactory();

  private EmptyAnswer() {}

  /** True when {@code bytes[offset, offset + length)} is an empty answer as described above. */
  public static boolean isEmpty(byte[] bytes, int offset, int length) {
    try (JsonParser parser = JSON.createParser(bytes, offset, length)) {
      return scan(parser);
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  private static boolean scan(JsonParser parser) throws IOException {
    if (parser.nextToken() != JsonToken.START_OBJECT) {
      return false;
    }
    boolean unexplained = true;
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String field = parser.currentName();
      JsonToken value = parser.nextToken();
      if ("candidates".equals(field) && value == JsonToken.START_ARRAY) {
        while (parser.nextToken() == JsonToken.START_OBJECT) {
          Candidate candidate = candidate(parser);
          if (candidate == Candidate.WITH_PARTS) {
            return false;
          }
          if (candidate == Candidate.EXPLAINED) {
            unexplained = false;
          }
        }
      } else if ("promptFeedback".equals(field) && value == JsonToken.START_OBJECT) {
        if (blocked(parser)) {
          unexplained = false;
        }
      } else {
        parser.skipChildren();
      }
    }
    return unexplained;
  }

  private enum Candidate { WITH_PARTS, EXPLAINED, UNEXPLAINED }

  /** Reads one candidate object to its end, or only up to its first part. */
  private static Candidate candidate(JsonParser parser) throws IOException {
    String finishReason = null;
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String field = parser.currentName();
      JsonToken value = parser.nextToken();
      if ("content".equals(field) && value == JsonToken.START_OBJECT) {
        if (hasParts(parser)) {
          return Candidate.WITH_PARTS;
        }
      } else if ("finishReason".equals(field) && value == JsonToken.VALUE_STRING) {
        finishReason = parser.getText();
      } else {
        parser.skipChildren();
      }
    }
    return finishReason == null || "STOP".equals(finishReason) || "FINISH_REASON_UNSPECIFIED".equals(finishReason)
        ? Candidate.UNEXPLAINED : Candidate.EXPLAINED;
  }

  /** Reads a content object; true (and stops) at a first element of {@code parts}. */
  private static boolean hasParts(JsonParser parser) throws IOException {
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String field = parser.currentName();
      JsonToken value = parser.nextToken();
      if ("parts".equals(field) && value == JsonToken.START_ARRAY) {
        if (parser.nextToken() != JsonToken.END_ARRAY) {
          return true;
        }
      } else {
        parser.skipChildren();
      }
    }
    return false;
  }

  private static boolean blocked(JsonParser parser) throws IOException {
    boolean blocked = false;
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String field = parser.currentName();
      JsonToken value = parser.nextToken();
      if ("blockReason".equals(field) && value != JsonToken.VALUE_NULL) {
        blocked = true;
      }
      parser.skipChildren();
    }
    return blocked;
  }
}
