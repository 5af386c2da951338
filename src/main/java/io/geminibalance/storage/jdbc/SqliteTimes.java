package io.geminibalance.storage.jdbc;

import java.nio.charset.StandardCharsets;
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

  /**
   * Written by hand for years 1 to 9999 (always, in practice): the request log formats one time
   * per row, and DateTimeFormatter took about 150 ns for it, this about 30 ns. Same text: the
   * fraction is truncated to microseconds, as the pattern does.
   */
  static String format(LocalDateTime time) {
    int year = time.getYear();
    if (year < 1 || year > 9999) { // the pattern's year-of-era prints year 0 as 0001
      return WRITE.format(time);
    }
    byte[] text = new byte[26];
    digits(text, 0, 4, year);
    text[4] = '-';
    digits(text, 5, 2, time.getMonthValue());
    text[7] = '-';
    digits(text, 8, 2, time.getDayOfMonth());
    text[10] = ' ';
    digits(text, 11, 2, time.getHour());
    text[13] = ':';
    digits(text, 14, 2, time.getMinute());
    text[16] = ':';
    digits(text, 17, 2, time.getSecond());
    text[19] = '.';
    digits(text, 20, 6, time.getNano() / 1000);
    return new String(text, StandardCharsets.ISO_8859_1);
  }

  /** Writes {@code value} as {@code width} decimal digits, zero-padded, at {@code at}. */
  private static void digits(byte[] text, int at, int width, int value) {
    for (int i = at + width - 1; i >= at; i--) {
      text[i] = (byte) ('0' + value % 10);
      value /= 10;
    }
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
