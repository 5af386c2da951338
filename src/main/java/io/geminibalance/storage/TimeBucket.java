package io.geminibalance.storage;

import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

/** The width of one bar in a statistics chart. */
public enum TimeBucket {
  MINUTE(ChronoUnit.MINUTES, "yyyy-MM-dd HH:mm"),
  HOUR(ChronoUnit.HOURS, "yyyy-MM-dd HH"),
  DAY(ChronoUnit.DAYS, "yyyy-MM-dd");

  private final ChronoUnit unit;
  private final DateTimeFormatter labelFormat;

  TimeBucket(ChronoUnit unit, String labelPattern) {
    this.unit = unit;
    this.labelFormat = DateTimeFormatter.ofPattern(labelPattern);
  }

  /** The start of the bucket a label produced by the SQL bucket expression names. */
  public LocalDateTime parseLabel(String label) {
    return switch (this) {
      case DAY -> java.time.LocalDate.parse(label, labelFormat).atStartOfDay();
      default -> LocalDateTime.parse(label + (this == HOUR ? ":00" : ""),
          DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm"));
    };
  }

  public LocalDateTime truncate(LocalDateTime time) {
    return time.truncatedTo(unit);
  }
}
