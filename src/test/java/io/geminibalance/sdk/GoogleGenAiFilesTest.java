package io.geminibalance.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.genai.Client;
import com.google.genai.types.File;
import com.google.genai.types.HttpOptions;
import com.google.genai.types.UploadFileConfig;
import io.geminibalance.testing.FakeUploads;
import io.geminibalance.testing.GatewayHarness;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Google's Gen AI Java SDK uploads files through the gateway unchanged, each step with one key. */
class GoogleGenAiFilesTest {
  static final String OTHER_TOKEN = "tok-client-8888";

  @RegisterExtension
  static final GatewayHarness h = GatewayHarness.start(Map.of(
      "ALLOWED_TOKENS", "[\"" + GatewayHarness.CLIENT_TOKEN + "\",\"" + OTHER_TOKEN + "\"]"));
  static final FakeUploads uploads = FakeUploads.on(h.fake);

  static Client sdk(String token) {
    return Client.builder().apiKey(token).vertexAI(false)
        .httpOptions(HttpOptions.builder().baseUrl(h.url("")).build()).build();
  }

  @BeforeEach
  void clear() {
    uploads.clear();
  }

  @Test
  void filesUploadGoesThroughTheGatewayWithOneKey() {
    byte[] content = "a small text file for the model".getBytes(StandardCharsets.UTF_8);

    File file = sdk(GatewayHarness.CLIENT_TOKEN).files.upload(content,
        UploadFileConfig.builder().mimeType("text/plain").displayName("notes.txt").build());

    assertThat(file.name()).hasValueSatisfying(name -> assertThat(name).startsWith("files/"));
    assertThat(file.sizeBytes()).hasValue((long) content.length);
    assertThat(file.displayName()).hasValue("notes.txt");
    List<FakeUploads.Step> steps = uploads.steps();
    assertThat(steps).extracting(FakeUploads.Step::command).containsExactly("start", "upload, finalize");
    assertThat(steps).extracting(FakeUploads.Step::key).containsOnly(steps.get(0).key());
    assertThat(uploads.files().get(file.name().orElseThrow()).bytes().getBytes()).isEqualTo(content);
  }

  @Test
  void aLargerFileGoesInTheSdksChunksAllWithTheSameKey() {
    byte[] content = new byte[9 * 1024 * 1024];
    for (int i = 0; i < content.length; i++) {
      content[i] = (byte) (i * 7);
    }

    File file = sdk(GatewayHarness.CLIENT_TOKEN).files.upload(content,
        UploadFileConfig.builder().mimeType("application/octet-stream").build());

    assertThat(file.sizeBytes()).hasValue((long) content.length);
    List<FakeUploads.Step> steps = uploads.steps();
    assertThat(steps).extracting(FakeUploads.Step::command).containsExactly("start", "upload", "upload, finalize");
    assertThat(steps).extracting(FakeUploads.Step::key).containsOnly(steps.get(0).key());
  }

  @Test
  void anUnknownTokenCannotUpload() {
    assertThatThrownBy(() -> sdk("tok-not-a-client").files.upload("x".getBytes(StandardCharsets.UTF_8),
        UploadFileConfig.builder().mimeType("text/plain").build())).hasMessageContaining("401");
    assertThat(uploads.steps()).isEmpty();
  }
}
