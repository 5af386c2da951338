package io.geminibalance.storage;

import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.Map;

/** Reads settings from an environment map; blank values count as unset. Errors name the variable. */
final class EnvReader {
  private final Map<String, String> env;

  EnvReader(Map<String, String> env) {
    this.env = env;
  }

  String optional(String name) {
    String value = env.get(name);
    return value == null || value.isBlank() ? null : value.trim();
  }

  String orDefault(String name, String fallback) {
    String value = optional(name);
    return value == null ? fallback : value;
  }

  String required(String name, String expected) {
    String value = optional(name);
    if (value == null) {
      throw new IllegalArgumentException(name + ": not set (expected: " + expected + ")");
    }
    return value;
  }

  int port(String name, int fallback) {
    String value = optional(name);
    if (value == null) {
      return fallback;
    }
    try {
      int port = Integer.parseInt(value);
      if (port >= 1 && port <= 65535) {
        return port;
      }
    } catch (NumberFormatException ignored) {
      // reported below with the expected range
    }
    throw new IllegalArgumentException(name + ": '" + value + "' (expected: a port number 1-65535)");
  }

  ZoneId zone(String name) {
    String value = optional(name);
    if (value == null) {
      return ZoneId.systemDefault();
    }
    try {
      return ZoneId.of(value);
    } catch (DateTimeException e) {
      throw new IllegalArgumentException(name + ": '" + value + "' (expected: a time zone such as Asia/Shanghai)");
    }
  }
}
