package io.geminibalance.relay;

import io.geminibalance.upstream.RequestContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A failure the relays did not expect (a bug, not an upstream answer). Its exception text can
 * hold anything, so the client gets the request id only, and the text goes to the process log,
 * which masks secrets.
 */
final class UnexpectedFailure {
  private static final Logger LOG = LoggerFactory.getLogger(UnexpectedFailure.class);

  private UnexpectedFailure() {}

  /** Logs {@code cause} and returns the message for the client. */
  static String logged(RequestContext ctx, Throwable cause) {
    LOG.error("request {}: unexpected gateway failure", ctx.requestId(), cause);
    return "Internal gateway error (request " + ctx.requestId() + "); the gateway's log has the details.";
  }
}
