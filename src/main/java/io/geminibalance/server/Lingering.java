package io.geminibalance.server;

import io.netty.channel.Channel;
import io.netty.channel.socket.DuplexChannel;
import java.util.concurrent.TimeUnit;

/**
 * Closes a connection whose client may still be sending a body the gateway will not read, in a
 * way the client can see the answer: reading stops, the answer is followed by a FIN (half close),
 * and the socket is closed a moment later. Closing at once, with unread bytes in the socket,
 * makes the kernel send a reset, and a client busy sending (curl, for one) then reports
 * "connection reset" instead of the answer it had already received. Nothing more is read in the
 * meantime: this is not a drain.
 */
final class Lingering {
  /** Time for the client to read the answer and stop sending before the socket is closed. */
  static final long LINGER_MILLIS = 2_000;

  private Lingering() {}

  /** Call once the answer has been written. */
  static void close(Channel channel) {
    channel.config().setAutoRead(false);
    if (channel instanceof DuplexChannel duplex && channel.isActive()) {
      duplex.shutdownOutput().addListener(f ->
          channel.eventLoop().schedule(() -> channel.close(), LINGER_MILLIS, TimeUnit.MILLISECONDS));
    } else {
      channel.close();
    }
  }
}
