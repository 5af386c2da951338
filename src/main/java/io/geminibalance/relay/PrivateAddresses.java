package io.geminibalance.relay;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;

/**
 * The addresses the gateway does not fetch from on a client's behalf (unless
 * IMAGE_FETCH_ALLOW_PRIVATE): everything that is not a globally reachable unicast address, after
 * IANA's special-purpose address registries. IPv6 addresses that carry an IPv4 address (IPv4-mapped
 * and -compatible, NAT64, 6to4) are judged by the address they carry, since that is where a
 * packet to them ends up; Teredo's is obfuscated, and the whole prefix is refused.
 *
 * <p>A table rather than {@link InetAddress}'s predicates, which know loopback, link-local,
 * site-local and multicast but not CGNAT, documentation, benchmarking, reserved or broadcast
 * addresses, nor any embedded address. IPv6 is an allow-list: only 2000::/3 is global unicast.
 */
final class PrivateAddresses {
  private enum Kind { PRIVATE, PUBLIC, EMBEDS_IPV4 }

  /** {@code embeddedAt}: where the IPv4 address starts in the bytes, for {@link Kind#EMBEDS_IPV4}. */
  private record Range(String cidr, String what, Kind kind, byte[] prefix, int bits, int embeddedAt) {
    boolean contains(byte[] address) {
      if (address.length != prefix.length) {
        return false;
      }
      int whole = bits / 8;
      for (int i = 0; i < whole; i++) {
        if (address[i] != prefix[i]) {
          return false;
        }
      }
      int rest = bits % 8;
      int mask = (0xff << (8 - rest)) & 0xff;
      return rest == 0 || (address[whole] & mask) == (prefix[whole] & mask);
    }
  }

  /** IPv4: these ranges, and nothing else, are refused. */
  private static final List<Range> IPV4 = List.of(
      range("0.0.0.0/8", "this network"),
      range("10.0.0.0/8", "private"),
      range("100.64.0.0/10", "shared address space (CGNAT)"),
      range("127.0.0.0/8", "loopback"),
      range("169.254.0.0/16", "link-local"),
      range("172.16.0.0/12", "private"),
      range("192.0.0.0/24", "IETF protocol assignments"),
      range("192.0.2.0/24", "documentation (TEST-NET-1)"),
      range("192.88.99.0/24", "6to4 relay anycast (deprecated)"),
      range("192.168.0.0/16", "private"),
      range("198.18.0.0/15", "benchmarking"),
      range("198.51.100.0/24", "documentation (TEST-NET-2)"),
      range("203.0.113.0/24", "documentation (TEST-NET-3)"),
      range("224.0.0.0/4", "multicast"),
      range("240.0.0.0/4", "reserved, and the broadcast address 255.255.255.255"));

  /** IPv6: the first range that holds the address decides; the last holds every address. */
  private static final List<Range> IPV6 = List.of(
      embeds("::ffff:0:0/96", "IPv4-mapped", 12),
      embeds("64:ff9b::/96", "NAT64 well-known prefix", 12),
      embeds("::/96", "IPv4-compatible (deprecated), the unspecified address and loopback", 12),
      embeds("2002::/16", "6to4", 2),
      range("2001::/32", "Teredo"),
      range("2001::/23", "IETF protocol assignments (benchmarking, ORCHID, ...)"),
      range("2001:db8::/32", "documentation"),
      range("3fff::/20", "documentation"),
      new Range("2000::/3", "global unicast", Kind.PUBLIC, parse("2000::"), 3, -1),
      range("::/0", "everything else: unique local, link-local, multicast, discard-only, NAT64 local use,"
          + " reserved"));

  private PrivateAddresses() {}

  static boolean contains(InetAddress address) {
    return isPrivate(address.getAddress());
  }

  private static boolean isPrivate(byte[] address) {
    if (address.length == 4) {
      return IPV4.stream().anyMatch(range -> range.contains(address));
    }
    Range range = IPV6.stream().filter(r -> r.contains(address)).findFirst().orElseThrow();
    return switch (range.kind()) {
      case PRIVATE -> true;
      case PUBLIC -> false;
      case EMBEDS_IPV4 -> isPrivate(Arrays.copyOfRange(address, range.embeddedAt(), range.embeddedAt() + 4));
    };
  }

  private static Range range(String cidr, String what) {
    return of(cidr, what, Kind.PRIVATE, -1);
  }

  private static Range embeds(String cidr, String what, int embeddedAt) {
    return of(cidr, what, Kind.EMBEDS_IPV4, embeddedAt);
  }

  private static Range of(String cidr, String what, Kind kind, int embeddedAt) {
    int slash = cidr.indexOf('/');
    return new Range(cidr, what, kind, parse(cidr.substring(0, slash)), Integer.parseInt(cidr.substring(slash + 1)),
        embeddedAt);
  }

  /** The bytes of an address literal (no name look-up), IPv6 literals as 16 bytes. */
  private static byte[] parse(String literal) {
    try {
      byte[] bytes = InetAddress.getByName(literal).getAddress();
      if (bytes.length == 4 && literal.indexOf(':') >= 0) {
        // The JDK reads ::ffff:a.b.c.d as the IPv4 address a.b.c.d; the table needs the IPv6 form.
        byte[] mapped = new byte[16];
        mapped[10] = (byte) 0xff;
        mapped[11] = (byte) 0xff;
        System.arraycopy(bytes, 0, mapped, 12, 4);
        return mapped;
      }
      return bytes;
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("not an address literal: " + literal, e);
    }
  }
}
