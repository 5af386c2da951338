package io.geminibalance.protocol.gemini;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.geminibalance.protocol.gemini.ResumableUpload.Command;
import io.geminibalance.protocol.gemini.ResumableUpload.MediaRoot;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ResumableUploadTest {

  @Test
  void commandsAreReadAsGoogleWritesThem() throws Exception {
    assertThat(ResumableUpload.command("upload")).isEqualTo(Command.UPLOAD);
    assertThat(ResumableUpload.command("upload, finalize")).isEqualTo(Command.UPLOAD_FINALIZE);
    assertThat(ResumableUpload.command("Finalize,Upload")).isEqualTo(Command.UPLOAD_FINALIZE);
    assertThat(ResumableUpload.command(" finalize ")).isEqualTo(Command.FINALIZE);
    assertThat(ResumableUpload.command("query")).isEqualTo(Command.QUERY);
    assertThat(ResumableUpload.command("cancel")).isEqualTo(Command.CANCEL);
    assertThat(Command.UPLOAD_FINALIZE.carriesBytes()).isTrue();
    assertThat(Command.FINALIZE.carriesBytes()).isFalse();
    assertThat(Command.FINALIZE.needsOffset()).isTrue();
    assertThat(Command.QUERY.needsOffset()).isFalse();
    assertThat(ResumableUpload.isStart(" Start")).isTrue();
    assertThat(ResumableUpload.isStart("start, upload")).isFalse();
  }

  @Test
  void malformedCommandsAreRefusedWithA400() {
    for (String bad : new String[] {null, "", " ", "start", "upload, upload", "query, upload", "download",
        "upload,", "upload, finalize, query", "upload;finalize"}) {
      assertThatThrownBy(() -> ResumableUpload.command(bad)).as(String.valueOf(bad))
          .isInstanceOfSatisfying(ResumableUpload.Refused.class, r -> assertThat(r.status()).isEqualTo(400));
    }
  }

  @Test
  void sizesAreWholeNumbersOfBytes() throws Exception {
    assertThat(ResumableUpload.size("X", "0", true)).isZero();
    assertThat(ResumableUpload.size("X", " 123 ", true)).isEqualTo(123);
    assertThat(ResumableUpload.size("X", null, false)).isEqualTo(-1);
    assertThat(ResumableUpload.size("X", "999999999999999999", true)).isEqualTo(999_999_999_999_999_999L);
    for (String bad : new String[] {"-1", "1e3", "0x10", "12 34", "+5", "1234567890123456789", "٣"}) {
      assertThatThrownBy(() -> ResumableUpload.size("X-Goog-Upload-Offset", bad, true)).as(bad)
          .hasMessageContaining("X-Goog-Upload-Offset");
    }
    assertThatThrownBy(() -> ResumableUpload.size("X-Goog-Upload-Offset", null, true))
        .hasMessageContaining("Missing X-Goog-Upload-Offset");
  }

  @Test
  void uploadIdsAreOpaqueAndChecked() {
    String id = "A".repeat(43);
    assertThat(ResumableUpload.uploadId("upload_id=" + id + "&upload_protocol=resumable")).isEqualTo(id);
    assertThat(ResumableUpload.uploadId("upload_protocol=resumable&upload_id=x")).isEqualTo("x");
    assertThat(ResumableUpload.uploadId("upload_protocol=resumable")).isNull();
    assertThat(ResumableUpload.uploadId(null)).isNull();
    assertThat(ResumableUpload.plausibleUploadId(id)).isTrue();
    assertThat(ResumableUpload.plausibleUploadId("A".repeat(42) + "%")).isFalse();
    assertThat(ResumableUpload.plausibleUploadId("A".repeat(44))).isFalse();
    assertThat(ResumableUpload.gatewayUploadUrl("https://gw.example", id))
        .isEqualTo("https://gw.example/upload/v1beta/files?upload_id=" + id + "&upload_protocol=resumable");
  }

  @Test
  void mediaEndpointsSitBesideTheApiVersion() {
    MediaRoot google = MediaRoot.of(URI.create("https://generativelanguage.googleapis.com/v1beta"));
    assertThat(google.filesUpload()).isEqualTo("/upload/v1beta/files");
    assertThat(google.download("abc-123")).isEqualTo("/download/v1beta/files/abc-123:download");
    assertThat(google.storeUpload("s1")).isEqualTo("/upload/v1beta/fileSearchStores/s1:uploadToFileSearchStore");
    assertThat(MediaRoot.of(URI.create("https://proxy.example/gemini/v1/")).filesUpload())
        .isEqualTo("/gemini/upload/v1/files");
    assertThat(MediaRoot.of(URI.create("https://proxy.example")).filesUpload()).isEqualTo("/upload/v1beta/files");
  }

  @Test
  void googlesUploadUrlKeepsOnlyItsPathAndQueryWithoutCredentials() {
    MediaRoot google = MediaRoot.of(URI.create("https://generativelanguage.googleapis.com/v1beta"));
    assertThat(google.uploadTarget("https://generativelanguage.googleapis.com/upload/v1beta/files?upload_id=AB-c"
        + "&upload_protocol=resumable")).isEqualTo("/upload/v1beta/files?upload_id=AB-c&upload_protocol=resumable");
    assertThat(google.uploadTarget("https://elsewhere.example/upload/v1beta/files?key=AIzaSECRET&upload_id=x"))
        .isEqualTo("/upload/v1beta/files?upload_id=x");
    MediaRoot proxied = MediaRoot.of(URI.create("https://proxy.example/gemini/v1beta"));
    assertThat(proxied.uploadTarget("https://generativelanguage.googleapis.com/upload/v1beta/files?upload_id=x"))
        .isEqualTo("/gemini/upload/v1beta/files?upload_id=x");
    assertThat(proxied.uploadTarget("https://proxy.example/gemini/upload/v1beta/files?upload_id=x"))
        .isEqualTo("/gemini/upload/v1beta/files?upload_id=x");
    for (String bad : new String[] {null, "", "not a url with spaces", "mailto:x", "https://h/../etc?upload_id=x",
        "https://h/a//b"}) {
      assertThat(google.uploadTarget(bad)).as(String.valueOf(bad)).isNull();
    }
  }

  @Test
  void theResourceAFinishedUploadMadeIsReadFromGooglesAnswer() {
    UploadedResource file = UploadedResource.file(("{\"file\":{\"name\":\"files/abc\",\"state\":\"ACTIVE\","
        + "\"expirationTime\":\"2026-12-08T10:00:00.123456Z\",\"sizeBytes\":\"3\"}}").getBytes(StandardCharsets.UTF_8));
    assertThat(file.name()).isEqualTo("files/abc");
    assertThat(file.state()).isEqualTo("ACTIVE");
    assertThat(file.expiresMillis()).isEqualTo(java.time.Instant.parse("2026-12-08T10:00:00.123Z").toEpochMilli());
    assertThat(file.json()).contains("\"sizeBytes\":\"3\"");
    UploadedResource op = UploadedResource.operation(
        "{\"name\":\"fileSearchStores/s/upload/operations/o1\",\"done\":true}".getBytes(StandardCharsets.UTF_8));
    assertThat(op.name()).isEqualTo("fileSearchStores/s/upload/operations/o1");
    assertThat(op.state()).isEqualTo("DONE");
    for (String bad : new String[] {"", "not json", "{}", "{\"file\":{}}", "{\"file\":{\"name\":\"cachedContents/x\"}}",
        "{\"file\":{\"name\":\"files/../x\"}}", "{\"file\":{\"name\":7}}"}) {
      assertThat(UploadedResource.file(bad.getBytes(StandardCharsets.UTF_8))).as(bad).isNull();
    }
    assertThat(UploadedResource.operation("[]".getBytes(StandardCharsets.UTF_8))).isNull();
  }
}
