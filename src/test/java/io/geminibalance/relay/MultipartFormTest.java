package io.geminibalance.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.geminibalance.protocol.openai.TranscriptionTranslator.TranscriptionForm;
import io.geminibalance.protocol.openai.TranslationException;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class MultipartFormTest {

  private static TranscriptionForm parse(OpenAiAudioTest.Form form) {
    return MultipartForm.parse(form.contentType(), Buffer.buffer(form.bytes()));
  }

  @Test
  void fieldsKeepTheirFirstValueAndTheFilePartKeepsNameTypeAndBytes() {
    byte[] audio = {0, 1, 2, (byte) 0xFF, 13, 10, 45, 45};
    TranscriptionForm form = parse(new OpenAiAudioTest.Form().field("model", "whisper-1").field("model", "other")
        .field("prompt", "Grüße").file("file", "a.wav", "audio/wav", audio).file("extra", "x.txt", "text/plain",
            "note".getBytes(StandardCharsets.UTF_8)));
    assertThat(form.fields()).containsEntry("model", "whisper-1").containsEntry("prompt", "Grüße")
        .containsEntry("extra", "note");
    assertThat(form.file().filename()).isEqualTo("a.wav");
    assertThat(form.file().contentType()).isEqualTo("audio/wav");
    assertThat(form.file().bytes()).isEqualTo(audio);
  }

  @Test
  void theRequestsBufferOutlivesTheDecoder() {
    OpenAiAudioTest.Form form = new OpenAiAudioTest.Form().field("model", "whisper-1")
        .file("file", "a.wav", "audio/wav", new byte[] {1, 2, 3});
    Buffer body = Buffer.buffer(form.bytes());
    String before = body.toString(StandardCharsets.ISO_8859_1);
    MultipartForm.parse(form.contentType(), body);
    MultipartForm.parse(form.contentType(), body);
    assertThat(body.toString(StandardCharsets.ISO_8859_1)).isEqualTo(before);
  }

  @Test
  void moreFieldsThanAnAudioFormHasIsRefused() {
    OpenAiAudioTest.Form form = new OpenAiAudioTest.Form();
    for (int i = 0; i <= MultipartForm.MAX_FIELDS; i++) {
      form.field("f" + i, "v");
    }
    TranslationException e = catchThrowableOfType(TranslationException.class, () -> parse(form));
    assertThat(e).isNotNull();
    assertThat(e.code()).isEqualTo("invalid_multipart");
  }

  @Test
  void anotherContentTypeIsRefusedQuotingOnlyAnExcerpt() {
    TranslationException e = catchThrowableOfType(TranslationException.class,
        () -> MultipartForm.parse("application/json; " + "x".repeat(5000), Buffer.buffer("{}")));
    assertThat(e.code()).isEqualTo("invalid_content_type");
    assertThat(e.getMessage()).hasSizeLessThan(300);
    assertThat(catchThrowableOfType(TranslationException.class, () -> MultipartForm.parse(null, null)).code())
        .isEqualTo("invalid_content_type");
  }
}
