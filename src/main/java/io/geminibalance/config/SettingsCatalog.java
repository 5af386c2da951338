package io.geminibalance.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Every setting the gateway knows, with its default (in the text encoding the environment uses)
 * and whether it is a secret. The admin API lists and edits exactly these; secrets are masked on
 * the way out. The code that parses a setting reads its default (and, for whole numbers, its
 * range) from here, e.g. {@link ConfigValues#integer(String)}, so each is written once.
 */
public final class SettingsCatalog {

  /**
   * One setting. {@code editable} is false for settings that need a restart (database, port):
   * those are read from the environment only, a saved value is ignored.
   *
   * @param range the whole numbers the setting accepts, or null when it is not a whole number
   */
  public record Definition(String name, String defaultValue, boolean secret, boolean editable,
      String description, Range range) {

    public Definition(String name, String defaultValue, boolean secret, boolean editable, String description) {
      this(name, defaultValue, secret, editable, description, null);
    }

    /** This setting as a whole number from {@code min} to {@code max}. */
    Definition within(int min, int max) {
      return new Definition(name, defaultValue, secret, editable, description, new Range(min, max));
    }

    /** The default of a whole-number setting. */
    public int defaultInt() {
      return Integer.parseInt(defaultValue);
    }
  }

  /** The whole numbers a setting accepts, both ends included. */
  public record Range(int min, int max) {}

  private static final List<Definition> ALL = List.of(
      d("API_KEYS", "[]", true, "Gemini API keys of the pool"),
      d("ALLOWED_TOKENS", "[]", true, "Tokens clients may use"),
      d("AUTH_TOKEN", "", true, "Admin token"),
      d("ADMIN_AUTH_FAILURES_PER_MINUTE", "10", false,
          "Failed admin authentications per client address and minute before 429").within(1, 1_000_000),
      d("BASE_URL", GatewayConfig.DEFAULT_BASE_URL, false, "Upstream base URL"),
      d("MAX_FAILURES", "3", false, "Failures with an unknown key reason before a key is disabled"),
      d("MAX_RETRIES", "3", false, "Retries on other keys"),
      d("TIME_OUT", "300", false, "Upstream idle timeout, seconds"),
      d("CHECK_INTERVAL_HOURS", "1", false, "Re-check period for disabled keys (0 = off)"),
      d("TEST_MODEL", "gemini-2.5-flash-lite", false, "Model used to re-check keys"),
      d("KEY_VERIFY_CONCURRENCY", "5", false,
          "Keys verified at once by a verification from the key page or API").within(1, 50),
      d("FILTERED_MODELS", String.join(",", GatewayConfig.DEFAULT_FILTERED_MODELS), false,
          "Models hidden from model lists"),
      d("CUSTOM_HEADERS", "{}", true, "Extra upstream headers (JSON object)"),
      d("LOG_LEVEL", "INFO", false, "DEBUG, INFO, WARNING, ERROR, CRITICAL"),
      d("SEARCH_MODELS", "[\"gemini-2.5-flash\",\"gemini-2.5-pro\"]", false, "Models offered as <model>-search"),
      d("IMAGE_MODELS", "[\"gemini-2.0-flash-exp\",\"gemini-2.5-flash-image-preview\"]", false,
          "Models offered as <model>-image"),
      d("THINKING_MODELS", "[\"gemini-2.5-flash\",\"gemini-2.5-pro\"]", false, "Models offered as <model>-non-thinking"),
      d("THINKING_BUDGET_MAP", "{}", false, "Thinking budget per model (JSON object)"),
      d("SHOW_THINKING_PROCESS", "true", false, "Return thoughts as reasoning_content"),
      d("SAFETY_SETTINGS", "", false, "Safety settings for OpenAI requests (JSON list; [] = none)"),
      d("TOOLS_CODE_EXECUTION_ENABLED", "false", false, "Add the code execution tool"),
      d("URL_CONTEXT_ENABLED", "false", false, "Add the URL context tool"),
      d("URL_CONTEXT_MODELS", "[\"gemini-2.5-pro\",\"gemini-2.5-flash\",\"gemini-2.5-flash-lite\",\"gemini-2.0-flash\","
          + "\"gemini-2.0-flash-live-001\"]", false, "Models that get URL context"),
      d("SHOW_SEARCH_LINK", "true", false, "Append search sources to -search answers"),
      d("DEFAULT_RPM", "5", false, "Requests per minute per key and model (0 = unlimited)"),
      d("DEFAULT_RPD", "100", false, "Requests per day per key and model (0 = unlimited)"),
      d("MODEL_RATE_LIMITS", "{}", false, "{\"model\": [rpm, rpd]}"),
      d("KEY_RATE_LIMITS", "{}", false, "{\"<last 8 chars of key>\": [rpm, rpd]}"),
      d("QUEUE_TIMEOUT_SECONDS", "10", false, "Longest wait for a free key (0 = answer 429 at once)"),
      d("MAX_MODELS", "256", false, "Models with quota state of their own (others: round robin)").within(1, 100_000),
      d("ERROR_LOG_RECORD_REQUEST_BODY", "false", false, "Store request bodies in error logs"),
      d("ERROR_LOG_REQUEST_BODY_MAX_KB", "16", false, "Request body kept per error log row, KiB (the rest is cut)")
          .within(1, 65_536),
      d("ERROR_LOG_QUEUE_MB", "16", false,
          "MiB of bodies and messages error log rows waiting for the database may hold (beyond: rows without body)")
          .within(1, 4096),
      d("AUTO_DELETE_ERROR_LOGS_ENABLED", "true", false, "Delete old error logs daily"),
      d("AUTO_DELETE_ERROR_LOGS_DAYS", "7", false, "Error log retention, days"),
      d("AUTO_DELETE_REQUEST_LOGS_ENABLED", "false", false, "Delete old request logs daily"),
      d("AUTO_DELETE_REQUEST_LOGS_DAYS", "30", false, "Request log retention, days"),
      d("TIMEZONE", "Asia/Shanghai", false, "Time zone of the daily jobs"),
      d("IMAGE_FETCH_ALLOW_PRIVATE", "false", false, "Let image URLs point at private addresses"),
      d("MAX_IMAGE_DOWNLOADS", "10", false, "Image URLs the gateway downloads for one OpenAI request (0 = none)")
          .within(0, 1000),
      d("MAX_IMAGE_DOWNLOAD_MB", "20", false, "MiB of images downloaded for one OpenAI request in all").within(1, 1024),
      d("GATEWAY_IMAGE_DOWNLOADS", "16", false, "Image downloads in progress at once, all requests together")
          .within(1, 100_000),
      d("GATEWAY_IMAGE_DOWNLOAD_MB", "64", false,
          "MiB of downloaded images held at once, all requests together (>= MAX_IMAGE_DOWNLOAD_MB)")
          .within(1, 1024 * 1024),
      d("MAX_REQUEST_BODY_MB", "64", false, "Largest request body read whole, MiB (413 beyond)").within(1, 2047),
      d("TRUSTED_PROXIES", "[]", false,
          "Reverse proxies (IPs/CIDRs) whose X-Forwarded-For/-Proto/-Host are believed"),
      d("CORS_ALLOWED_ORIGINS", "*", false,
          "Origins browsers may call the data plane from (* = any, [] = none; never with credentials)"),
      fixed("PORT", "8000", "Listen port (restart to change)"),
      fixed("HOST", "0.0.0.0", "Listen address (restart to change)"),
      fixed("DATABASE_TYPE", "sqlite", "sqlite, mysql or postgres (restart to change)"),
      new Definition("ENCRYPTION_KEY", "", true, false,
          "Base64 of 32 random bytes: store API keys and secret settings encrypted (restart to change)"),
      new Definition("ENCRYPTION_KEY_PREVIOUS", "", true, false,
          "The key the database is encrypted with, while changing or removing ENCRYPTION_KEY (one start)"),
      fixed("UPSTREAM_MAX_CONNECTIONS", "10000",
          "HTTP/1.1 connections to the upstream per event loop (restart to change)"),
      fixed("UPSTREAM_HTTP2_MAX_CONNECTIONS", "128",
          "HTTP/2 connections to the upstream per event loop, each carrying many streams (restart to change)"),
      fixed("IO_TRANSPORT", "auto",
          "Socket I/O: auto (epoll, else NIO), epoll or nio (restart to change)"),
      fixed("UPSTREAM_H2C", "false",
          "Cleartext HTTP/2 with prior knowledge to an http:// BASE_URL (restart to change)"),
      fixed("CLIENT_HEADER_TIMEOUT_SECONDS", "20",
          "Longest time for a client to send a request head, seconds (0 = off; restart to change)").within(0, 86_400),
      fixed("CLIENT_IDLE_TIMEOUT_SECONDS", "75",
          "Idle keep-alive client connections close after this, seconds (0 = off; restart to change)")
          .within(0, 86_400),
      fixed("CLIENT_BODY_TIMEOUT_SECONDS", "30",
          "Longest pause between request body bytes, seconds; 408 beyond (0 = off; restart to change)")
          .within(0, 86_400),
      // Five minutes: a body of the 20 MB Google takes inline arrives in that time at about 70 KB/s,
      // one at the default 64 MiB cap at about 220 KB/s.
      fixed("CLIENT_BODY_DEADLINE_SECONDS", "300",
          "Longest time to send a request body whole, seconds; 408 beyond (0 = off; restart to change)")
          .within(0, 86_400),
      // Twice the 10,000 held streams the gateway is sized for (each stream is one client
      // connection on HTTP/1.1).
      fixed("MAX_CLIENT_CONNECTIONS", "20000",
          "Open client connections at most; beyond it 503 and close (restart to change)").within(1, 10_000_000),
      // As Vert.x's and Google's own servers advertise.
      fixed("MAX_H2_STREAMS", "100",
          "Concurrent HTTP/2 streams per client connection (restart to change)").within(1, 1_000_000));

  private static final Map<String, Definition> BY_NAME = index();

  private SettingsCatalog() {}

  private static Definition d(String name, String defaultValue, boolean secret, String description) {
    return new Definition(name, defaultValue, secret, true, description);
  }

  private static Definition fixed(String name, String defaultValue, String description) {
    return new Definition(name, defaultValue, false, false, description);
  }

  private static Map<String, Definition> index() {
    Map<String, Definition> map = new LinkedHashMap<>();
    ALL.forEach(def -> map.put(def.name(), def));
    return map;
  }

  public static List<Definition> all() {
    return ALL;
  }

  public static Optional<Definition> find(String name) {
    return Optional.ofNullable(BY_NAME.get(name));
  }

  /** For code that parses a setting by name: a name the catalogue does not declare is a bug. */
  public static Definition definition(String name) {
    Definition definition = BY_NAME.get(name);
    if (definition == null) {
      throw new IllegalArgumentException(name + " is not in the settings catalogue");
    }
    return definition;
  }

  /** Name -> default value, in catalog order. */
  public static Map<String, String> defaults() {
    Map<String, String> defaults = new LinkedHashMap<>();
    ALL.forEach(def -> defaults.put(def.name(), def.defaultValue()));
    return defaults;
  }
}
