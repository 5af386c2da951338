package io.geminibalance.alerts;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * POSTs a JSON body to the webhook: each try bounded by a total timeout (connecting, sending,
 * reading the answer, whose body is discarded), a failed try (no answer, 408, 429 or 5xx) tried
 * again after a backoff that doubles, up to {@code tries} in all. Another 4xx is the URL's or
 * the receiver's problem and is not tried again. Failures are values for the caller to log: the
 * URL may carry a token, so nothing here names more than its host.
 */
final class WebhookSender {
  /** How one POST ended: the last status (0 when none came), the tries made, and why it failed. */
  record Outcome(int status, int tries, String failure) {
    boolean delivered() {
      return failure == null;
    }
  }

  private final Vertx vertx;
  private final HttpClientAgent client;
  private final Duration firstBackoff;

  WebhookSender(Vertx vertx, Duration firstBackoff) {
    this.vertx = vertx;
    this.firstBackoff = firstBackoff;
    // One POST at a time (Alerts sends the next only after this one ended): few connections.
    this.client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setIdleTimeout(60),
        new PoolOptions().setHttp1MaxSize(2));
  }

  /** Sends {@code body}; completes (never fails) when delivered or given up. */
  Future<Outcome> post(URI url, byte[] body, Duration timeout, int tries) {
    return attempt(url, Buffer.buffer(body), timeout, 1, tries, firstBackoff);
  }

  private Future<Outcome> attempt(URI url, Buffer body, Duration timeout, int tryNumber, int tries, Duration backoff) {
    return once(url, body, timeout).transform(ar -> {
      int status = ar.succeeded() ? ar.result() : 0;
      String failure = ar.succeeded() ? statusProblem(status) : describe(ar.cause());
      boolean again = failure != null && tryNumber < tries && (ar.failed() || retryable(status));
      if (!again) {
        return Future.succeededFuture(new Outcome(status, tryNumber, failure));
      }
      Promise<Outcome> next = Promise.promise();
      vertx.setTimer(backoff.toMillis(), id -> attempt(url, body, timeout, tryNumber + 1, tries, backoff.multipliedBy(2))
          .onComplete(next));
      return next.future();
    });
  }

  private Future<Integer> once(URI url, Buffer body, Duration timeout) {
    boolean tls = "https".equalsIgnoreCase(url.getScheme());
    int port = url.getPort() > 0 ? url.getPort() : tls ? 443 : 80;
    String path = (url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath())
        + (url.getRawQuery() == null ? "" : "?" + url.getRawQuery());
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setHost(url.getHost()).setPort(port)
        .setSsl(tls).setURI(path).putHeader("content-type", "application/json")
        .putHeader("user-agent", "gemini-balance-alerts").setConnectTimeout(timeout.toMillis())
        .setIdleTimeout(timeout.toMillis());
    HttpClientRequest[] sent = {null};
    return client.request(options).compose(request -> {
      sent[0] = request;
      return request.send(body);
    }).compose(WebhookSender::drain)
        .timeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
        .onFailure(e -> {
          if (sent[0] != null) {
            sent[0].reset();
          }
        });
  }

  /** Reads the answer to its end without keeping it: a webhook's answer means nothing here. */
  private static Future<Integer> drain(HttpClientResponse response) {
    Promise<Integer> done = Promise.promise();
    response.handler(chunk -> { });
    response.exceptionHandler(done::tryFail);
    response.endHandler(v -> done.tryComplete(response.statusCode()));
    return done.future();
  }

  private static boolean retryable(int status) {
    return status == 408 || status == 429 || status >= 500;
  }

  private static String statusProblem(int status) {
    return status >= 200 && status < 300 ? null : "HTTP " + status;
  }

  private static String describe(Throwable cause) {
    String type = cause.getClass().getSimpleName();
    return cause instanceof java.util.concurrent.TimeoutException ? "no answer within the timeout"
        : cause.getMessage() == null ? type : type + ": " + cause.getMessage();
  }

  Future<Void> close() {
    return client.close();
  }
}
