package io.geminibalance.app;

import io.geminibalance.config.GatewayConfig;
import io.geminibalance.config.SecretSettings;
import io.geminibalance.requestlog.SecretRedactor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Tells the redactor every secret a configuration holds, before anything can log it. Runs for
 * every configuration built, at start-up and for each change through the admin API, so keys and
 * tokens added at run time are masked from their first log line.
 */
final class ConfiguredSecrets {
  /** What separates the items of a list setting, in its JSON or comma-separated form. */
  private static final String SEPARATORS = "[\\[\\]\",'\\s]+";
  /** A longer value is a list; its items are registered, not the whole text. */
  private static final int WHOLE_VALUE_CHARS = 256;

  private ConfiguredSecrets() {}

  /**
   * Before validation: the value of every secret setting ({@link SecretSettings}) and each item in
   * it, read leniently (CUSTOM_HEADERS is registered once parsed: its names are not secret). A message about another setting may then quote one of them (a token pasted
   * into the wrong variable) and still be masked, even when the list itself does not parse.
   */
  static void registerRaw(Map<String, String> raw, SecretRedactor redactor) {
    List<String> secrets = new ArrayList<>();
    raw.forEach((name, value) -> {
      if (value != null && SecretSettings.isSecret(name) && !name.equals("CUSTOM_HEADERS")) {
        if (value.length() <= WHOLE_VALUE_CHARS) {
          secrets.add(value.strip());
        }
        secrets.addAll(List.of(value.split(SEPARATORS)));
      }
    });
    redactor.registerAll(secrets);
  }

  /** After validation: the keys, tokens (a generated admin token too) and custom header values. */
  static void register(GatewayConfig config, SecretRedactor redactor) {
    List<String> secrets = new ArrayList<>(config.apiKeys());
    secrets.addAll(config.allowedTokens());
    secrets.addAll(config.values().credentials("VERTEX_API_KEYS"));
    String paid = config.values().credential("PAID_KEY");
    if (paid != null && !paid.isBlank()) {
      secrets.add(paid.strip());
    }
    secrets.add(config.authToken());
    String metricsToken = config.values().credential("METRICS_TOKEN");
    if (metricsToken != null && !metricsToken.isBlank()) {
      secrets.add(metricsToken.strip());
    }
    secrets.addAll(config.customHeaders().values());
    // A proxy's password alone, as an error about the proxy might quote it.
    Settings.proxies(config).stream().map(io.geminibalance.upstream.ProxyAddress::password)
        .filter(java.util.Objects::nonNull).forEach(secrets::add);
    redactor.registerAll(secrets);
  }
}
