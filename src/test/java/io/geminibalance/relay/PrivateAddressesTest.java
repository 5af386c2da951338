package io.geminibalance.relay;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.Inet6Address;
import java.net.InetAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Image URLs may point only at globally reachable addresses: every special-purpose range is
 * refused (an address at each end of it), its neighbours are not, and IPv6 addresses that carry
 * an IPv4 address are judged by it.
 */
class PrivateAddressesTest {

  @ParameterizedTest
  @ValueSource(strings = {
      "0.0.0.0", "0.255.255.255", // this network
      "10.0.0.0", "10.255.255.255",
      "100.64.0.0", "100.127.255.255", // CGNAT
      "127.0.0.1", "127.255.255.255",
      "169.254.0.0", "169.254.169.254", "169.254.255.255", // link-local, cloud metadata
      "172.16.0.0", "172.31.255.255",
      "192.0.0.0", "192.0.0.255", // IETF protocol assignments
      "192.0.2.0", "192.0.2.255", // TEST-NET-1
      "192.88.99.0", "192.88.99.255", // 6to4 relay anycast
      "192.168.0.0", "192.168.255.255",
      "198.18.0.0", "198.19.255.255", // benchmarking
      "198.51.100.0", "198.51.100.255", // TEST-NET-2
      "203.0.113.0", "203.0.113.255", // TEST-NET-3
      "224.0.0.0", "239.255.255.255", // multicast
      "240.0.0.0", "254.255.255.255", // reserved
      "255.255.255.255"}) // broadcast
  void specialPurposeIpv4IsRefused(String literal) throws Exception {
    assertThat(PrivateAddresses.contains(InetAddress.getByName(literal))).as(literal).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"1.0.0.0", "8.8.8.8", "9.255.255.255", "11.0.0.0", "100.63.255.255", "100.128.0.0",
      "126.255.255.255", "128.0.0.0", "169.253.255.255", "169.255.0.0", "172.15.255.255", "172.32.0.0",
      "191.255.255.255", "192.0.1.0", "192.0.3.0", "192.88.98.255", "192.88.100.0", "192.167.255.255",
      "192.169.0.0", "198.17.255.255", "198.20.0.0", "198.51.99.255", "198.51.101.0", "203.0.112.255",
      "203.0.114.0", "223.255.255.255"})
  void theirNeighboursArePublic(String literal) throws Exception {
    assertThat(PrivateAddresses.contains(InetAddress.getByName(literal))).as(literal).isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "::", "::1", // unspecified, loopback
      "::10.0.0.1", "::127.0.0.1", // IPv4-compatible, private inside
      "64:ff9b::a00:1", "64:ff9b::7f00:1", "64:ff9b::a9fe:a9fe", // NAT64 of 10.0.0.1, 127.0.0.1, 169.254.169.254
      "64:ff9b:1::1", // NAT64 local use
      "2002:a00:1::1", "2002:7f00:1::", "2002:c0a8:101::1", // 6to4 of 10.0.0.1, 127.0.0.1, 192.168.1.1
      "2001::1", "2001:0:4136:e378:8000:63bf:3fff:fdd2", "2001:0:ffff:ffff:ffff:ffff:ffff:ffff", // Teredo
      "2001:2::1", "2001:10::1", "2001:1ff:ffff::1", // benchmarking, ORCHID, the rest of 2001::/23
      "2001:db8::1", "2001:db8:ffff:ffff:ffff:ffff:ffff:ffff", "3fff::1", "3fff:fff:ffff::1", // documentation
      "fc00::1", "fd12:3456::1", "fe80::1", "febf::1", "fec0::1", "ff02::1", "ff0e::1", "100::1",
      "5f00::1", "4000::1", "1::1"})
  void specialPurposeIpv6IsRefused(String literal) throws Exception {
    assertThat(PrivateAddresses.contains(InetAddress.getByName(literal))).as(literal).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"2001:4860:4860::8888", "2a00:1450:4001:80b::200e", "2001:200::1", "2001:db7:ffff::1",
      "2001:db9::1", "3ffe::1", "3fff:1000::1", "2000::1",
      "64:ff9b::808:808", // NAT64 of 8.8.8.8: how an IPv6-only host reaches a public IPv4 one
      "2002:808:808::1", // 6to4 of 8.8.8.8
      "::8.8.8.8"}) // IPv4-compatible 8.8.8.8
  void globalUnicastIpv6IsPublic(String literal) throws Exception {
    assertThat(PrivateAddresses.contains(InetAddress.getByName(literal))).as(literal).isFalse();
  }

  @Test
  void anIpv4MappedIpv6AddressIsJudgedByItsIpv4() throws Exception {
    // The JDK turns a mapped literal or AAAA answer into an IPv4 address; an Inet6Address can still hold one.
    assertThat(PrivateAddresses.contains(InetAddress.getByName("::ffff:10.0.0.1"))).isTrue();
    assertThat(PrivateAddresses.contains(mapped(127, 0, 0, 1))).isTrue();
    assertThat(PrivateAddresses.contains(mapped(192, 168, 1, 1))).isTrue();
    assertThat(PrivateAddresses.contains(mapped(240, 0, 0, 1))).isTrue();
    assertThat(PrivateAddresses.contains(mapped(8, 8, 8, 8))).isFalse();
  }

  private static InetAddress mapped(int a, int b, int c, int d) throws Exception {
    byte[] bytes = new byte[16];
    bytes[10] = (byte) 0xff;
    bytes[11] = (byte) 0xff;
    bytes[12] = (byte) a;
    bytes[13] = (byte) b;
    bytes[14] = (byte) c;
    bytes[15] = (byte) d;
    InetAddress address = Inet6Address.getByAddress(null, bytes, -1);
    assertThat(address).isInstanceOf(Inet6Address.class);
    return address;
  }
}
