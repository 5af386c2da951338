package io.geminibalance.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.net.ProxyOptions;
import io.vertx.core.net.ProxyType;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProxyAddressTest {

  @Test
  void parsesTheThreeSchemesWithAndWithoutCredentials() {
    ProxyOptions socks = ProxyAddress.parse("socks5://user:p%40ss@10.0.0.2:1080").options();
    assertThat(socks.getType()).isEqualTo(ProxyType.SOCKS5);
    assertThat(socks.getHost()).isEqualTo("10.0.0.2");
    assertThat(socks.getPort()).isEqualTo(1080);
    assertThat(socks.getUsername()).isEqualTo("user");
    assertThat(socks.getPassword()).isEqualTo("p@ss");
    ProxyOptions http = ProxyAddress.parse("HTTP://proxy.example:3128").options();
    assertThat(http.getType()).isEqualTo(ProxyType.HTTP);
    assertThat(http.getUsername()).isNull();
    // https:// is an HTTP proxy spoken to in plain HTTP (CONNECT), as gemini-balance's configs use it.
    assertThat(ProxyAddress.parse("https://proxy.example:443").options().getType()).isEqualTo(ProxyType.HTTP);
    assertThat(ProxyAddress.parse("http://[::1]:8080").options().getHost()).isEqualTo("::1");
  }

  @Test
  void masksCredentialsEverywhereItCanBeShown() {
    ProxyAddress proxy = ProxyAddress.parse("socks5://alice:s3cret-pass@10.0.0.2:1080");
    assertThat(proxy.masked()).isEqualTo("socks5://***:***@10.0.0.2:1080");
    assertThat(proxy.toString()).isEqualTo(proxy.masked());
    assertThat(ProxyAddress.parse("http://10.0.0.3:3128").masked()).isEqualTo("http://10.0.0.3:3128");
  }

  @Test
  void refusesBadEntriesWithoutQuotingThem() {
    for (String bad : List.of("", "not a url", "ftp://u:pw-secret-1@h:21", "socks4://h:1080", "http://h",
        "socks5://:1080", "http://h:1080/path", "http://h:1080?x=1", "http://user@h:1080", "http://h:70000",
        "10.0.0.2:1080")) {
      assertThatThrownBy(() -> ProxyAddress.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("expected").message().doesNotContain("pw-secret-1");
    }
    assertThatThrownBy(() -> UpstreamProxies.parse(List.of("http://h:1", "socks5://u:pw-secret-2@h")))
        .hasMessageStartingWith("PROXIES: entry 2 no port").message().doesNotContain("pw-secret-2");
  }

  @Test
  void duplicatesCountOnce() {
    assertThat(UpstreamProxies.parse(List.of("http://h:1", "http://h:1", "socks5://h:1"))).hasSize(2);
  }
}
