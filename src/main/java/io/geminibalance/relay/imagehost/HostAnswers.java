package io.geminibalance.relay.imagehost;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;

/** Reading the hosts' JSON answers. */
final class HostAnswers {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** How much of a host's own message goes into a log line. */
  private static final int MESSAGE_CHARS = 200;

  private HostAnswers() {}

  static JsonNode json(int status, byte[] body) {
    try {
      JsonNode node = JSON.readTree(body);
      if (node != null && !node.isMissingNode()) {
        return node;
      }
    } catch (IOException e) {
      // answered below
    }
    throw new UploadRefused("HTTP " + status + ", an answer that is not JSON");
  }

  /** An http(s) URL, or null. */
  static String httpUrl(JsonNode value) {
    String text = value == null ? "" : value.asText("");
    return text.startsWith("https://") || text.startsWith("http://") ? text : null;
  }

  static UploadRefused refused(int status, JsonNode answer, String... messageFields) {
    for (String field : messageFields) {
      String message = answer.path(field).isObject() ? answer.path(field).path("message").asText("")
          : answer.path(field).asText("");
      if (!message.isBlank()) {
        return new UploadRefused("HTTP " + status + ": " + shorten(message));
      }
    }
    return new UploadRefused("HTTP " + status + ", no URL in the answer");
  }

  private static String shorten(String text) {
    return text.length() <= MESSAGE_CHARS ? text : text.substring(0, MESSAGE_CHARS) + "...";
  }
}
