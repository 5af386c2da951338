package io.geminibalance.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.geminibalance.config.ConfigException;
import io.geminibalance.config.ConfigValues;
import io.geminibalance.config.SettingsCatalog;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The client connection settings: defaults, 0 = off for the timeouts, bad values named. */
class ClientLimitsTest {
  @Test
  void defaultsHoldTenThousandStreamsWithRoomToSpare() {
    ClientLimits d = ClientLimits.defaults();
    assertThat(d.headerTimeoutMillis()).isEqualTo(20_000);
    assertThat(d.idleTimeoutMillis()).isEqualTo(75_000);
    assertThat(d.bodyTimeoutMillis()).isEqualTo(30_000);
    assertThat(d.maxConnections()).isEqualTo(20_000);
    assertThat(d.maxH2Streams()).isEqualTo(100);
    assertThat(d.bodyDeadlineMillis()).isEqualTo(300_000);
  }

  @Test
  void catalogDefaultsAreTheParsedDefaults() {
    ClientLimits fromCatalog = ClientLimits.from(new ConfigValues(SettingsCatalog.defaults()));
    assertThat(fromCatalog).isEqualTo(ClientLimits.defaults());
    for (String name : new String[] {"CLIENT_HEADER_TIMEOUT_SECONDS", "CLIENT_IDLE_TIMEOUT_SECONDS",
        "CLIENT_BODY_TIMEOUT_SECONDS", "MAX_CLIENT_CONNECTIONS", "MAX_H2_STREAMS", "CLIENT_BODY_DEADLINE_SECONDS"}) {
      assertThat(SettingsCatalog.find(name)).as(name).hasValueSatisfying(def -> assertThat(def.editable()).isFalse());
    }
    EdgePolicy policy = EdgePolicy.from(new ConfigValues(SettingsCatalog.defaults()));
    assertThat(policy.maxBodyBytes()).isEqualTo(64L * 1024 * 1024);
    assertThat(policy.trustedProxies().isEmpty()).isTrue();
    assertThat(policy.cors()).isNotNull();
  }

  @Test
  void zeroTurnsATimeoutOff() {
    ClientLimits l = ClientLimits.from(new ConfigValues(Map.of("CLIENT_HEADER_TIMEOUT_SECONDS", "0",
        "CLIENT_IDLE_TIMEOUT_SECONDS", "0", "CLIENT_BODY_TIMEOUT_SECONDS", "0", "CLIENT_BODY_DEADLINE_SECONDS", "0")));
    assertThat(l.headerTimeoutMillis()).isZero();
    assertThat(l.idleTimeoutMillis()).isZero();
    assertThat(l.bodyTimeoutMillis()).isZero();
    assertThat(l.bodyDeadlineMillis()).isZero();
  }

  @Test
  void badValuesAreNamed() {
    for (Map.Entry<String, String> bad : Map.of("CLIENT_HEADER_TIMEOUT_SECONDS", "-1", "CLIENT_IDLE_TIMEOUT_SECONDS",
        "soon", "CLIENT_BODY_TIMEOUT_SECONDS", "1.5", "MAX_CLIENT_CONNECTIONS", "0", "MAX_H2_STREAMS", "0", "CLIENT_BODY_DEADLINE_SECONDS", "-5").entrySet()) {
      assertThatThrownBy(() -> ClientLimits.from(new ConfigValues(Map.of(bad.getKey(), bad.getValue()))))
          .isInstanceOf(ConfigException.class).hasMessageStartingWith(bad.getKey() + ": ");
    }
  }
}
