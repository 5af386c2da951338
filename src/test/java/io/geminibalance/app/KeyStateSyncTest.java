package io.geminibalance.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.geminibalance.keypool.QuotaRecord;
import io.geminibalance.storage.ModelState;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What a key's quota row keeps across a restart, including what Google taught about its minute. */
class KeyStateSyncTest {

  @Test
  void learnedAndProvenMinuteLimitsSurviveTheStoredRow() {
    QuotaRecord saved = new QuotaRecord("fp", "gemini-2.5-flash", 20_000, 7, List.of(1_000L, 2_000L),
        "COOLDOWN", 9_000, "GenerateRequestsPerMinute|quota", 4, 4);
    QuotaRecord restored = KeyStateSync.toRecord("fp", KeyStateSync.toModelState(saved));
    assertThat(restored.learnedRpm()).isEqualTo(4);
    assertThat(restored.provenRpm()).isEqualTo(4);
    assertThat(restored.reason()).isEqualTo("GenerateRequestsPerMinute|quota");
    assertThat(restored.usedToday()).isEqualTo(7);
    assertThat(restored.recentSendsMillis()).containsExactly(2_000L, 2_000L);
  }

  @Test
  void aRowWrittenBeforeProvenLevelsExistedReadsAsNothingProven() {
    ModelState old = new ModelState("gemini-2.5-flash", null, "NONE|5|0@0|", LocalDate.ofEpochDay(20_000), 3);
    QuotaRecord restored = KeyStateSync.toRecord("fp", old);
    assertThat(restored.learnedRpm()).isEqualTo(5);
    assertThat(restored.provenRpm()).isZero();
  }
}
