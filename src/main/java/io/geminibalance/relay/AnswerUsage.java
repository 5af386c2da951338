package io.geminibalance.relay;

import com.fasterxml.jackson.databind.JsonNode;
import io.geminibalance.protocol.gemini.TokenUsage;
import io.geminibalance.upstream.RequestContext;
import io.geminibalance.upstream.UpstreamResult;
import io.vertx.core.http.HttpServerResponse;

/**
 * The usage of a translated stream, from the Gemini events it has parsed anyway: each carries the
 * counts so far, so the last {@code usageMetadata} seen is the answer's (or, for a stream cut
 * short, what was reported until then). And where every surface reports an answer's usage.
 */
final class AnswerUsage {
  private JsonNode last;

  /** Notes the usage of one parsed upstream event (null: not JSON); returns the event. */
  JsonNode seen(JsonNode event) {
    if (event != null) {
      JsonNode usage = event.get("usageMetadata");
      if (usage != null && usage.isObject()) {
        last = usage;
      }
    }
    return event;
  }

  /** The usage reported so far, {@link TokenUsage#NONE} before any. */
  TokenUsage usage() {
    return TokenUsage.fromUsageMetadata(last);
  }

  /**
   * Logs the attempt of an answer that has ended, once: abandoned when the client left before its
   * response ended, else logged (an answer that broke upstream is logged with the usage it had
   * reported: Google counted those tokens).
   */
  static void report(UpstreamResult.UsageLog log, HttpServerResponse client, TokenUsage usage) {
    if (client.closed() && !client.ended()) {
      log.abandoned(usage);
    } else {
      log.logged(usage);
    }
  }

  /**
   * As {@link #report(UpstreamResult.UsageLog, HttpServerResponse, TokenUsage)}, for a request
   * its token's cut may have stopped ({@link RequestContext#cutBy}): then the answer is logged, not
   * abandoned, even when it was read on after the gateway closed the client's connection. The
   * client did not leave, and an error-log row (401) says the answer was cut, as for a cut stream.
   */
  static void report(UpstreamResult.UsageLog log, HttpServerResponse client, TokenUsage usage, RequestContext ctx) {
    if (ctx.cutBy() != null) {
      log.logged(usage);
    } else {
      report(log, client, usage);
    }
  }
}
