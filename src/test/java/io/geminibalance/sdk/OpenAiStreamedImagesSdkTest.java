package io.geminibalance.sdk;

import static org.assertj.core.api.Assertions.assertThat;

import com.openai.core.http.StreamResponse;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import io.geminibalance.testing.FakeImageHost;
import io.geminibalance.testing.GatewayHarness;
import io.geminibalance.testing.ImageHost;
import io.geminibalance.testing.Replies;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The OpenAI Java SDK streaming a {@code -image} chat answer whose image the gateway put on a host. */
class OpenAiStreamedImagesSdkTest {
  private static final String PNG_B64 = Base64.getEncoder().encodeToString(ImageHost.PNG);

  @Test
  void theSdkStreamsTheAnswerWithTheHostedUrl() {
    try (FakeImageHost host = FakeImageHost.start();
        GatewayHarness h = GatewayHarness.start(Map.of("UPLOAD_PROVIDER", "cloudflare_imgbed",
            "CLOUDFLARE_IMGBED_URL", host.url("/upload"), "CLOUDFLARE_IMGBED_AUTH_CODE", "code-1"))) {
      host.answer(FakeImageHost.Answer.json(200, "[{\"src\":\"/file/boat.png\"}]"));
      h.fake.on(r -> r.path().endsWith(":streamGenerateContent"), Replies.sse(List.of(Replies.chunk("A boat:"),
          "{\"candidates\":[{\"content\":{\"parts\":[{\"inlineData\":{\"mimeType\":\"image/png\",\"data\":\""
              + PNG_B64 + "\"}}],\"role\":\"model\"},\"index\":0}]}", Replies.finalChunk("Done.")), 10));
      StringBuilder text = new StringBuilder();
      try (StreamResponse<ChatCompletionChunk> stream = OpenAiSdkSupport.client(h).chat().completions()
          .createStreaming(ChatCompletionCreateParams.builder().model("gemini-2.5-flash-image-preview-image")
              .addUserMessage("draw a boat").build())) {
        stream.stream().forEach(c -> c.choices().forEach(choice -> choice.delta().content().ifPresent(text::append)));
      }
      assertThat(text.toString()).isEqualTo("A boat:\n\n![image](" + host.url("/file/boat.png") + ")\n\nDone.");
      assertThat(host.uploads()).hasSize(1);
    }
  }
}
