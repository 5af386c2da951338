package io.geminibalance.server;

import io.geminibalance.config.ConfigValues;

/**
 * Limits on client connections, read once at start (changing them needs a restart): how long a
 * client may take to send a request head, keep an idle connection open and pause while sending a
 * body, how many connections may be open at once, and how many HTTP/2 streams one connection may
 * carry. A timeout of 0 turns that timeout off. None of them applies while a response is being
 * answered: a stream or a WebSocket whose upstream is silent is governed by TIME_OUT alone.
 */
public record ClientLimits(
    long headerTimeoutMillis,
    long idleTimeoutMillis,
    long bodyTimeoutMillis,
    int maxConnections,
    int maxH2Streams) {

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
        v.integer("MAX_H2_STREAMS"));
  }
}
