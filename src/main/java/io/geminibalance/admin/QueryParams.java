package io.geminibalance.admin;

import io.vertx.ext.web.RoutingContext;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.List;

/**
 * Query parameters of the admin API, parsed strictly: a value that is present but wrong is a
 * {@link BadParam} naming the parameter and what was expected, answered as a 400 (absent or blank
 * means the default). Values are quoted back shortened, since they can be anything.
 */
final class QueryParams {
  private QueryParams() {}

  static final class BadParam extends RuntimeException {
    private final String name;

    BadParam(String name, String message) {
      super(message);
      this.name = name;
    }

    String name() {
      return name;
    }

    /** Answers the request with a 400 naming the parameter. */
    void answer(RoutingContext rc) {
      AdminResponses.error(rc, 400, getMessage(), name);
    }
  }

  static String text(RoutingContext rc, String name, int maxLength) {
    String value = rc.request().getParam(name);
    if (value == null || value.isBlank()) {
      return null;
    }
    if (value.length() > maxLength) {
      throw new BadParam(name, name + ": " + value.length() + " characters (expected: at most " + maxLength + ")");
    }
    return value.strip();
  }

  static int integer(RoutingContext rc, String name, int fallback, int min, int max) {
    String value = rc.request().getParam(name);
    if (value == null || value.isBlank()) {
      return fallback;
    }
    String expected = quoted(name, value) + " (expected: a whole number from " + min + " to " + max + ")";
    try {
      int parsed = Integer.parseInt(value.strip());
      if (parsed < min || parsed > max) {
        throw new BadParam(name, expected);
      }
      return parsed;
    } catch (NumberFormatException e) {
      throw new BadParam(name, expected);
    }
  }

  /** An optional whole number; null when absent. */
  static Integer optionalInteger(RoutingContext rc, String name, int min, int max) {
    String value = rc.request().getParam(name);
    return value == null || value.isBlank() ? null : integer(rc, name, min, min, max);
  }

  /** One of {@code allowed} (case-insensitive), returned as spelled there. */
  static String choice(RoutingContext rc, String name, String fallback, List<String> allowed) {
    String value = rc.request().getParam(name);
    if (value == null || value.isBlank()) {
      return fallback;
    }
    return allowed.stream().filter(a -> a.equalsIgnoreCase(value.strip())).findFirst()
        .orElseThrow(() -> new BadParam(name, quoted(name, value) + " (expected one of: "
            + String.join(", ", allowed) + ")"));
  }

  /**
   * A point in time: ISO-8601 with an offset ({@code 2026-12-06T10:00:00Z}, what the pages send),
   * or without one ({@code 2026-12-06T18:00}, {@code 2026-12-06}), read in {@code zone} as
   * gemini-balance read its naive times. Null when absent.
   */
  static Instant time(RoutingContext rc, String name, ZoneId zone) {
    String value = rc.request().getParam(name);
    if (value == null || value.isBlank()) {
      return null;
    }
    String text = value.strip().replace(' ', 'T');
    try {
      if (text.length() == 10) {
        return LocalDate.parse(text).atStartOfDay(zone).toInstant();
      }
      if (text.endsWith("Z") || text.matches(".*[+-]\\d\\d:?\\d\\d$")) {
        return OffsetDateTime.parse(text).toInstant();
      }
      return LocalDateTime.parse(text).atZone(zone).toInstant();
    } catch (DateTimeException e) {
      throw new BadParam(name, quoted(name, value)
          + " (expected: an ISO-8601 date or date-time, e.g. 2026-12-06T10:00:00Z or 2026-12-06T18:00)");
    }
  }

  private static String quoted(String name, String value) {
    return name + ": '" + (value.length() > 40 ? value.substring(0, 40) + "..." : value) + "'";
  }
}
