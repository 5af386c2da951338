package io.geminibalance.server;

import io.geminibalance.config.ConfigException;
import io.netty.util.NetUtil;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.HostAndPort;
import io.vertx.core.net.SocketAddress;
import io.vertx.core.net.impl.SocketAddressImpl;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * TRUSTED_PROXIES: the reverse proxies whose {@code X-Forwarded-For}, {@code X-Forwarded-Proto}
 * and {@code X-Forwarded-Host} the gateway believes. Only when the TCP peer is inside one of these
 * blocks are those headers read at all; from anyone else they are ignored, since any client can
 * send them.
 *
 * <p>Address literals are parsed by Netty's {@link NetUtil} into bytes and turned into JDK
 * addresses, never by {@link InetAddress#getByName}, which resolves anything that is not a valid
 * literal through DNS (a lookup per request for a header a client wrote, and a start-up that waits
 * on DNS for a typo).
 */
public final class TrustedProxies {
  public static final TrustedProxies NONE = new TrustedProxies(new Block[0]);

  /** One CIDR block; {@code network} is already masked to {@code prefix} bits. */
  private record Block(byte[] network, int prefix) {
    boolean contains(byte[] address) {
      if (address.length != network.length) {
        return false;
      }
      int whole = prefix / 8;
      for (int i = 0; i < whole; i++) {
        if (address[i] != network[i]) {
          return false;
        }
      }
      int rest = prefix % 8;
      if (rest == 0) {
        return true;
      }
      int mask = (0xff << (8 - rest)) & 0xff;
      return (address[whole] & mask) == (network[whole] & 0xff);
    }
  }

  private final Block[] blocks;

  private TrustedProxies(Block[] blocks) {
    this.blocks = blocks;
  }

  /**
   * Parses IPv4 and IPv6 addresses and CIDR blocks ({@code 10.0.0.0/8}, {@code ::1},
   * {@code fd00::/8}); bits below the prefix are ignored.
   *
   * @throws IllegalArgumentException naming the first entry that is not one
   */
  public static TrustedProxies parse(List<String> entries) {
    List<Block> blocks = new ArrayList<>();
    for (String entry : entries) {
      blocks.add(block(entry.strip()));
    }
    return blocks.isEmpty() ? NONE : new TrustedProxies(blocks.toArray(new Block[0]));
  }

  private static Block block(String entry) {
    int slash = entry.indexOf('/');
    byte[] address = literal(slash < 0 ? entry : entry.substring(0, slash));
    if (address == null) {
      throw new IllegalArgumentException(ConfigException.quoted(entry) + " is not an IP address or CIDR block");
    }
    int bits = address.length * 8;
    int prefix = bits;
    if (slash >= 0) {
      try {
        prefix = Integer.parseInt(entry.substring(slash + 1));
      } catch (NumberFormatException e) {
        prefix = -1;
      }
      if (prefix < 0 || prefix > bits) {
        throw new IllegalArgumentException(ConfigException.quoted(entry) + " has a prefix length outside 0-" + bits);
      }
    }
    for (int bit = prefix; bit < bits; bit++) {
      address[bit / 8] &= (byte) ~(0x80 >>> (bit % 8));
    }
    return new Block(address, prefix);
  }

  /**
   * The bytes of an IP literal (4 for IPv4, also for IPv4-mapped IPv6; 16 for IPv6), or
   * {@code null} when {@code text} is not one. No DNS.
   */
  static byte[] literal(String text) {
    byte[] bytes = NetUtil.createByteArrayFromIpAddressString(text);
    if (bytes == null) {
      return null;
    }
    try {
      // The JDK turns an IPv4-mapped IPv6 address into the IPv4 one, so ::ffff:10.0.0.1 matches 10.0.0.0/8.
      return InetAddress.getByAddress(bytes).getAddress();
    } catch (UnknownHostException e) {
      return null;
    }
  }

  public boolean isEmpty() {
    return blocks.length == 0;
  }

  /**
   * Whether the address {@code text} (as {@link ClientOrigin#address} has it) is inside one of the
   * blocks; false for null or anything that is not an address literal. Also how a managed token's
   * CIDRs are checked ({@link ManagedTokenGate}).
   */
  public boolean containsAddress(String text) {
    byte[] address = text == null ? null : literal(text);
    return address != null && trusts(address);
  }

  boolean trusts(byte[] address) {
    for (Block block : blocks) {
      if (block.contains(address)) {
        return true;
      }
    }
    return false;
  }

  /** Works out where the request came from; see {@link ClientOrigin}. */
  ClientOrigin resolve(HttpServerRequest request) {
    InetAddress peer = peer(request.remoteAddress());
    String scheme = request.scheme();
    HostAndPort authority = request.authority();
    String host = authority == null ? null : authority.toString();
    if (peer == null || blocks.length == 0 || !trusts(peer.getAddress())) {
      return new ClientOrigin(peer == null ? null : NetUtil.toAddressString(peer), scheme, host);
    }
    MultiMap headers = request.headers();
    String forwardedProto = lastValue(headers.getAll("x-forwarded-proto"));
    if (forwardedProto != null) {
      String proto = forwardedProto.toLowerCase(Locale.ROOT);
      if (proto.equals("http") || proto.equals("https")) {
        scheme = proto;
      }
    }
    String forwardedHost = lastValue(headers.getAll("x-forwarded-host"));
    if (forwardedHost != null && HostAndPort.parseAuthority(forwardedHost, -1) != null) {
      host = forwardedHost;
    }
    return new ClientOrigin(clientAddress(peer, headers.getAll("x-forwarded-for")), scheme, host);
  }

  /**
   * The client's address when the TCP peer is a trusted proxy: {@code X-Forwarded-For} walked
   * from the right (the entry the nearest proxy appended) past every trusted hop; the first
   * untrusted address is the client. Entries further left were written by that client and are
   * never believed. An entry that is not an address (such as {@code unknown}) ends the walk at the
   * last address known. When every hop is trusted, the left-most is the client.
   */
  String clientAddress(InetAddress peer, List<String> forwardedFor) {
    String client = NetUtil.toAddressString(peer);
    for (int line = forwardedFor.size() - 1; line >= 0; line--) {
      String value = forwardedFor.get(line);
      int end = value.length();
      while (end >= 0) {
        int comma = value.lastIndexOf(',', end - 1);
        String entry = value.substring(comma + 1, end).strip();
        end = comma;
        if (entry.isEmpty()) {
          continue;
        }
        byte[] address = literal(withoutPort(entry));
        if (address == null) {
          return client;
        }
        client = text(address);
        if (!trusts(address)) {
          return client;
        }
      }
    }
    return client;
  }

  /** {@code [v6]:port} and {@code v4:port}, as some proxies write them, without the port. */
  private static String withoutPort(String entry) {
    if (entry.startsWith("[")) {
      int close = entry.indexOf(']');
      return close > 0 ? entry.substring(1, close) : entry;
    }
    int colon = entry.indexOf(':');
    if (colon > 0 && colon == entry.lastIndexOf(':') && entry.indexOf('.') >= 0) {
      return entry.substring(0, colon);
    }
    return entry;
  }

  /** The right-most comma-separated value of the last header line: what the nearest proxy set. */
  private static String lastValue(List<String> lines) {
    if (lines.isEmpty()) {
      return null;
    }
    String line = lines.get(lines.size() - 1);
    String value = line.substring(line.lastIndexOf(',') + 1).strip();
    return value.isEmpty() ? null : value;
  }

  private static InetAddress peer(SocketAddress address) {
    if (address == null || !address.isInetSocket()) {
      return null;
    }
    if (address instanceof SocketAddressImpl impl && impl.ipAddress() != null) {
      return impl.ipAddress();
    }
    byte[] bytes = address.hostAddress() == null ? null : literal(address.hostAddress());
    try {
      return bytes == null ? null : InetAddress.getByAddress(bytes);
    } catch (UnknownHostException e) {
      return null;
    }
  }

  private static String text(byte[] address) {
    try {
      return NetUtil.toAddressString(InetAddress.getByAddress(address));
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }
}
