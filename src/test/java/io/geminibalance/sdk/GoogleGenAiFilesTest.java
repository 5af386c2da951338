package io.geminibalance.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.genai.Client;
import com.google.genai.types.Content;
import com.google.genai.types.File;
import com.google.genai.types.GenerateContentResponse;
import com.google.genai.types.Part;
import com.google.genai.types.HttpOptions;
import com.google.genai.types.UploadFileConfig;
import io.geminibalance.testing.FakeUploads;
import io.geminibalance.testing.GatewayHarness;
import io.geminibalance.testing.Recorded;
import io.geminibalance.testing.Replies;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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
  void anUploadedFileIsUsedReadDownloadedAndDeletedWithTheKeyThatUploadedIt() throws Exception {
    byte[] content = "the file the model reads".getBytes(StandardCharsets.UTF_8);
    Client client = sdk(GatewayHarness.CLIENT_TOKEN);
    File file = client.files.upload(content, UploadFileConfig.builder().mimeType("text/plain").build());
    String name = file.name().orElseThrow();
    String key = uploads.steps().get(0).key();
    h.fake.on(r -> r.method().name().equals("GET") && r.path().equals("/v1beta/" + name),
        Replies.json(200, "{\"name\":\"" + name + "\",\"mimeType\":\"text/plain\",\"state\":\"ACTIVE\"}"));
    h.fake.on(r -> r.method().name().equals("DELETE") && r.path().equals("/v1beta/" + name), Replies.json(200, "{}"));

    for (int i = 0; i < 3; i++) {
      GenerateContentResponse answer = client.models.generateContent("gemini-2.5-flash",
          Content.fromParts(Part.fromUri(file.uri().orElseThrow(), "text/plain"), Part.fromText("Summarise it")), null);
      assertThat(answer.text()).isNotBlank();
    }
    assertThat(client.files.get(name, null).state().map(Object::toString)).hasValue("ACTIVE");
    Path saved = Files.createTempFile("gb-download-", ".txt");
    client.files.download(name, saved.toString(), null);
    assertThat(Files.readAllBytes(saved)).isEqualTo(content);
    Files.delete(saved);
    assertThatThrownBy(() -> sdk(OTHER_TOKEN).files.get(name, null)).hasMessageContaining("404");
    client.files.delete(name, null);

    assertThat(h.fake.requests(":generateContent")).hasSize(3).extracting(Recorded::key).containsOnly(key);
    assertThat(h.fake.requests().stream().filter(r -> r.path().equals("/v1beta/" + name)))
        .extracting(r -> r.method().name(), Recorded::key)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("GET", key), org.assertj.core.groups.Tuple.tuple("DELETE", key));
    assertThat(uploads.steps()).filteredOn(s -> s.path().startsWith("/download/")).extracting(FakeUploads.Step::key)
        .containsExactly(key);
  }

  @Test
  void anUnknownTokenCannotUpload() {
    assertThatThrownBy(() -> sdk("tok-not-a-client").files.upload("x".getBytes(StandardCharsets.UTF_8),
        UploadFileConfig.builder().mimeType("text/plain").build())).hasMessageContaining("401");
    assertThat(uploads.steps()).isEmpty();
  }
}
