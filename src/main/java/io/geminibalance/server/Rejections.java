package io.geminibalance.server;

import io.geminibalance.protocol.gemini.GeminiErrors;
import io.geminibalance.relay.AnthropicResponses;
import io.geminibalance.relay.OpenAiResponses;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.impl.ConnectionBase;
import io.vertx.ext.web.RoutingContext;

/**
 * Answers that may leave a request body unread (bad credential, body too large or too slow, bad
 * origin): the body is not read to find the end of the request. On HTTP/1.x the answer says
 * {@code Connection: close} and the connection is closed once it is written ({@link Lingering});
 * on HTTP/2 only the
 * request's stream is reset (NO_ERROR, as RFC 9113 section 8.1 allows after a complete response),
 * the connection's other streams go on. A request whose body has been read, or that declared none,
 * keeps its connection.
 */
final class Rejections {
  private static final String JSON = "application/json; charset=UTF-8";
  private static final long NO_ERROR = 0;

  private Rejections() {}

  /** An error in Google's shape ({@code {"error":{code,message,status}}}). */
  static void gemini(RoutingContext rc, int status, String message) {
    send(rc, status, GeminiErrors.body(status, message));
  }

  /** An error in OpenAI's shape, of type {@code invalid_request_error}. */
  static void openAi(RoutingContext rc, int status, String message, String code) {
    openAi(rc, status, message, "invalid_request_error", null, code);
  }

  /**
   * An error in OpenAI's shape of the given type ({@code rate_limit_error} for a 429), naming the
   * request field at fault when {@code param} is not null.
   */
  static void openAi(RoutingContext rc, int status, String message, String type, String param, String code) {
    send(rc, status, OpenAiResponses.errorBody(message, type, param, code));
  }

  /** An error in Anthropic's shape ({@code {"type":"error","error":{type,message}}}), its type from the status. */
  static void anthropic(RoutingContext rc, int status, String message) {
    send(rc, status, AnthropicResponses.errorBody(status, message));
  }

  static void send(RoutingContext rc, int status, String body) {
    send(rc.request(), status, body, false);
  }

  /** {@code close}: the connection closes after the answer (HTTP/1.x) even when it had no body to leave unread. */
  static void send(HttpServerRequest request, int status, String body, boolean close) {
    HttpServerResponse response = request.response();
    if (response.ended() || response.closed()) {
      return;
    }
    // Whatever of the body arrives from now on stays queued (up to Vert.x's small buffer, then the
    // socket stops being read) instead of being read and dropped. A body read whole already (the
    // admin API's chain, then no route) cannot be paused: HTTP/2 refuses that with an exception.
    boolean ended = request.isEnded();
    if (!ended) {
      request.pause();
    }
    boolean http2 = request.version() == HttpVersion.HTTP_2;
    boolean unread = !ended && mayHaveBody(request) || close && !http2;
    if (unread && !http2) {
      response.putHeader(HttpHeaders.CONNECTION, HttpHeaders.CLOSE);
    }
    response.setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, JSON).end(body).onComplete(written -> {
      if (!unread) {
        return;
      }
      if (http2) {
        // Vert.x sends nothing when the client had already ended its stream.
        response.reset(NO_ERROR);
      } else if (request.connection() instanceof ConnectionBase connection) {
        Lingering.close(connection.channel());
      } else {
        request.connection().close();
      }
    });
  }

  /**
   * Whether bytes of a body may still be on their way. HTTP/1.x says so in its headers; an HTTP/2
   * request may always send DATA until it ends its stream.
   */
  private static boolean mayHaveBody(HttpServerRequest request) {
    if (request.version() == HttpVersion.HTTP_2) {
      return true;
    }
    if (request.headers().contains(HttpHeaders.TRANSFER_ENCODING)) {
      return true;
    }
    String length = request.getHeader(HttpHeaders.CONTENT_LENGTH);
    return length != null && !length.strip().equals("0");
  }
}
