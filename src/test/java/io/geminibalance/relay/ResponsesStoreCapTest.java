package io.geminibalance.relay;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.geminibalance.testing.GatewayHarness;
import io.geminibalance.testing.Replies;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A response whose kept document would pass MAX_REQUEST_BODY_MB is still answered, whole, but not
 * kept: the answer says {@code store: false} and reading it back is a 404.
 */
class ResponsesStoreCapTest {

  @Test
  void anAnswerTooLargeToKeepIsAnsweredAndNotKept() throws Exception {
    try (GatewayHarness h = GatewayHarness.start(Map.of("MAX_REQUEST_BODY_MB", "1"))) {
      String big = "x".repeat(1_200_000);
      h.fake.on(r -> r.path().endsWith(":generateContent"), Replies.json(200,
          "{\"candidates\":[{\"content\":{\"role\":\"model\",\"parts\":[{\"text\":\"" + big + "\"}]},"
              + "\"finishReason\":\"STOP\",\"index\":0}]}"));
      String auth = "Bearer " + GatewayHarness.CLIENT_TOKEN;
      HttpResponse<String> res = h.post("/v1/responses", "{\"model\":\"gemini-2.5-flash\",\"input\":\"Hi\"}",
          "authorization", auth, "content-type", "application/json");
      assertThat(res.statusCode()).isEqualTo(200);
      JsonNode response = new ObjectMapper().readTree(res.body());
      assertThat(response.path("output").get(0).path("content").get(0).path("text").asText()).hasSize(big.length());
      assertThat(response.path("store").asBoolean()).isFalse();
      assertThat(h.get("/v1/responses/" + response.path("id").asText(), "authorization", auth).statusCode())
          .isEqualTo(404);

      // A small one on the same gateway is kept.
      h.fake.reset();
      JsonNode small = new ObjectMapper().readTree(h.post("/v1/responses",
          "{\"model\":\"gemini-2.5-flash\",\"input\":\"Hi\"}", "authorization", auth,
          "content-type", "application/json").body());
      assertThat(small.path("store").asBoolean()).isTrue();
      assertThat(h.get("/v1/responses/" + small.path("id").asText(), "authorization", auth).statusCode())
          .isEqualTo(200);
    }
  }
}
