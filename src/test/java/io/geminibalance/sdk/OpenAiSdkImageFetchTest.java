package io.geminibalance.sdk;

import static io.geminibalance.sdk.OpenAiSdkSupport.MODEL;
import static io.geminibalance.sdk.OpenAiSdkSupport.onlyUpstream;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import io.geminibalance.testing.GatewayHarness;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** An http image URL is downloaded by the gateway and sent upstream inline (private targets allowed here). */
class OpenAiSdkImageFetchTest {

  @Test
  void httpImageUrlIsFetchedAndSentInline() throws Exception {
    try (GatewayHarness h = GatewayHarness.start(Map.of("IMAGE_FETCH_ALLOW_PRIVATE", "true"));
        LocalImageServer images = LocalImageServer.start()) {
      OpenAIClient client = OpenAiSdkSupport.client(h);
      ChatCompletion completion = client.chat().completions().create(ChatCompletionCreateParams.builder()
          .model(MODEL)
          .addUserMessageOfArrayOfContentParts(List.of(OpenAiSdkChatTest.imagePart(images.url("/pics/cat")))).build());
      assertThat(completion.choices().get(0).message().content()).hasValue("Hello from fake");
      assertThat(images.hits()).isEqualTo(1);
      JsonNode part = onlyUpstream(h, ":generateContent").at("/contents/0/parts/0");
      assertThat(part.at("/inlineData/mimeType").asText()).isEqualTo("image/png");
      assertThat(Base64.getDecoder().decode(part.at("/inlineData/data").asText())).isEqualTo(LocalImageServer.PNG);
      assertThat(part.toString()).doesNotContain("127.0.0.1");
    }
  }
}
