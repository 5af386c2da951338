package io.geminibalance.relay;

import static io.geminibalance.testing.GatewayHarness.CLIENT_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

import io.geminibalance.testing.GatewayHarness;
import io.geminibalance.testing.Recorded;
import io.geminibalance.testing.Replies;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** PAID_KEY serves Imagen and Veo, their operations and the videos they make; the pool serves the rest. */
class PaidKeyTest {
  private static final String PAID = "paid-key-pppp-9999";

  @Test
  void imagenAndVeoUseThePaidKeyAndTheirOperationsStayOnIt() {
    try (GatewayHarness h = GatewayHarness.start(Map.of("PAID_KEY", PAID))) {
      h.fake.on(r -> r.path().endsWith(":predictLongRunning"),
          Replies.json(200, "{\"name\":\"models/veo-3.0-generate-001/operations/op1\"}"));
      h.fake.on(r -> r.path().endsWith("/operations/op1"), Replies.json(200, "{\"name\":"
          + "\"models/veo-3.0-generate-001/operations/op1\",\"done\":true,\"response\":{\"generateVideoResponse\":"
          + "{\"generatedSamples\":[{\"video\":{\"uri\":\"" + h.fake.baseUrl() + "/files/vid1:download?alt=media\"}}]}}}"));
      h.fake.on(r -> r.path().endsWith(":predict"), Replies.json(200, "{\"predictions\":[]}"));
      assertThat(h.post("/v1beta/models/imagen-4.0-generate-001:predict", "{\"instances\":[{\"prompt\":\"x\"}]}",
          "x-goog-api-key", CLIENT_TOKEN).statusCode()).isEqualTo(200);
      assertThat(h.post("/v1beta/models/veo-3.0-generate-001:predictLongRunning", "{\"instances\":[]}",
          "x-goog-api-key", CLIENT_TOKEN).statusCode()).isEqualTo(200);
      assertThat(h.get("/v1beta/models/veo-3.0-generate-001/operations/op1", "x-goog-api-key", CLIENT_TOKEN)
          .statusCode()).isEqualTo(200);
      assertThat(h.get("/v1beta/files/vid1:download?alt=media", "x-goog-api-key", CLIENT_TOKEN).statusCode())
          .isEqualTo(200);
      assertThat(h.post("/v1beta/models/gemini-2.5-flash:generateContent", "{}", "x-goog-api-key", CLIENT_TOKEN)
          .statusCode()).isEqualTo(200);
      assertThat(h.fake.requests()).filteredOn(r -> !r.path().endsWith(":generateContent"))
          .extracting(Recorded::key).containsOnly(PAID);
      assertThat(h.fake.requests(":generateContent")).extracting(Recorded::key).doesNotContain(PAID);
      assertThat(h.fake.requests("/files/vid1:download")).singleElement()
          .satisfies(r -> assertThat(r.query()).isEqualTo("alt=media"));
    }
  }

  @Test
  void withoutAPaidKeyImagenUsesThePool() {
    try (GatewayHarness h = GatewayHarness.start()) {
      h.fake.on(r -> r.path().endsWith(":predict"), Replies.json(200, "{\"predictions\":[]}"));
      assertThat(h.post("/v1beta/models/imagen-4.0-generate-001:predict", "{}", "x-goog-api-key", CLIENT_TOKEN)
          .statusCode()).isEqualTo(200);
      assertThat(h.fake.requests(":predict")).extracting(Recorded::key)
          .containsAnyOf(GatewayHarness.KEY_A, GatewayHarness.KEY_B, GatewayHarness.KEY_C);
    }
  }
}
