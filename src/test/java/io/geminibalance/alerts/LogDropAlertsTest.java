package io.geminibalance.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.geminibalance.config.ConfigValues;
import io.geminibalance.requestlog.LogWriter;
import io.geminibalance.testing.FakeWebhook;
import io.vertx.core.Vertx;
import java.sql.SQLException;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * Dropped log rows reach the webhook: a real {@link LogWriter} whose database is away (every write
 * fails), a small queue, and {@link Alerts} reading its drop count.
 */
class LogDropAlertsTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void rowsDroppedWhileTheDatabaseIsAwayAreReportedAsTheyGrow() throws Exception {
    Vertx vertx = Vertx.vertx();
    try (FakeWebhook webhook = FakeWebhook.start();
        LogWriter<String> writer = new LogWriter<>(new LogWriter.Options("request-log", 2, 10, Duration.ofMillis(50),
            Duration.ofMillis(200), Duration.ofMillis(100)), batch -> {
              throw new SQLException("connection refused", "08001");
            }, e -> false)) {
      ConfigValues values = new ConfigValues(Map.of("ALERT_WEBHOOK_URL", webhook.url("/drops"),
          "ALERT_INTERVAL_SECONDS", "1"));
      Alerts alerts = new Alerts(vertx, () -> values, UnaryOperator.identity(), InstantSource.system());
      alerts.watchLog("request", writer::droppedCount);
      alerts.start();

      for (int i = 0; i < 10; i++) {
        writer.offer("row " + i);
      }
      assertThat(writer.droppedCount()).isEqualTo(8); // 2 wait for the database, which never comes back here
      alerts.checkNow().await(10, TimeUnit.SECONDS);
      List<FakeWebhook.Post> posts = webhook.await(1, Duration.ofSeconds(20));
      assertThat(posts).hasSize(1);
      JsonNode first = JSON.readTree(posts.get(0).body()).get("alerts").get(0);
      assertThat(first.get("kind").asText()).isEqualTo("log_rows_dropped");
      assertThat(first.get("log").asText()).isEqualTo("request");
      assertThat(first.get("dropped").asLong()).isEqualTo(8);
      assertThat(first.get("droppedTotal").asLong()).isEqualTo(8);

      for (int i = 0; i < 5; i++) {
        writer.offer("more " + i);
      }
      alerts.checkNow().await(10, TimeUnit.SECONDS);
      posts = webhook.await(2, Duration.ofSeconds(20));
      assertThat(posts).hasSize(2);
      JsonNode second = JSON.readTree(posts.get(1).body()).get("alerts").get(0);
      assertThat(second.get("dropped").asLong()).isEqualTo(5);
      assertThat(second.get("droppedTotal").asLong()).isEqualTo(13);

      // Nothing new: nothing sent.
      alerts.checkNow().await(10, TimeUnit.SECONDS);
      Thread.sleep(Alerts.GATHER_MILLIS + 1_000);
      assertThat(webhook.posts()).hasSize(2);
      alerts.close().await(10, TimeUnit.SECONDS);
    } finally {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }
}
