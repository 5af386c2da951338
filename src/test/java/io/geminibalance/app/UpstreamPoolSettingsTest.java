package io.geminibalance.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.geminibalance.config.ConfigException;
import io.geminibalance.upstream.UpstreamClient;
import java.util.Map;
import org.junit.jupiter.api.Test;

class UpstreamPoolSettingsTest {

  @Test
  void defaultsAreHttp11ForPlainHttpAndA128ConnectionHttp2Pool() {
    UpstreamClient.Pool pool = Settings.upstreamPool(Settings.build(Map.of()));
    assertThat(pool).isEqualTo(new UpstreamClient.Pool(10_000, 128, false));
  }

  @Test
  void h2cAndPoolSizesComeFromTheEnvironment() {
    UpstreamClient.Pool pool = Settings.upstreamPool(Settings.build(Map.of("UPSTREAM_H2C", "true",
        "UPSTREAM_HTTP2_MAX_CONNECTIONS", "4", "UPSTREAM_MAX_CONNECTIONS", "50")));
    assertThat(pool).isEqualTo(new UpstreamClient.Pool(50, 4, true));
  }

  @Test
  void badValuesAreRejectedNamingTheSetting() {
    assertThatThrownBy(() -> Settings.build(Map.of("UPSTREAM_H2C", "maybe")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("UPSTREAM_H2C");
    assertThatThrownBy(() -> Settings.build(Map.of("UPSTREAM_HTTP2_MAX_CONNECTIONS", "0")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("UPSTREAM_HTTP2_MAX_CONNECTIONS");
  }
}
