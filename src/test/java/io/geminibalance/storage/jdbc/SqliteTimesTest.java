package io.geminibalance.storage.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SqliteTimesTest {
  private static final DateTimeFormatter PATTERN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSS");

  @ParameterizedTest
  @ValueSource(strings = {"2026-11-20T18:15:00", "2026-01-02T03:04:05.000006", "1999-12-31T23:59:59.999999999",
      "0001-01-01T00:00:00.0000009", "0999-09-09T09:09:09.123", "9999-12-31T23:59:59.5", "+10000-01-01T00:00:00",
      "-0001-01-01T00:00:00", "0000-06-15T12:00:00"})
  void formatsAsThePatternDoes(String time) {
    LocalDateTime value = LocalDateTime.parse(time);

    assertThat(SqliteTimes.format(value)).isEqualTo(PATTERN.format(value));
  }

  @ParameterizedTest
  @ValueSource(strings = {"2026-11-20T18:15:00", "2026-01-02T03:04:05.000006", "0999-09-09T09:09:09.123"})
  void readsBackWhatItWrites(String time) {
    LocalDateTime value = LocalDateTime.parse(time);

    assertThat(SqliteTimes.parse(SqliteTimes.format(value))).isEqualTo(value);
  }
}
