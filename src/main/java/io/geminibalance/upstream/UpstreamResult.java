package io.geminibalance.upstream;

import io.geminibalance.keypool.KeyLease;
import io.geminibalance.protocol.gemini.TokenUsage;
import io.geminibalance.streaming.BodyRelay;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;

/** How an {@link UpstreamCall} ended after all attempts. */
public sealed interface UpstreamResult {

  /**
   * Upstream answered 2xx. The response is paused and unread: the surface decides how to relay
   * it, and must resume it (or reset {@code request}) so the connection is not leaked.
   *
   * @param body the whole body when the executor read it to classify the answer
   *     ({@link AnswerCheck#EMPTY}): {@code response} has then ended and must not be read again;
   *     null otherwise
   * @param head the first bytes of a body the executor began to read for that check and stopped
   *     reading once it was too large to be empty; the rest is still to come from {@code response},
   *     after them. Null when nothing was read ({@code body} null) or all was ({@code body} set)
   * @param log for a call that {@linkplain UpstreamCall#readsUsage reads usage}: the surface must
   *     call it once, whatever becomes of the body, or the attempt is missing from the request log;
   *     for other calls the attempt is already logged and it does nothing
   */
  record Answered(HttpClientRequest request, HttpClientResponse response, KeyLease lease,
      int attempt, UsageLog log, Buffer body, Buffer head) implements UpstreamResult {

    /** An answer whose body is {@code body} when the executor read it whole, else still to be read. */
    public Answered(HttpClientRequest request, HttpClientResponse response, KeyLease lease, int attempt,
        UsageLog log, Buffer body) {
      this(request, response, lease, attempt, log, body, null);
    }

    /** An answer whose body is still to be read from {@code response}. */
    public Answered(HttpClientRequest request, HttpClientResponse response, KeyLease lease, int attempt,
        UsageLog log) {
      this(request, response, lease, attempt, log, null);
    }

    /**
     * The whole body: as already read when the executor had to look at it ({@link AnswerCheck}),
     * else read now (after the {@code head} already read, if any), with the idle watchdog of
     * {@link BodyRelay#collect}.
     */
    public Future<Buffer> wholeBody(long idleTimeoutMillis) {
      if (body != null) {
        return Future.succeededFuture(body);
      }
      return head != null ? BodyRelay.collect(head, response, idleTimeoutMillis)
          : BodyRelay.collect(response, idleTimeoutMillis);
    }
  }

  /**
   * Logs a successful attempt with the usage read from its answer ({@link TokenUsage#NONE}: not
   * known). Only the first call of either method counts.
   */
  interface UsageLog {
    UsageLog ALREADY_LOGGED = new UsageLog() {
      @Override
      public void logged(TokenUsage usage) {
      }

      @Override
      public void abandoned(TokenUsage usage) {
      }
    };

    /** The answer reached the client whole. */
    void logged(TokenUsage usage);

    /** The client left before the answer's end; {@code usage} is what was reported until then. */
    void abandoned(TokenUsage usage);
  }

  /**
   * No attempt succeeded.
   *
   * @param status the HTTP status to give the client
   * @param upstreamBody the last upstream error body, or {@code null} when the gateway itself
   *     refused (no usable key, transport error) and the surface renders {@code message}
   * @param retryAfterSeconds a {@code Retry-After} hint, 0 when none
   * @param message a human sentence, used when there is no upstream body
   * @param poolRefusal the gateway's own pool (not Google) refused the request
   */
  record Failed(int status, Buffer upstreamBody, long retryAfterSeconds, String message,
      boolean poolRefusal) implements UpstreamResult {}
}
