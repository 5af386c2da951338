package io.geminibalance.app;

import io.geminibalance.config.ConfigException;
import io.geminibalance.config.ConfigValues;
import io.geminibalance.config.SettingsCatalog;
import io.vertx.core.Vertx;
import io.vertx.core.transport.Transport;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Which Netty transport carries the gateway's sockets ({@code IO_TRANSPORT}): {@code auto} takes
 * epoll where available (Linux), else Java NIO; {@code epoll} or {@code nio} insist on one. The
 * test harness starts its gateways through here too, so the gateway-level tests run on the
 * transport production uses, not on Vert.x's NIO default (unit tests of single components still
 * make their own Vert.x).
 *
 * <p>io_uring is not offered, though Netty has it: it serves short requests faster than epoll,
 * but holding the 10,000 streams the gateway is sized for its completion queue overflowed and
 * streams stalled, even with a larger queue (bench/NOTES.md).
 */
public final class IoTransport {
  public static final String SETTING = "IO_TRANSPORT";
  private static final List<String> NAMES = SettingsCatalog.definition(SETTING).allowed();
  private static final Map<String, Transport> TRANSPORTS = onClassPath();
  private static final java.util.concurrent.atomic.AtomicLong REGISTRIES = new java.util.concurrent.atomic.AtomicLong();

  /** The transport in force and, when {@code auto} passed over epoll, why. */
  public record Choice(String name, Transport transport, String passedOver) {}

  private IoTransport() {}

  /** A Vert.x instance on the transport the environment asks for. */
  public static Vertx vertx(Map<String, String> env) {
    return vertx(choose(env));
  }

  public static Vertx vertx(Choice choice) {
    return Vertx.builder().withTransport(choice.transport()).build();
  }

  /**
   * A Vert.x instance whose HTTP server and client metrics go to {@code metrics}' registry (when
   * on). Labeled by status code only: no paths, no methods (a client may send any), no remote
   * addresses (the gateway fetches media from hosts clients name), so no client can add series.
   * The pool metrics are off for the same reason: Vert.x names each HTTP client pool by its host
   * whatever the labels say.
   */
  public static Vertx vertx(Choice choice, io.geminibalance.metrics.GatewayMetrics metrics) {
    if (!metrics.enabled()) {
      return vertx(choice);
    }
    io.vertx.micrometer.MicrometerMetricsOptions options = new io.vertx.micrometer.MicrometerMetricsOptions()
        .setEnabled(true)
        // Vert.x keeps registries by name in a static map: one name per instance (tests start many).
        .setRegistryName("gemini-balance-" + REGISTRIES.incrementAndGet())
        .setLabels(java.util.EnumSet.of(io.vertx.micrometer.Label.HTTP_CODE))
        .addDisabledMetricsCategory(io.vertx.micrometer.MetricsDomain.NAMED_POOLS)
        .addDisabledMetricsCategory(io.vertx.micrometer.MetricsDomain.EVENT_BUS)
        .addDisabledMetricsCategory(io.vertx.micrometer.MetricsDomain.DATAGRAM_SOCKET);
    return Vertx.builder().with(new io.vertx.core.VertxOptions().setMetricsOptions(options))
        .withMetrics(new io.vertx.micrometer.MicrometerMetricsFactory(metrics.registry()))
        .withTransport(choice.transport()).build();
  }

  public static Choice choose(Map<String, String> env) {
    return choose(new ConfigValues(env).string(SETTING), TRANSPORTS);
  }

  /**
   * {@code transports}: the transport behind each name (tests pass unavailable ones).
   *
   * @throws ConfigException for an unknown name, or a named transport this host cannot use
   */
  static Choice choose(String requested, Map<String, Transport> transports) {
    String name = requested.strip().toLowerCase(Locale.ROOT);
    if (!NAMES.contains(name)) {
      throw new ConfigException(SETTING, requested, "one of " + String.join(", ", NAMES));
    }
    if (name.equals("auto")) {
      Transport epoll = transports.get("epoll");
      return usable(epoll)
          ? new Choice("epoll", epoll, null)
          : new Choice("nio", transports.get("nio"), "epoll: " + whyNot(epoll));
    }
    Transport transport = transports.get(name);
    if (!usable(transport)) {
      throw new ConfigException(SETTING, SETTING + ": " + ConfigException.quoted(requested) + " is not available here ("
          + whyNot(transport) + "); use auto to fall back to NIO");
    }
    return new Choice(name, transport, null);
  }

  private static boolean usable(Transport transport) {
    return transport != null && transport.available();
  }

  private static String whyNot(Transport transport) {
    return transport == null ? "its classes are not on the class path" : String.valueOf(transport.unavailabilityCause());
  }

  /** Vert.x leaves a transport null when its Netty classes are missing (a trimmed class path). */
  private static Map<String, Transport> onClassPath() {
    Map<String, Transport> transports = new HashMap<>();
    if (Transport.EPOLL != null) {
      transports.put("epoll", Transport.EPOLL);
    }
    transports.put("nio", Transport.NIO);
    return Map.copyOf(transports);
  }
}
