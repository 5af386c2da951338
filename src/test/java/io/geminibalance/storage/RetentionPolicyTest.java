package io.geminibalance.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RetentionPolicyTest {
  @Test
  void defaultsMatchGeminiBalance() {
    assertThat(RetentionPolicy.fromSettings(Map.of())).isEqualTo(new RetentionPolicy(true, 7, false, 30));
  }

  @Test
  void readsTheFourSettings() {
    RetentionPolicy policy = RetentionPolicy.fromSettings(Map.of("AUTO_DELETE_ERROR_LOGS_ENABLED", "false",
        "AUTO_DELETE_ERROR_LOGS_DAYS", "30", "AUTO_DELETE_REQUEST_LOGS_ENABLED", "on",
        "AUTO_DELETE_REQUEST_LOGS_DAYS", "1"));

    assertThat(policy).isEqualTo(new RetentionPolicy(false, 30, true, 1));
  }

  @Test
  void rejectsDaysThatAreNotPositive() {
    assertThatThrownBy(() -> RetentionPolicy.fromSettings(Map.of("AUTO_DELETE_ERROR_LOGS_DAYS", "0")))
        .hasMessage("AUTO_DELETE_ERROR_LOGS_DAYS: '0' (expected: a whole number from 1 to 36500)");
    assertThatThrownBy(() -> RetentionPolicy.fromSettings(Map.of("AUTO_DELETE_REQUEST_LOGS_DAYS", "week")))
        .hasMessage("AUTO_DELETE_REQUEST_LOGS_DAYS: 'week' (expected: a whole number from 1 to 36500)");
    assertThatThrownBy(() -> RetentionPolicy.fromSettings(Map.of("AUTO_DELETE_REQUEST_LOGS_ENABLED", "maybe")))
        .hasMessage("AUTO_DELETE_REQUEST_LOGS_ENABLED: 'maybe' (expected: true or false)");
  }

  @Test
  void nextRunIsTheComingMidnightInTheConfiguredZone() {
    ZoneId shanghai = RetentionJob.DEFAULT_ZONE;

    assertThat(RetentionJob.nextRun(Instant.parse("2026-11-20T15:59:59Z"), shanghai))
        .isEqualTo(ZonedDateTime.parse("2026-11-21T00:00+08:00[Asia/Shanghai]"));
    assertThat(RetentionJob.nextRun(Instant.parse("2026-11-20T16:00:00Z"), shanghai))
        .isEqualTo(ZonedDateTime.parse("2026-11-22T00:00+08:00[Asia/Shanghai]"));
  }

  @Test
  void nextRunCopesWithDaylightSavingChanges() {
    ZoneId berlin = ZoneId.of("Europe/Berlin");

    // 01:30 on the day clocks go back (CEST, +2): the next midnight is already CET (+1), 23.5 h later.
    assertThat(RetentionJob.nextRun(Instant.parse("2026-10-24T23:30:00Z"), berlin).toInstant())
        .isEqualTo(Instant.parse("2026-10-25T23:00:00Z"));
  }
}
