package io.geminibalance.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** A managed token's CIDRs, checked with TRUSTED_PROXIES' parser against the client address's text. */
class TokenCidrsTest {
  @Test
  void ipv4BlocksAndSingleAddresses() {
    TrustedProxies cidrs = TrustedProxies.parse(List.of("10.0.0.0/8", "192.0.2.7"));
    assertThat(cidrs.containsAddress("10.200.3.4")).isTrue();
    assertThat(cidrs.containsAddress("11.0.0.1")).isFalse();
    assertThat(cidrs.containsAddress("192.0.2.7")).isTrue();
    assertThat(cidrs.containsAddress("192.0.2.8")).isFalse();
  }

  @Test
  void ipv6BlocksAndMappedIpv4() {
    TrustedProxies cidrs = TrustedProxies.parse(List.of("2001:db8::/32", "10.0.0.0/8"));
    assertThat(cidrs.containsAddress("2001:db8:1::5")).isTrue();
    assertThat(cidrs.containsAddress("2001:db9::5")).isFalse();
    // An IPv4-mapped address is the IPv4 one.
    assertThat(cidrs.containsAddress("::ffff:10.1.2.3")).isTrue();
    assertThat(cidrs.containsAddress("::ffff:11.1.2.3")).isFalse();
  }

  @Test
  void noAddressOrNotAnAddressIsOutside() {
    TrustedProxies cidrs = TrustedProxies.parse(List.of("0.0.0.0/0"));
    assertThat(cidrs.containsAddress(null)).isFalse();
    assertThat(cidrs.containsAddress("example.com")).isFalse();
    assertThat(cidrs.containsAddress("127.0.0.1")).isTrue();
  }
}
