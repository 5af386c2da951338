package io.geminibalance.server;

import io.geminibalance.config.ConfigValues;

/**
 * Limits on client connections, read once at start (changing them needs a restart): how long a
 * client may take to send a request head, keep an idle connection open, pause while sending a
 * body and take to send a body whole, how many connections may be open at once, and how many
 * HTTP/2 streams one connection may carry. A timeout of 0 turns that timeout off. None of them
 * applies while a response is being answered: a stream or a WebSocket whose upstream is silent is
 * governed by TIME_OUT alone.
 *
 * @param bodyDeadlineMillis the longest time to read a body whole, however steadily it arrives:
 *     the pause timeout alone let a body trickling a byte a second hold its connection for ever
 */
public record ClientLimits(
    long headerTimeoutMillis,
    long idleTimeoutMillis,
    long bodyTimeoutMillis,
    int maxConnections,
    int maxH2Streams,
    long bodyDeadlineMillis) {

  /** Without a whole-body deadline (tests written before it). */
  public ClientLimits(long headerTimeoutMillis, long idleTimeoutMillis, long bodyTimeoutMillis, int maxConnections,
      int maxH2Streams) {
    this(headerTimeoutMillis, idleTimeoutMillis, bodyTimeoutMillis, maxConnections, maxH2Streams, 0);
  }

  public static ClientLimits defaults() {
    return from(new ConfigValues(java.util.Map.of()));
  }

  /**
   * Defaults and ranges as declared in the settings catalogue.
   *
   * @throws io.geminibalance.config.ConfigException naming a bad setting
   */
  public static ClientLimits from(ConfigValues v) {
    return new ClientLimits(
        v.integer("CLIENT_HEADER_TIMEOUT_SECONDS") * 1000L,
        v.integer("CLIENT_IDLE_TIMEOUT_SECONDS") * 1000L,
        v.integer("CLIENT_BODY_TIMEOUT_SECONDS") * 1000L,
        v.integer("MAX_CLIENT_CONNECTIONS"),
        v.integer("MAX_H2_STREAMS"),
        v.integer("CLIENT_BODY_DEADLINE_SECONDS") * 1000L);
  }
}
