package io.geminibalance.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AlertBatcherTest {
  private static Alert key(String fingerprint) {
    return new Alert.KeyDisabled("gemini", "..." + fingerprint.substring(0, 4), fingerprint, null, "dead", 0);
  }

  @Test
  void aBurstWaitsForTheGatheringTimeAndGoesInOneBatch() {
    AlertBatcher batcher = new AlertBatcher(10, 2_000);
    for (int i = 0; i < 5; i++) {
      assertThat(batcher.add(key("fp-000" + i), 1_000 + i * 100)).isTrue();
    }
    assertThat(batcher.takeDue(2_999, 60_000)).isNull();
    AlertBatcher.Batch batch = batcher.takeDue(3_000, 60_000);
    assertThat(batch.alerts()).hasSize(5);
    assertThat(batch.omitted()).isZero();
    assertThat(batcher.takeDue(3_500, 60_000)).as("nothing left").isNull();
  }

  @Test
  void twoPostsAreAtLeastTheIntervalApartAndWhatCameBetweenGoesTogether() {
    AlertBatcher batcher = new AlertBatcher(10, 2_000);
    batcher.add(key("fp-0001"), 0);
    assertThat(batcher.takeDue(2_000, 60_000).alerts()).hasSize(1);
    batcher.add(key("fp-0002"), 5_000);
    batcher.add(key("fp-0003"), 30_000);
    assertThat(batcher.takeDue(59_999, 60_000)).isNull();
    assertThat(batcher.takeDue(62_000, 60_000).alerts()).extracting(Alert::subject)
        .containsExactly(key("fp-0002").subject(), key("fp-0003").subject());
  }

  @Test
  void alertsOfOneSubjectAreMergedAndDropsAddUp() {
    AlertBatcher batcher = new AlertBatcher(10, 0);
    batcher.add(key("fp-0001"), 0);
    batcher.add(key("fp-0001"), 1);
    batcher.add(new Alert.LogRowsDropped("request", 3, 3, 0), 2);
    batcher.add(new Alert.LogRowsDropped("request", 4, 7, 5), 3);
    AlertBatcher.Batch batch = batcher.takeDue(10, 0);
    assertThat(batch.alerts()).hasSize(2);
    assertThat(batch.alerts().get(1)).isEqualTo(new Alert.LogRowsDropped("request", 7, 7, 5));
  }

  @Test
  void beyondTheBoundAlertsAreCountedAndTheNextBatchSaysHowMany() {
    AlertBatcher batcher = new AlertBatcher(3, 0);
    for (int i = 0; i < 5; i++) {
      batcher.add(key("fp-000" + i), 0);
    }
    assertThat(batcher.add(key("fp-0000"), 0)).as("a waiting subject still merges").isTrue();
    AlertBatcher.Batch batch = batcher.takeDue(0, 0);
    assertThat(batch.alerts()).hasSize(3);
    assertThat(batch.omitted()).isEqualTo(2);
    assertThat(batcher.omittedTotal()).isEqualTo(2);
    assertThat(batcher.takeDue(1, 0)).isNull();
  }
}
