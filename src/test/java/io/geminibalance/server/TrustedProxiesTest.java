package io.geminibalance.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.geminibalance.config.ConfigException;
import io.geminibalance.config.ConfigValues;
import io.geminibalance.testing.GatewayHarness;
import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** TRUSTED_PROXIES: CIDR parsing and the walk through X-Forwarded-For. */
class TrustedProxiesTest {
  private static final TrustedProxies PROXIES = TrustedProxies.parse(List.of("10.0.0.0/8", "fd00::/8", "::1"));

  private static String client(String peer, String... forwardedFor) throws Exception {
    return PROXIES.clientAddress(InetAddress.getByAddress(TrustedProxies.literal(peer)), List.of(forwardedFor));
  }

  @Test
  void blocksMatchTheirAddressesOnly() {
    assertThat(PROXIES.trusts(TrustedProxies.literal("10.255.1.2"))).isTrue();
    assertThat(PROXIES.trusts(TrustedProxies.literal("11.0.0.1"))).isFalse();
    assertThat(PROXIES.trusts(TrustedProxies.literal("fd12:3456::1"))).isTrue();
    assertThat(PROXIES.trusts(TrustedProxies.literal("fe80::1"))).isFalse();
    assertThat(PROXIES.trusts(TrustedProxies.literal("::1"))).isTrue();
    assertThat(PROXIES.trusts(TrustedProxies.literal("::2"))).isFalse();
    // An IPv4 peer seen through a dual-stack socket matches the IPv4 block.
    assertThat(PROXIES.trusts(TrustedProxies.literal("::ffff:10.1.2.3"))).isTrue();
  }

  @Test
  void prefixesThatAreNotWholeBytesAndHostBitsAreHandled() {
    TrustedProxies p = TrustedProxies.parse(List.of("192.168.1.77/26", "172.16.0.0/12"));
    assertThat(p.trusts(TrustedProxies.literal("192.168.1.64"))).isTrue();
    assertThat(p.trusts(TrustedProxies.literal("192.168.1.127"))).isTrue();
    assertThat(p.trusts(TrustedProxies.literal("192.168.1.128"))).isFalse();
    assertThat(p.trusts(TrustedProxies.literal("172.31.255.255"))).isTrue();
    assertThat(p.trusts(TrustedProxies.literal("172.32.0.0"))).isFalse();
    assertThat(TrustedProxies.parse(List.of("0.0.0.0/0")).trusts(TrustedProxies.literal("8.8.8.8"))).isTrue();
  }

  @Test
  void badEntriesAreRefusedByName() {
    for (String bad : List.of("10.0.0.0/33", "::1/129", "10.0.0", "999.1.1.1", "1.2.3.4/x", "proxy.example.com",
        "10.0.0.0/-1", "")) {
      assertThatThrownBy(() -> TrustedProxies.parse(List.of(bad))).as(bad)
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'" + bad + "'");
    }
  }

  @Test
  void badSettingIsAConfigErrorNamingIt() {
    assertThatThrownBy(() -> EdgePolicy.from(new ConfigValues(Map.of("TRUSTED_PROXIES", "[\"10.0.0.0/8\",\"10.0.0.0/40\"]"))))
        .isInstanceOf(ConfigException.class).hasMessageStartingWith("TRUSTED_PROXIES: ")
        .hasMessageContaining("10.0.0.0/40");
    // A long entry is cut, the expectation after it is not.
    assertThatThrownBy(() -> EdgePolicy.from(new ConfigValues(Map.of("TRUSTED_PROXIES", "x".repeat(5000)))))
        .hasMessageStartingWith("TRUSTED_PROXIES: '" + "x".repeat(200) + "... (5000 characters)' is not an IP")
        .hasMessageEndingWith("(expected: a list of IPv4/IPv6 addresses or CIDR blocks, e.g. [\"10.0.0.0/8\",\"::1\"])");
  }

  /** A typo in TRUSTED_PROXIES stops start-up (it used to be ignored: the setting did not exist). */
  @Test
  void badSettingStopsStartUp() {
    assertThatThrownBy(() -> GatewayHarness.start(Map.of("TRUSTED_PROXIES", "10.0.0.0/33")).close())
        .hasRootCauseInstanceOf(ConfigException.class).rootCause().hasMessageContaining("TRUSTED_PROXIES")
        .hasMessageContaining("10.0.0.0/33");
  }

  @Test
  void theProxysOwnEntryNamesTheClient() throws Exception {
    assertThat(client("10.0.0.5", "203.0.113.7")).isEqualTo("203.0.113.7");
  }

  @Test
  void spoofedLeftMostEntriesAreSkipped() throws Exception {
    assertThat(client("10.0.0.5", "1.1.1.1, 203.0.113.7")).isEqualTo("203.0.113.7");
    assertThat(client("10.0.0.5", "1.1.1.1", "203.0.113.7")).as("over two header lines").isEqualTo("203.0.113.7");
    assertThat(client("10.0.0.5", "10.9.9.9, 203.0.113.7")).as("a trusted-looking spoof is still left of the client")
        .isEqualTo("203.0.113.7");
  }

  @Test
  void trustedHopsAreWalkedPast() throws Exception {
    assertThat(client("10.0.0.5", "198.51.100.1, 203.0.113.7, 10.0.0.9, fd00::2")).isEqualTo("203.0.113.7");
  }

  @Test
  void whenEveryHopIsTrustedTheLeftMostIsTheClient() throws Exception {
    assertThat(client("10.0.0.5", "10.1.1.1, 10.0.0.9")).isEqualTo("10.1.1.1");
  }

  @Test
  void somethingThatIsNotAnAddressEndsTheWalkAtTheLastKnownHop() throws Exception {
    assertThat(client("10.0.0.5", "203.0.113.7, unknown, 10.0.0.9")).isEqualTo("10.0.0.9");
    assertThat(client("10.0.0.5", "unknown")).isEqualTo("10.0.0.5");
  }

  @Test
  void portsAndBracketsAreDropped() throws Exception {
    assertThat(client("10.0.0.5", "203.0.113.7:5555")).isEqualTo("203.0.113.7");
    assertThat(client("10.0.0.5", "[2001:db8::1]:443")).isEqualTo("2001:db8::1");
    assertThat(client("10.0.0.5", "2001:db8:0:0:0:0:0:1")).isEqualTo("2001:db8::1");
  }

  @Test
  void noHeaderLeavesThePeer() throws Exception {
    assertThat(client("10.0.0.5")).isEqualTo("10.0.0.5");
    assertThat(client("10.0.0.5", " , ")).isEqualTo("10.0.0.5");
  }
}
