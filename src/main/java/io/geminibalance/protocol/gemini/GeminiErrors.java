package io.geminibalance.protocol.gemini;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** Builds the gateway's own errors in Google's shape: {@code {"error":{code,message,status}}}. */
public final class GeminiErrors {
  private static final ObjectMapper JSON = new ObjectMapper();

  private GeminiErrors() {}

  public static String body(int httpStatus, String message) {
    ObjectNode error = JSON.createObjectNode();
    error.put("code", httpStatus);
    error.put("message", message);
    error.put("status", statusName(httpStatus));
    ObjectNode root = JSON.createObjectNode();
    root.set("error", error);
    return root.toString();
  }

  /** Google's canonical status name for an HTTP status. */
  public static String statusName(int httpStatus) {
    return switch (httpStatus) {
      case 400 -> "INVALID_ARGUMENT";
      case 401 -> "UNAUTHENTICATED";
      case 403 -> "PERMISSION_DENIED";
      case 404 -> "NOT_FOUND";
      case 408 -> "DEADLINE_EXCEEDED";
      case 409 -> "ABORTED";
      case 413 -> "INVALID_ARGUMENT";
      case 429 -> "RESOURCE_EXHAUSTED";
      case 499 -> "CANCELLED";
      case 501 -> "UNIMPLEMENTED";
      case 503 -> "UNAVAILABLE";
      case 504 -> "DEADLINE_EXCEEDED";
      default -> httpStatus >= 500 ? "INTERNAL" : "FAILED_PRECONDITION";
    };
  }
}
