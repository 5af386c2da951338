package io.geminibalance.storage.jdbc;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.temporal.ChronoField;

/** Text timestamps in SQLite, in the layout SQLAlchemy used, so old and new rows compare as text. */
final class SqliteTimes {
  private static final DateTimeFormatter WRITE = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSS");
  private static final DateTimeFormatter READ = new DateTimeFormatterBuilder()
      .appendPattern("yyyy-MM-dd")
      .optionalStart().appendLiteral(' ').optionalEnd()
      .optionalStart().appendLiteral('T').optionalEnd()
      .appendPattern("HH:mm")
      .optionalStart().appendPattern(":ss").optionalEnd()
      .optionalStart().appendFraction(ChronoField.NANO_OF_SECOND, 0, 9, true).optionalEnd()
      .toFormatter();

  private SqliteTimes() {}

  static String format(LocalDateTime time) {
    return WRITE.format(time);
  }

  /** Also accepts epoch milliseconds, which the SQLite driver writes for a bound Timestamp. */
  static LocalDateTime parse(String text) {
    if (text == null || text.isBlank()) {
      return null;
    }
    if (text.chars().allMatch(Character::isDigit)) {
      return LocalDateTime.ofInstant(Instant.ofEpochMilli(Long.parseLong(text)), ZoneOffset.UTC);
    }
    return LocalDateTime.parse(text.trim(), READ);
  }
}
