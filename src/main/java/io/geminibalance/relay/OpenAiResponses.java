package io.geminibalance.relay;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.http.HttpServerResponse;

/** The gateway's own errors on the OpenAI surfaces, in OpenAI's error shape. */
public final class OpenAiResponses {
  private static final ObjectMapper JSON = new ObjectMapper();

  private OpenAiResponses() {}

  public static String errorBody(String message, String type, String param, String code) {
    ObjectNode error = JSON.createObjectNode();
    error.put("message", message);
    error.put("type", type);
    if (param == null) {
      error.putNull("param");
    } else {
      error.put("param", param);
    }
    if (code == null) {
      error.putNull("code");
    } else {
      error.put("code", code);
    }
    ObjectNode root = JSON.createObjectNode();
    root.set("error", error);
    return root.toString();
  }

  /**
   * The final error event of an OpenAI stream the gateway cut ({@code StreamCut}): a token that
   * stopped being valid mid-stream gets what it gets at admission, {@code invalid_api_key}.
   */
  static String cutEvent(int status, String message) {
    return status == 401 ? errorBody(message, "invalid_request_error", null, "invalid_api_key")
        : errorBody(message, "server_error", null, "upstream_stream_interrupted");
  }

  public static void error(HttpServerResponse response, int status, String message, String type,
      String param, String code) {
    if (response.ended() || response.closed()) {
      return;
    }
    response.setStatusCode(status)
        .putHeader("content-type", "application/json; charset=UTF-8")
        .end(errorBody(message, type, param, code));
  }
}
