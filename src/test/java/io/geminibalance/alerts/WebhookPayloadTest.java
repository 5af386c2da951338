package io.geminibalance.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class WebhookPayloadTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void theBodyHasASummaryForChatWebhooksAndTheAlertsAsFields() throws Exception {
    List<Alert> alerts = List.of(
        new Alert.KeyDisabled("gemini", "...a1B2", "0123456789abcdef", "gemini-2.5-pro", "dead: API_KEY_INVALID", 5),
        new Alert.CapacityLow("paid", "imagen-4.0-generate-001", 3, 100, 10, 6),
        new Alert.LogRowsDropped("error", 7, 9, 7));
    JsonNode body = JSON.readTree(WebhookPayload.of(new AlertBatcher.Batch(alerts, 2), 42, s -> s));
    assertThat(body.get("text").asText()).isEqualTo("""
        Gemini Balance: 3 alerts
        - Key ...a1B2 (gemini pool) disabled for gemini-2.5-pro: dead: API_KEY_INVALID
        - imagen-4.0-generate-001 (paid pool): 3 of 100 requests left today (3.0 %, below 10 %)
        - 7 error log row(s) dropped (9 since start): the database is slow or away
        - and 2 more""");
    assertThat(body.get("content")).isEqualTo(body.get("text"));
    assertThat(body.get("sentAtMillis").asLong()).isEqualTo(42);
    assertThat(body.get("omitted").asLong()).isEqualTo(2);
    assertThat(body.get("alerts").get(0).toString()).isEqualTo("{\"kind\":\"key_disabled\",\"pool\":\"gemini\","
        + "\"key\":\"...a1B2\",\"fingerprint\":\"0123456789abcdef\",\"model\":\"gemini-2.5-pro\","
        + "\"reason\":\"dead: API_KEY_INVALID\",\"atMillis\":5}");
    assertThat(body.get("alerts").get(1).get("percentLeft").asDouble()).isEqualTo(3.0);
    assertThat(body.get("alerts").get(2).get("dropped").asLong()).isEqualTo(7);
  }

  @Test
  void everyTextGoesThroughTheRedactor() throws Exception {
    String secret = "AIzaSyWHOLE-KEY-0000000000000000000000";
    Alert alert = new Alert.KeyDisabled("gemini", "...0000", "fp", null, "Consumer 'api_key:" + secret + "' suspended", 1);
    byte[] body = WebhookPayload.of(new AlertBatcher.Batch(List.of(alert), 0), 1, s -> s.replace(secret, "...0000"));
    assertThat(new String(body, java.nio.charset.StandardCharsets.UTF_8)).doesNotContain(secret)
        .contains("api_key:...0000");
  }

  @Test
  void aLongListIsCutForDiscordWithACountOfTheRest() throws Exception {
    List<Alert> alerts = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      alerts.add(new Alert.KeyDisabled("gemini", "..." + (1000 + i), "fp" + i, "gemini-2.5-flash", "dead: API_KEY_INVALID", i));
    }
    JsonNode body = JSON.readTree(WebhookPayload.of(new AlertBatcher.Batch(alerts, 0), 1, s -> s));
    String text = body.get("text").asText();
    assertThat(text.length()).isLessThanOrEqualTo(WebhookPayload.MAX_TEXT_CHARS);
    long shown = text.lines().filter(l -> l.startsWith("- Key")).count();
    assertThat(text).endsWith("- and " + (200 - shown) + " more");
    assertThat(body.get("alerts")).hasSize(200);
  }
}
