package io.geminibalance.server;

import io.geminibalance.protocol.gemini.GeminiErrors;
import io.geminibalance.protocol.gemini.PathSegments;
import io.geminibalance.relay.AnthropicResponses;
import io.geminibalance.relay.OpenAiResponses;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.RoutingContext;

/**
 * Failures of a request that vertx-web raises before the routes' handlers (a request without a
 * valid Host, a request target that is not a path) or that the body reader raises, told apart so
 * that the answer says what is wrong, in the caller's protocol and without an error log line (a
 * client could otherwise fill the log with them: vertx-web logs an unhandled failure at ERROR).
 */
final class RoutingFailures {
  private RoutingFailures() {}

  /** What a 400 is about: the body (the reader broke off), or the request's head. */
  static String badRequestMessage(RoutingContext rc) {
    if (RequestBody.isUnreadable(rc.failure())) {
      return "The request body could not be read.";
    }
    HttpServerRequest request = rc.request();
    if (request.authority() == null && request.version() != HttpVersion.HTTP_1_0) {
      return request.version() == HttpVersion.HTTP_2
          ? "The request has no valid :authority pseudo-header."
          : "The request has no valid Host header (HTTP/1.1 requires one).";
    }
    String path = request.path();
    if (path == null || path.isEmpty()) {
      return "The request has no path.";
    }
    return "Malformed request: the path or its parameters could not be decoded.";
  }

  /** The OpenAI error code for {@link #badRequestMessage}'s cases. */
  static String badRequestCode(RoutingContext rc) {
    return RequestBody.isUnreadable(rc.failure()) ? "invalid_body" : "invalid_request";
  }

  /**
   * A request target vertx-web does not route: not a path ({@code CONNECT host:22},
   * {@code OPTIONS *}). CONNECT gets 405: the gateway is not a proxy.
   */
  static int notRoutedStatus(RoutingContext rc) {
    return rc.request().method() == HttpMethod.CONNECT ? 405 : 404;
  }

  static String notRoutedMessage(RoutingContext rc) {
    HttpServerRequest request = rc.request();
    if (request.method() == HttpMethod.CONNECT) {
      return "CONNECT is not supported: this is an API gateway, not a proxy.";
    }
    if (rc.statusCode() == 405) {
      return methodNotAllowed(request);
    }
    return noSuchEndpoint(request);
  }

  /** The message of a 405; quotes at most a short excerpt of the path. */
  static String methodNotAllowed(HttpServerRequest request) {
    String path = request.path() == null ? request.uri() : request.path();
    return "Method " + request.method() + " is not allowed on " + PathSegments.excerpt(path, 0, path.length());
  }

  /** The OpenAI error code for {@link #notRoutedStatus}'s statuses. */
  static String notRoutedCode(int status) {
    return status == 405 ? "method_not_allowed" : "unknown_url";
  }

  /**
   * The server's handler for a request head the HTTP codec could not decode (Vert.x's own answers
   * it with an empty body): 414 for a request line over Vert.x's 4096 bytes, 431 for headers over
   * its 8192 bytes, 400 otherwise, in the caller's protocol when the path is known (it is not
   * for a 414), then the connection is closed as Vert.x does: the rest of the head is unread.
   */
  static void invalidRequest(HttpServerRequest request) {
    Throwable cause = request.decoderResult().cause();
    int status;
    String message;
    if (cause instanceof TooLongHttpLineException) {
      status = 414;
      message = "The request line (method, URL and version) is longer than 4096 bytes.";
    } else if (cause instanceof TooLongHttpHeaderException || cause instanceof TooLongFrameException) {
      status = 431;
      message = "The request headers are larger than 8192 bytes.";
    } else {
      status = 400;
      message = "Malformed HTTP request.";
    }
    String path = status == 414 ? "" : request.path();
    String body = path != null && Routes.speaksAnthropic(path) ? AnthropicResponses.errorBody(status, message)
        : path != null && Routes.speaksOpenAi(path)
        ? OpenAiResponses.errorBody(message, "invalid_request_error", null,
            status == 400 ? "invalid_request" : "request_too_large")
        : GeminiErrors.body(status, message);
    request.response().setStatusCode(status)
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json; charset=UTF-8")
        .putHeader(HttpHeaders.CONNECTION, HttpHeaders.CLOSE)
        .end(body)
        .onComplete(done -> request.connection().close());
  }

  /** The message of a 404 for a request no route serves; quotes at most a short excerpt of the path. */
  static String noSuchEndpoint(HttpServerRequest request) {
    String path = request.path() == null ? request.uri() : request.path();
    return "No such endpoint: " + request.method() + " " + PathSegments.excerpt(path, 0, path.length());
  }
}
