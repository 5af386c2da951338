package io.geminibalance.relay;

import static io.geminibalance.testing.GatewayHarness.CLIENT_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.geminibalance.testing.GatewayHarness;
import io.geminibalance.testing.ImageHost;
import io.geminibalance.testing.Replies;
import java.net.http.HttpResponse;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The Anthropic surface end to end over the fake Gemini: remote images downloaded by the gateway
 * within the same limits as the OpenAI surface's, the request log's token counts, and answers
 * on the root and /anthropic paths alike.
 */
class AnthropicRelayTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private GatewayHarness h;
  private ImageHost images;

  @AfterEach
  void stop() {
    if (h != null) {
      h.close();
    }
    if (images != null) {
      images.close();
    }
  }

  private void start(Map<String, String> env) {
    java.util.Map<String, String> all = new java.util.HashMap<>(env);
    all.put("IMAGE_FETCH_ALLOW_PRIVATE", "true");
    h = GatewayHarness.start(all);
    images = ImageHost.start();
  }

  private HttpResponse<String> messages(String path, String body) {
    return h.post(path, body, "x-api-key", CLIENT_TOKEN, "content-type", "application/json");
  }

  private String imageRequest(String... urls) {
    StringBuilder blocks = new StringBuilder();
    for (String url : urls) {
      blocks.append("{\"type\":\"image\",\"source\":{\"type\":\"url\",\"url\":\"").append(url).append("\"}},");
    }
    return "{\"model\":\"gemini-2.5-flash\",\"max_tokens\":20,\"messages\":[{\"role\":\"user\",\"content\":["
        + blocks + "{\"type\":\"text\",\"text\":\"what is this?\"}]}]}";
  }

  @Test
  void anImageUrlIsDownloadedAndSentInline() throws Exception {
    start(Map.of());
    images.serve("/cat.png", ImageHost.PNG, "image/png", false, 0);
    h.fake.on(r -> r.pathEndsWith(":generateContent"), Replies.json(200, Replies.TEXT_RESPONSE));
    HttpResponse<String> r = messages("/anthropic/v1/messages", imageRequest(images.url("/cat.png")));
    assertThat(r.statusCode()).isEqualTo(200);
    JsonNode part = JSON.readTree(h.fake.requests().get(0).bodyText()).path("contents").path(0).path("parts").path(0);
    assertThat(part.path("inlineData").path("mimeType").asText()).isEqualTo("image/png");
    assertThat(Base64.getDecoder().decode(part.path("inlineData").path("data").asText())).isEqualTo(ImageHost.PNG);
    assertThat(images.hits("/cat.png")).isEqualTo(1);
  }

  @Test
  void anImageThatCannotBeFetchedIs400InAnthropicsShapeAndNothingGoesUpstream() throws Exception {
    start(Map.of());
    HttpResponse<String> r = messages("/v1/messages", imageRequest(images.url("/missing.png")));
    assertThat(r.statusCode()).isEqualTo(400);
    JsonNode error = JSON.readTree(r.body());
    assertThat(error.path("type").asText()).isEqualTo("error");
    assertThat(error.path("error").path("type").asText()).isEqualTo("invalid_request_error");
    assertThat(error.path("error").path("message").asText()).startsWith("messages: Could not use an image URL");
    assertThat(h.fake.requests()).isEmpty();
  }

  @Test
  void moreImageUrlsThanAllowedAre400BeforeAnyDownload() throws Exception {
    start(Map.of("MAX_IMAGE_DOWNLOADS", "1"));
    images.serve("/a.png", ImageHost.PNG, "image/png", false, 0);
    images.serve("/b.png", ImageHost.PNG, "image/png", false, 0);
    HttpResponse<String> r = messages("/v1/messages", imageRequest(images.url("/a.png"), images.url("/b.png")));
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(JSON.readTree(r.body()).path("error").path("message").asText()).contains("MAX_IMAGE_DOWNLOADS");
    assertThat(images.totalHits()).isZero();
  }

  @Test
  void aMalformedImageUrlNamesTheField() throws Exception {
    start(Map.of());
    HttpResponse<String> r = messages("/v1/messages", imageRequest("ftp://example.com/x.png"));
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(JSON.readTree(r.body()).path("error").path("message").asText())
        .isEqualTo("messages[0].content[0].source.url: must be an http(s) URL");
  }
}
