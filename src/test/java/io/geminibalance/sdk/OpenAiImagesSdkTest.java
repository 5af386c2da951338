package io.geminibalance.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.openai.client.OpenAIClient;
import com.openai.errors.BadRequestException;
import com.openai.models.images.Image;
import com.openai.models.images.ImageGenerateParams;
import com.openai.models.images.ImageModel;
import com.openai.models.images.ImagesResponse;
import io.geminibalance.testing.FakeImageHost;
import io.geminibalance.testing.GatewayHarness;
import io.geminibalance.testing.ImageHost;
import io.geminibalance.testing.Replies;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The OpenAI Java SDK's {@code images.generate} against the gateway, Imagen played by FakeGemini. */
class OpenAiImagesSdkTest {
  private static final String PNG_B64 = Base64.getEncoder().encodeToString(ImageHost.PNG);
  private static final String TWO_IMAGES = "{\"predictions\":[{\"bytesBase64Encoded\":\"" + PNG_B64
      + "\",\"mimeType\":\"image/png\"},{\"bytesBase64Encoded\":\"" + PNG_B64 + "\",\"mimeType\":\"image/png\"}]}";

  @Test
  void b64JsonImagesComeBackAsTheSdkReadsThem() {
    try (GatewayHarness h = GatewayHarness.start()) {
      h.fake.on(r -> r.path().endsWith(":predict"), Replies.json(200, TWO_IMAGES));
      OpenAIClient client = OpenAiSdkSupport.client(h);
      ImagesResponse response = client.images().generate(ImageGenerateParams.builder().model(ImageModel.DALL_E_3)
          .prompt("a paper boat").n(2).size(ImageGenerateParams.Size._1792X1024)
          .responseFormat(ImageGenerateParams.ResponseFormat.B64_JSON).build());
      List<Image> images = response.data().orElseThrow();
      assertThat(images).hasSize(2);
      assertThat(Base64.getDecoder().decode(images.get(0).b64Json().orElseThrow())).isEqualTo(ImageHost.PNG);
      assertThat(images.get(0).revisedPrompt()).hasValue("a paper boat");
      assertThat(response.created()).isPositive();
      var predict = OpenAiSdkSupport.onlyUpstream(h, ":predict");
      assertThat(predict.path("parameters").path("sampleCount").asInt()).isEqualTo(2);
      assertThat(predict.path("parameters").path("aspectRatio").asText()).isEqualTo("16:9");
    }
  }

  @Test
  void urlImagesLinkToTheImageHost() {
    try (FakeImageHost host = FakeImageHost.start();
        GatewayHarness h = GatewayHarness.start(Map.of("UPLOAD_PROVIDER", "picgo", "PICGO_API_KEY", "pk-1",
            "PICGO_API_URL", host.url("/api/1/upload")))) {
      host.answer(FakeImageHost.Answer.json(200, "{\"status_code\":200,\"image\":{\"url\":\"https://img.example/a.png\"}}"));
      h.fake.on(r -> r.path().endsWith(":predict"), Replies.json(200, TWO_IMAGES));
      ImagesResponse response = OpenAiSdkSupport.client(h).images().generate(ImageGenerateParams.builder()
          .model(ImageModel.GPT_IMAGE_1).prompt("a kite {ratio:9:16}").n(2)
          .responseFormat(ImageGenerateParams.ResponseFormat.URL).build());
      List<Image> images = response.data().orElseThrow();
      assertThat(images).extracting(i -> i.url().orElseThrow()).containsOnly("https://img.example/a.png");
      assertThat(images.get(0).revisedPrompt()).hasValue("a kite");
      assertThat(host.uploads()).hasSize(2).allSatisfy(u -> assertThat(u.query()).isEqualTo("key=pk-1"));
    }
  }

  @Test
  void urlImagesWithoutAHostAreDataUrls() {
    try (GatewayHarness h = GatewayHarness.start()) {
      h.fake.on(r -> r.path().endsWith(":predict"), Replies.json(200, TWO_IMAGES));
      ImagesResponse response = OpenAiSdkSupport.client(h).images().generate(ImageGenerateParams.builder()
          .model(ImageModel.DALL_E_2).prompt("a kite").build());
      assertThat(response.data().orElseThrow().get(0).url()).hasValue("data:image/png;base64," + PNG_B64);
    }
  }

  @Test
  void badInputIsABadRequestNamingTheField() {
    try (GatewayHarness h = GatewayHarness.start()) {
      assertThatThrownBy(() -> OpenAiSdkSupport.client(h).images().generate(ImageGenerateParams.builder()
          .model(ImageModel.DALL_E_3).prompt("x").n(10).build()))
          .isInstanceOfSatisfying(BadRequestException.class, e -> {
            assertThat(e.statusCode()).isEqualTo(400);
            assertThat(e.param()).hasValue("n");
          });
      assertThat(h.fake.requests(":predict")).isEmpty();
    }
  }
}
