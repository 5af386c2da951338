package io.geminibalance.testing;

import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import java.util.concurrent.atomic.AtomicBoolean;

/** A request the fake upstream received. */
public final class Recorded {
  private final HttpMethod method;
  private final String path;
  private final String query;
  private final MultiMap headers;
  private final Buffer body;
  private final long receivedNanos = System.nanoTime();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final HttpVersion version;
  private final HttpConnection connection;

  private Recorded(HttpMethod method, String path, String query, MultiMap headers, Buffer body,
      HttpVersion version, HttpConnection connection) {
    this.method = method;
    this.path = path;
    this.query = query;
    this.headers = headers;
    this.body = body;
    this.version = version;
    this.connection = connection;
  }

  static Recorded of(HttpServerRequest req, Buffer body) {
    MultiMap headers = MultiMap.caseInsensitiveMultiMap().addAll(req.headers());
    return new Recorded(req.method(), req.path(), req.query(), headers, body.copy(), req.version(),
        req.connection());
  }

  /** The HTTP version the request came over. */
  public HttpVersion version() {
    return version;
  }

  /** The connection it came over (compare by identity: same object, same connection). */
  public HttpConnection connection() {
    return connection;
  }

  public HttpMethod method() {
    return method;
  }

  public String path() {
    return path;
  }

  public String query() {
    return query;
  }

  public MultiMap headers() {
    return headers;
  }

  public Buffer body() {
    return body;
  }

  public String bodyText() {
    return body.toString();
  }

  /** The pool key that was sent, from x-goog-api-key or a Bearer header. */
  public String key() {
    String goog = headers.get("x-goog-api-key");
    if (goog != null) {
      return goog;
    }
    String auth = headers.get("authorization");
    return auth != null && auth.startsWith("Bearer ") ? auth.substring(7) : null;
  }

  public long receivedNanos() {
    return receivedNanos;
  }

  void markClosed() {
    closed.set(true);
  }

  /** The caller closed the connection before the reply ended. */
  public boolean closedByCaller() {
    return closed.get();
  }

  public boolean pathEndsWith(String suffix) {
    return path.endsWith(suffix);
  }
}
