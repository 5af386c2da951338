package io.geminibalance.relay;

import io.geminibalance.upstream.UpstreamResult;
import io.vertx.core.http.HttpServerResponse;
import java.util.OptionalLong;

/** The headers of a failed call's answer on the translated surfaces, whatever the error's shape. */
final class FailureHeaders {
  /** A 429 without a retry hint: clients back off by Retry-After, so they get one. */
  private static final long DEFAULT_RATE_LIMIT_RETRY_SECONDS = 60;

  private FailureHeaders() {}

  /**
   * {@code Retry-After} (the executor's, else Google's {@code googleHint}, else a minute for a
   * 429), and {@code x-should-retry: false} when the gateway's own pool refused: the SDKs' quick
   * retries would only be refused again.
   */
  static void put(HttpServerResponse response, UpstreamResult.Failed failed, OptionalLong googleHint) {
    long retryAfter = failed.retryAfterSeconds() > 0 ? failed.retryAfterSeconds()
        : googleHint.orElse(failed.status() == 429 ? DEFAULT_RATE_LIMIT_RETRY_SECONDS : 0);
    if (retryAfter > 0) {
      response.putHeader("retry-after", Long.toString(retryAfter));
    }
    if (failed.poolRefusal() && failed.status() == 503) {
      response.putHeader("x-should-retry", "false");
    }
  }
}
