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

  public static final int DEFAULT_HEADER_TIMEOUT_SECONDS = 20;
  public static final int DEFAULT_IDLE_TIMEOUT_SECONDS = 75;
  public static final int DEFAULT_BODY_TIMEOUT_SECONDS = 30;
  /** Twice the 10,000 held streams the gateway is sized for (each stream is one client connection on HTTP/1.1). */
  public static final int DEFAULT_MAX_CONNECTIONS = 20_000;
  /** As Vert.x's and Google's own servers advertise. */
  public static final int DEFAULT_MAX_H2_STREAMS = 100;
  /**
   * Five minutes: a body at the 20 MB Google takes inline arrives in that time at about 70 KB/s,
   * one at the default 64 MiB cap at about 220 KB/s.
   */
  public static final int DEFAULT_BODY_DEADLINE_SECONDS = 300;

  /** Without a whole-body deadline (tests written before it). */
  public ClientLimits(long headerTimeoutMillis, long idleTimeoutMillis, long bodyTimeoutMillis, int maxConnections,
      int maxH2Streams) {
    this(headerTimeoutMillis, idleTimeoutMillis, bodyTimeoutMillis, maxConnections, maxH2Streams, 0);
  }

  public static ClientLimits defaults() {
    return from(new ConfigValues(java.util.Map.of()));
  }

  /** @throws io.geminibalance.config.ConfigException naming a bad setting */
  public static ClientLimits from(ConfigValues v) {
    return new ClientLimits(
        seconds(v, "CLIENT_HEADER_TIMEOUT_SECONDS", DEFAULT_HEADER_TIMEOUT_SECONDS),
        seconds(v, "CLIENT_IDLE_TIMEOUT_SECONDS", DEFAULT_IDLE_TIMEOUT_SECONDS),
        seconds(v, "CLIENT_BODY_TIMEOUT_SECONDS", DEFAULT_BODY_TIMEOUT_SECONDS),
        v.integer("MAX_CLIENT_CONNECTIONS", DEFAULT_MAX_CONNECTIONS, 1, 10_000_000),
        v.integer("MAX_H2_STREAMS", DEFAULT_MAX_H2_STREAMS, 1, 1_000_000),
        seconds(v, "CLIENT_BODY_DEADLINE_SECONDS", DEFAULT_BODY_DEADLINE_SECONDS));
  }

  private static long seconds(ConfigValues v, String name, int fallback) {
    return v.integer(name, fallback, 0, 86_400) * 1000L;
  }
}
