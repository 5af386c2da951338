package io.geminibalance.server;

import io.geminibalance.logging.RequestIdLocal;
import io.geminibalance.requestlog.SecretRedactor;
import io.geminibalance.upstream.RequestContext;
import io.vertx.core.Context;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.internal.ContextInternal;

/**
 * Every request's id, set before any route runs: the client's {@code X-Request-Id} when it is
 * usable, else one of the gateway's own. It goes back in {@code X-Request-Id} on every answer
 * (refusals and errors too), into the request- and error-log rows, and onto every process log line
 * written for the request ({@link RequestIdLocal}).
 */
final class RequestIds {
  static final String HEADER = "x-request-id";
  /** The width of the request-log and error-log columns ({@code gb_request_id VARCHAR(64)}). */
  static final int MAX_LENGTH = 64;

  private RequestIds() {}

  /**
   * Gives {@code request} its id, on its own Vert.x context and on its response. A client's id that
   * is too long or holds other characters than {@code [A-Za-z0-9._-]} is not used (it would go into
   * log lines and rows as it is), and so is one that holds a key or token the gateway knows (rows
   * and log lines never carry one whole): the request gets one of ours instead.
   */
  static String assign(HttpServerRequest request, long nowMillis) {
    String given = request.getHeader(HEADER);
    String id = usable(given) && SecretRedactor.process().redact(given).equals(given)
        ? given : RequestContext.newId(nowMillis);
    Context context = ContextInternal.current();
    // Each request runs on a duplicate context of its own; never mark the event loop's shared one.
    if (context instanceof ContextInternal internal && internal.isDuplicate()) {
      RequestIdLocal.set(context, id);
    }
    request.response().putHeader(HEADER, id);
    return id;
  }

  /** The id of the request on {@code context}, or a new one when there is none (not served through the server). */
  static String of(Context context, long nowMillis) {
    String id = RequestIdLocal.of(context);
    return id != null ? id : RequestContext.newId(nowMillis);
  }

  static boolean usable(String id) {
    if (id == null || id.isEmpty() || id.length() > MAX_LENGTH) {
      return false;
    }
    for (int i = 0; i < id.length(); i++) {
      char c = id.charAt(i);
      boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
          || c == '.' || c == '_' || c == '-';
      if (!ok) {
        return false;
      }
    }
    return true;
  }
}
