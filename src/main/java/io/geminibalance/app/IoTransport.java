package io.geminibalance.app;

import io.geminibalance.config.ConfigException;
import io.geminibalance.config.ConfigValues;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.transport.Transport;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Which Netty transport carries the gateway's sockets ({@code IO_TRANSPORT}). {@code auto} takes
 * io_uring where the kernel and the sandbox allow it, else epoll, else Java NIO. io_uring is first
 * because a proxy's work is mostly socket reads and writes, which it batches into fewer system
 * calls: side by side under the same load it served 13-20 % more requests per second than epoll
 * with 17-22 % less CPU per request (bench/README.md). It is often unavailable (Docker's default
 * seccomp profile blocks it, as can {@code kernel.io_uring_disabled} or an old kernel), hence the
 * chain; the choice and what was passed over are logged at start-up.
 */
public final class IoTransport {
  public static final String SETTING = "IO_TRANSPORT";
  private static final List<String> NAMES = List.of("auto", "io_uring", "epoll", "nio");
  private static final Map<String, Transport> TRANSPORTS =
      Map.of("io_uring", Transport.IO_URING, "epoll", Transport.EPOLL, "nio", Transport.NIO);

  /** The transport in force and, when {@code auto} passed over a better one, why. */
  public record Choice(String name, Transport transport, String passedOver) {}

  private IoTransport() {}

  /** A Vert.x instance on the transport the environment asks for (tests use this too). */
  public static Vertx vertx(Map<String, String> env) {
    return vertx(choose(env));
  }

  public static Vertx vertx(Choice choice) {
    return Vertx.builder().with(new VertxOptions()).withTransport(choice.transport()).build();
  }

  public static Choice choose(Map<String, String> env) {
    return choose(new ConfigValues(env).string(SETTING, "auto"));
  }

  /** @throws ConfigException for an unknown name, or a named transport this host cannot use */
  public static Choice choose(String requested) {
    return choose(requested, TRANSPORTS);
  }

  /** {@code transports}: the transport behind each name (tests pass unavailable ones). */
  static Choice choose(String requested, Map<String, Transport> transports) {
    String name = requested.strip().toLowerCase(Locale.ROOT);
    if (!NAMES.contains(name)) {
      throw new ConfigException(SETTING, requested, "one of " + String.join(", ", NAMES));
    }
    if (!name.equals("auto")) {
      Transport transport = transports.get(name);
      if (!transport.available()) {
        throw new ConfigException(SETTING, "IO_TRANSPORT: '" + requested + "' is not available here ("
            + transport.unavailabilityCause() + "); use auto to fall back to the best available one");
      }
      return new Choice(name, transport, null);
    }
    StringBuilder passedOver = new StringBuilder();
    for (String candidate : List.of("io_uring", "epoll")) {
      Transport transport = transports.get(candidate);
      if (transport.available()) {
        return new Choice(candidate, transport, passedOver.isEmpty() ? null : passedOver.toString());
      }
      passedOver.append(passedOver.isEmpty() ? "" : "; ").append(candidate).append(": ")
          .append(transport.unavailabilityCause());
    }
    return new Choice("nio", transports.get("nio"), passedOver.toString());
  }
}
