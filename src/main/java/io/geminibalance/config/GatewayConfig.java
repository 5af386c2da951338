package io.geminibalance.config;

import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The gateway's core settings, validated once. Other modules (storage, quotas, translation) read
 * their own names from {@link #values()} so that this record stays about the data plane.
 */
public record GatewayConfig(
    String host,
    int port,
    List<String> apiKeys,
    List<String> allowedTokens,
    String authToken,
    AuthTokenSource authTokenSource,
    URI baseUrl,
    int maxFailures,
    int maxRetries,
    Duration timeout,
    double checkIntervalHours,
    String testModel,
    List<String> filteredModels,
    Map<String, String> customHeaders,
    String logLevel,
    ConfigValues values) {

  public static final String DEFAULT_BASE_URL = SettingsCatalog.DEFAULT_BASE_URL;

  /**
   * Where the admin token comes from. Without AUTH_TOKEN it is the generated token kept (hashed)
   * in the database, never the first ALLOWED_TOKENS entry as in gemini-balance: that token is
   * every client's, and the admin may send all pool keys to a host of its choice (BASE_URL).
   */
  public enum AuthTokenSource { AUTH_TOKEN, GENERATED }

  /**
   * Validates every setting; throws {@link ConfigException} naming the first bad one.
   * {@link #authToken()} is null when AUTH_TOKEN is unset (the generated token applies).
   */
  public static GatewayConfig from(Map<String, String> raw) {
    ConfigValues v = new ConfigValues(raw);
    List<String> allowed = v.credentials("ALLOWED_TOKENS");
    String auth = v.credential("AUTH_TOKEN");
    AuthTokenSource source = auth == null ? AuthTokenSource.GENERATED : AuthTokenSource.AUTH_TOKEN;
    return new GatewayConfig(
        v.string("HOST"),
        v.integer("PORT"),
        dedupe(v.credentials("API_KEYS")),
        allowed,
        auth,
        source,
        baseUrl(v),
        v.integer("MAX_FAILURES"),
        v.integer("MAX_RETRIES"),
        Duration.ofSeconds(v.integer("TIME_OUT")),
        v.decimal("CHECK_INTERVAL_HOURS"),
        v.string("TEST_MODEL"),
        v.list("FILTERED_MODELS"),
        v.headers("CUSTOM_HEADERS"),
        logLevel(v),
        v);
  }

  /** The same configuration with another key set (the stored keys, a superset of API_KEYS). */
  public GatewayConfig withApiKeys(List<String> keys) {
    return new GatewayConfig(host, port, List.copyOf(keys), allowedTokens, authToken, authTokenSource,
        baseUrl, maxFailures, maxRetries, timeout, checkIntervalHours, testModel, filteredModels,
        customHeaders, logLevel, values);
  }

  /**
   * Every token in clear that may call the data plane: ALLOWED_TOKENS plus AUTH_TOKEN when set (the
   * generated admin token is accepted as well, by its hash: see ClientAuthenticator).
   */
  public List<String> clientTokens() {
    LinkedHashSet<String> tokens = new LinkedHashSet<>(allowedTokens);
    if (authToken != null) {
      tokens.add(authToken);
    }
    return List.copyOf(tokens);
  }

  /** Total attempts per request: the first try plus MAX_RETRIES retries on other keys. */
  public int maxAttempts() {
    return maxRetries + 1;
  }

  private static URI baseUrl(ConfigValues v) {
    return httpUrl("BASE_URL", v.string("BASE_URL"));
  }

  /**
   * {@code value} of the URL setting {@code name} as an http(s) URL without a trailing slash;
   * throws {@link ConfigException} naming the setting otherwise.
   */
  public static URI httpUrl(String name, String value) {
    String trimmed = value.endsWith("/") ? value.substring(0, value.length() - 1) : value;
    try {
      URI uri = URI.create(trimmed);
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
        throw new IllegalArgumentException();
      }
      return uri;
    } catch (IllegalArgumentException e) {
      throw new ConfigException(name, value,
          "an http(s) URL such as " + SettingsCatalog.definition(name).defaultValue());
    }
  }

  private static String logLevel(ConfigValues v) {
    // The catalogue lists gemini-balance's names; Logback's spellings are accepted too.
    String value = v.string("LOG_LEVEL").toUpperCase(Locale.ROOT);
    return switch (value) {
      case "DEBUG", "INFO", "ERROR", "TRACE" -> value;
      case "WARNING", "WARN" -> "WARN";
      case "CRITICAL", "FATAL" -> "ERROR";
      default -> throw new ConfigException("LOG_LEVEL", value,
          "one of " + String.join(", ", SettingsCatalog.definition("LOG_LEVEL").allowed()));
    };
  }

  private static List<String> dedupe(List<String> keys) {
    return List.copyOf(new LinkedHashSet<>(keys));
  }
}
