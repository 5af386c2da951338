package io.geminibalance.storage.jdbc;

import io.geminibalance.requestlog.KeyIdentity;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;

/** Conversions between Java values and columns, shared by the JDBC stores. */
final class JdbcValues {
  private final ZoneId zone;

  /** @param zone the zone of the naive DATETIME columns */
  JdbcValues(ZoneId zone) {
    this.zone = zone;
  }

  LocalDateTime local(Instant instant) {
    return instant == null ? null : LocalDateTime.ofInstant(instant, zone);
  }

  Instant instant(LocalDateTime local) {
    return local == null ? null : local.atZone(zone).toInstant();
  }

  static void setInt(PreparedStatement statement, int index, Integer value) throws SQLException {
    if (value == null) {
      statement.setNull(index, Types.INTEGER);
    } else {
      statement.setInt(index, value);
    }
  }

  static Integer getInt(ResultSet rows, String column) throws SQLException {
    int value = rows.getInt(column);
    return rows.wasNull() ? null : value;
  }

  static Long getLong(ResultSet rows, String column) throws SQLException {
    long value = rows.getLong(column);
    return rows.wasNull() ? null : value;
  }

  static int clampToInt(long value) {
    return (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, value));
  }

  static String truncate(String value, int maxLength) {
    return value == null || value.length() <= maxLength ? value : value.substring(0, maxLength);
  }

  /**
   * The identity of the key in a log row. Rows we write carry a fingerprint; rows gemini-balance
   * wrote hold the full key, which is turned into the same identity and never returned as is.
   */
  static KeyIdentity keyOf(String fingerprint, String last4, String legacyKey) {
    if (fingerprint != null) {
      return new KeyIdentity(fingerprint, last4 == null ? "" : last4);
    }
    if (legacyKey == null || legacyKey.isBlank()) {
      return new KeyIdentity("", "");
    }
    return KeyIdentity.ofSecret(legacyKey);
  }
}
