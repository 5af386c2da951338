package io.geminibalance.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.geminibalance.storage.EffectiveSettings.Setting;
import io.geminibalance.storage.EffectiveSettings.Source;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EffectiveSettingsTest {
  private static final Map<String, String> DEFAULTS = Map.of("MAX_FAILURES", "3", "MAX_RETRIES", "3",
      "AUTH_TOKEN", "");

  @Test
  void savedWinsOverEnvWhichWinsOverDefault() {
    EffectiveSettings merged = EffectiveSettings.merge(DEFAULTS,
        Map.of("MAX_FAILURES", "10", "MAX_RETRIES", "5", "PATH", "/usr/bin"), Map.of("MAX_FAILURES", "20"));

    assertThat(merged.settings()).containsEntry("MAX_FAILURES", new Setting("20", Source.SAVED))
        .containsEntry("MAX_RETRIES", new Setting("5", Source.ENV))
        .containsEntry("AUTH_TOKEN", new Setting("", Source.DEFAULT))
        .doesNotContainKey("PATH");
  }

  @Test
  void warnsWhenASavedValueHidesADifferentEnvValueWithoutQuotingEither() {
    EffectiveSettings merged = EffectiveSettings.merge(DEFAULTS,
        Map.of("AUTH_TOKEN", "sk-from-env", "MAX_RETRIES", "3"), Map.of("AUTH_TOKEN", "sk-saved", "MAX_RETRIES", "3"));

    assertThat(merged.warnings()).singleElement().asString()
        .startsWith("AUTH_TOKEN: the saved value").doesNotContain("sk-from-env", "sk-saved");
  }

  @Test
  void databaseSettingsAreNeverTakenFromTheDatabase() {
    EffectiveSettings merged = EffectiveSettings.merge(Map.of("MYSQL_HOST", ""), Map.of("MYSQL_HOST", "db-new"),
        Map.of("MYSQL_HOST", "db-old", "DATABASE_TYPE", "mysql"));

    assertThat(merged.settings()).containsEntry("MYSQL_HOST", new Setting("db-new", Source.ENV))
        .doesNotContainKey("DATABASE_TYPE");
    assertThat(merged.warnings()).isEmpty();
  }

  @Test
  void savedSettingsUnknownToTheDefaultsAreKept() {
    EffectiveSettings merged = EffectiveSettings.merge(DEFAULTS, Map.of(), Map.of("LEGACY_ONLY", "x"));

    assertThat(merged.value("LEGACY_ONLY")).hasValue("x");
    assertThat(merged.values()).containsEntry("MAX_FAILURES", "3");
  }
}
