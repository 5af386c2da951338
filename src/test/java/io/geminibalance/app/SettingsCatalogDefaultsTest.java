package io.geminibalance.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.geminibalance.config.ConfigValues;
import io.geminibalance.config.GatewayConfig;
import io.geminibalance.config.SettingsCatalog;
import io.geminibalance.relay.ImageLimits;
import io.geminibalance.relay.OpenAiOptions;
import io.geminibalance.server.EdgePolicy;
import io.geminibalance.storage.RetentionPolicy;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/**
 * The catalogue's defaults cannot drift from what the gateway does: each goes through its
 * setting's own parser and means exactly what leaving the setting unset means.
 */
class SettingsCatalogDefaultsTest {

  static Stream<String> names() {
    return SettingsCatalog.all().stream().map(SettingsCatalog.Definition::name);
  }

  @ParameterizedTest
  @MethodSource("names")
  void theDefaultParsesToWhatUnsetMeans(String name) {
    Map<String, String> explicit = Map.of(name, SettingsCatalog.definition(name).defaultValue());
    assertThat(parsed(explicit)).isEqualTo(parsed(Map.of()));
  }

  @Test
  void numberDefaultsLieInTheirRange() {
    ConfigValues unset = new ConfigValues(Map.of());
    for (SettingsCatalog.Definition def : SettingsCatalog.all()) {
      if (def.type() == SettingsCatalog.Type.INT && !def.defaultValue().isEmpty()) {
        assertThat(unset.integer(def.name())).as(def.name())
            .isEqualTo(def.defaultInt()).isBetween(def.range().intMin(), def.range().intMax());
      } else if (def.type() == SettingsCatalog.Type.DECIMAL) {
        assertThat(unset.decimal(def.name())).as(def.name()).isBetween(def.range().min(), def.range().max());
      }
    }
  }

  /** What a saved value may not change is what the catalogue says needs a restart, and where the database is. */
  @Test
  void savedValuesAreIgnoredForExactlyTheRestartOnlySettings() {
    List<String> restartOnly = SettingsCatalog.all().stream().filter(def -> !def.editable())
        .map(SettingsCatalog.Definition::name).toList();
    assertThat(Persistence.ENV_ONLY).containsAll(restartOnly);
    assertThat(Persistence.ENV_ONLY).containsAll(List.of("PORT", "HOST", "DATABASE_TYPE", "DATABASE_URL",
        "SQLITE_DATABASE", "EVENT_LOOPS", "IO_TRANSPORT", "ENCRYPTION_KEY", "ENCRYPTION_KEY_PREVIOUS",
        "MAX_CLIENT_CONNECTIONS"));
    SettingsCatalog.all().stream().filter(SettingsCatalog.Definition::editable)
        .forEach(def -> assertThat(Persistence.ENV_ONLY).as(def.name()).doesNotContain(def.name()));
  }

  /** The translator's own defaults (its tests use them) are the catalogue's. */
  @Test
  void theTranslatorsDefaultsAreTheCataloguesDefaults() {
    assertThat(OpenAiOptions.from(Settings.build(Map.of())))
        .isEqualTo(io.geminibalance.protocol.openai.TranslationOptions.defaults());
  }

  /** Everything Settings validates, as typed values that compare by value. */
  private static List<Object> parsed(Map<String, String> raw) {
    GatewayConfig c = Settings.build(raw);
    EdgePolicy edge = EdgePolicy.from(c.values());
    return List.of(c.host(), c.port(), c.apiKeys(), c.allowedTokens(), String.valueOf(c.authToken()),
        c.authTokenSource(), c.baseUrl(), c.maxFailures(), c.maxRetries(), c.timeout(), c.checkIntervalHours(),
        c.testModel(), c.filteredModels(), c.customHeaders(), c.logLevel(),
        Settings.quotaPolicy(c), Settings.queueSettings(c), OpenAiOptions.from(c), ImageLimits.from(c),
        Settings.upstreamPool(c), Settings.errorLogBodyMaxBytes(c), Settings.adminAuthFailuresPerMinute(c),
        Settings.clientLimits(c), edge.maxBodyBytes(), edge.varyOnOrigin(), edge.cors() == null,
        edge.trustedProxies().isEmpty(), RetentionPolicy.fromSettings(raw), VertexExpress.Config.from(c));
  }
}
