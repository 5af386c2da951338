package io.geminibalance.relay.imagehost;

import io.geminibalance.logging.RateLimitedWarning;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.RequestOptions;
import java.net.URI;
import java.time.Duration;
import java.time.InstantSource;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends a {@link HostProvider}'s uploads: each attempt bounded by a total timeout (connecting,
 * sending, reading), the host's answer capped, an image over {@link Limits#maxImageBytes} not
 * sent at all; a failed attempt is tried once more. The final failure is one WARN line naming the
 * provider and what went wrong (never the URL, which may carry a key, nor any header), at most one
 * every 10 seconds so that a host that is down does not flood the log.
 */
public final class HttpImageHost implements ImageHost {
  private static final Logger LOG = LoggerFactory.getLogger(HttpImageHost.class);
  private static final Duration WARN_INTERVAL = Duration.ofSeconds(10);

  /**
   * @param attemptTimeoutMillis one attempt, from connecting to the last byte of the answer
   * @param maxAnswerBytes a host's answer is a small JSON document; more is refused
   * @param maxImageBytes a larger image is not uploaded (the caller answers a data URL)
   */
  public record Limits(long attemptTimeoutMillis, int maxAnswerBytes, int maxImageBytes) {
    public static final Limits DEFAULT = new Limits(30_000, 64 * 1024, 20 * 1024 * 1024);
  }

  private final HostProvider provider;
  private final HttpClientAgent client;
  private final Limits limits;
  private final InstantSource clock;
  private final RateLimitedWarning failures = new RateLimitedWarning(LOG, WARN_INTERVAL);

  public HttpImageHost(HostProvider provider, HttpClientAgent client, Limits limits, InstantSource clock) {
    this.provider = provider;
    this.client = client;
    this.limits = limits;
    this.clock = clock;
  }

  @Override
  public String provider() {
    return provider.name();
  }

  @Override
  public Future<String> upload(byte[] bytes, String mimeType, String name, Future<Void> abandoned) {
    if (bytes.length > limits.maxImageBytes()) {
      return failed(new UploadRefused("the image has " + bytes.length + " bytes, more than the "
          + limits.maxImageBytes() + " the gateway uploads"));
    }
    return attempt(bytes, mimeType, name, abandoned)
        .recover(first -> abandoned.isComplete() ? Future.failedFuture(first) : attempt(bytes, mimeType, name, abandoned))
        .recover(e -> abandoned.isComplete() ? Future.failedFuture(e) : failed(e));
  }

  private Future<String> failed(Throwable cause) {
    failures.warn("Image upload to {} failed ({}); the answer carries the image as a data URL", provider.name(),
        describe(cause));
    return Future.failedFuture(cause);
  }

  private static String describe(Throwable cause) {
    return cause instanceof UploadRefused ? cause.getMessage() : cause.getClass().getSimpleName()
        + (cause.getMessage() == null ? "" : ": " + cause.getMessage());
  }

  private Future<String> attempt(byte[] bytes, String mimeType, String name, Future<Void> abandoned) {
    if (abandoned.isComplete()) {
      return Future.failedFuture(new UploadRefused("abandoned: the client has left"));
    }
    HostRequest request = provider.request(bytes, mimeType, name, clock.instant());
    URI uri = request.uri();
    boolean tls = "https".equalsIgnoreCase(uri.getScheme());
    int port = uri.getPort() > 0 ? uri.getPort() : tls ? 443 : 80;
    RequestOptions options = new RequestOptions().setMethod(request.method()).setHost(uri.getHost()).setPort(port)
        .setSsl(tls).setURI(uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery()))
        .setHeaders(request.headers()).setIdleTimeout(limits.attemptTimeoutMillis());
    HttpClientRequest[] sent = {null};
    return client.request(options).compose(req -> {
      sent[0] = req;
      abandoned.onComplete(v -> req.reset());
      return req.send(request.body());
    }).compose(this::read).map(answer -> provider.url(answer.status(), answer.body(), name))
        .timeout(limits.attemptTimeoutMillis(), TimeUnit.MILLISECONDS)
        .onFailure(e -> {
          if (sent[0] != null) {
            sent[0].reset();
          }
        });
  }

  private record Answer(int status, byte[] body) {}

  private Future<Answer> read(HttpClientResponse response) {
    Promise<Answer> done = Promise.promise();
    Buffer body = Buffer.buffer();
    response.handler(chunk -> {
      if (body.length() + chunk.length() > limits.maxAnswerBytes()) {
        if (done.tryFail(new UploadRefused("HTTP " + response.statusCode() + ", an answer over "
            + limits.maxAnswerBytes() + " bytes"))) {
          response.handler(null);
          response.request().reset();
        }
        return;
      }
      body.appendBuffer(chunk);
    });
    response.exceptionHandler(done::tryFail);
    response.endHandler(v -> done.tryComplete(new Answer(response.statusCode(), body.getBytes())));
    return done.future();
  }
}
